package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.spike.SeriesStore;
import org.maomao.spike.SpikeRecord;
import org.maomao.store.Database;
import org.maomao.store.JdbcSeriesStore;
import org.maomao.testing.TestDaemon;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * 10,000 series in the store (inserted through JdbcSeriesStore, with real CSV files behind them):
 * the status page plots only a few and answers fast, and GET /series is paged.
 */
class SeriesScaleTest {
    static final int FILES = 40;
    static final int COLUMNS = 250;
    static final int ROWS = 300;
    static final String SPIKED = "wide/f7.csv#v3";

    @TempDir
    static Path dir;
    static TestDaemon daemon;

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** A daemon over a store holding FILES x COLUMNS series of dataset "big", collector "wide"; one has a spike. */
    @BeforeAll
    static void daemonWith10000Series() throws Exception {
        Path data = dir.resolve("data");
        daemon = new TestDaemon(data, Map.of());
        daemon.stop(); // the store now has its tables
        Path folder = data.resolve("datasets/big/wide");
        Files.createDirectories(folder);
        // a dataset is a git work tree: plots are read only from real datasets
        org.maomao.testing.GitCli.run(data.resolve("datasets/big"), "init", "-q", "-b", "main");
        try (Database db = Database.open(Database.h2Url(data), null, null, 2)) {
            JdbcSeriesStore store = new JdbcSeriesStore(db.dataSource(), Clock.systemUTC());
            for (int f = 0; f < FILES; f++) {
                StringBuilder csv = new StringBuilder("timestamp");
                for (int c = 0; c < COLUMNS; c++) {
                    csv.append(",v").append(c);
                }
                csv.append('\n');
                for (int r = 0; r < ROWS; r++) {
                    csv.append("2026-01-01T00:00:").append(r);
                    for (int c = 0; c < COLUMNS; c++) {
                        csv.append(',').append((r * 7 + c) % 13);
                    }
                    csv.append('\n');
                }
                Files.writeString(folder.resolve("f" + f + ".csv"), csv);
                for (int c = 0; c < COLUMNS; c++) {
                    String name = "wide/f" + f + ".csv#v" + c;
                    List<SpikeRecord> spikes = name.equals(SPIKED)
                            ? List.of(new SpikeRecord(0, "big", name, "2026-01-01T00:00:5", 12, 6, 1, 6, 1, null, null, Instant.now()))
                            : List.of();
                    store.save(new SeriesStore.SeriesRecord("big", name, null, ROWS,
                            "2026-01-01T00:00:" + (ROWS - 1), 1.0, Instant.now()), spikes);
                }
            }
        }
        daemon.start();
    }

    @Test
    void should_answer_the_status_page_fast_with_few_plots_when_10000_series_exist() {
        List<Long> millis = new ArrayList<>();
        String page = null;
        for (int i = 0; i < 7; i++) {
            long t0 = System.nanoTime();
            TestDaemon.Response r = daemon.get("/");
            millis.add((System.nanoTime() - t0) / 1_000_000);
            assertThat(r.status()).isEqualTo(200);
            page = r.body();
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.println("GET / with 10,000 series: median " + sorted.get(3) + " ms, all " + millis);
        String[] plots = page.split("class=\"series-plot\"", -1);
        assertThat(plots.length - 1).isEqualTo(12);
        // the series with the latest spike comes first, drawn from its file with its spike marked
        assertThat(plots[0]).endsWith("big/" + SPIKED + " · 300 points · 1 spike</div><svg ");
        assertThat(plots[1]).contains("<path d=\"M").contains("class=\"spike\"");
        assertThat(page).contains("10000 series").contains("href=\"/series\"");
    }

    @Test
    void should_page_through_every_series_by_the_next_link() {
        Set<String> seen = new HashSet<>();
        String previous = "";
        String next = "/series?limit=1000";
        int pages = 0;
        while (next != null) {
            JsonNode body = daemon.get(next).json();
            JsonNode series = body.get("series");
            assertThat(series.size()).isBetween(1, 1000);
            for (JsonNode s : series) {
                String id = s.get("id").asText();
                assertThat(seen.add(id)).as("listed once: " + id).isTrue();
                previous = id;
            }
            next = body.get("next").isNull() ? null : body.get("next").asText();
            pages++;
        }
        assertThat(pages).isEqualTo(10);
        assertThat(seen).hasSize(FILES * COLUMNS).contains("big/" + SPIKED);
        assertThat(previous).isEqualTo("big/wide/f9.csv#v99"); // id order: the last id sorts last

        JsonNode first = daemon.get("/series").json();
        assertThat(first.get("series")).hasSize(100); // the default page
        String after = first.get("series").get(99).get("id").asText();
        assertThat(first.get("next").asText()).isEqualTo("/series?limit=100&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
        JsonNode second = daemon.get(first.get("next").asText()).json().get("series");
        assertThat(second.get(0).get("id").asText()).isGreaterThan(after);
    }

    @Test
    void should_list_more_series_than_a_page_with_the_cli_by_following_next() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new org.maomao.cli.MaomaoCli());
        cli.setOut(new java.io.PrintWriter(out));
        assertThat(cli.execute("--url", daemon.url(""), "series", "--limit", "1500", "--json")).isZero();
        JsonNode listed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        assertThat(listed).hasSize(1500);
        Set<String> ids = new HashSet<>();
        listed.forEach(s -> ids.add(s.get("id").asText()));
        assertThat(ids).hasSize(1500);
        assertThat(listed.get(1000).get("id").asText()).isGreaterThan(listed.get(999).get("id").asText());
    }

    @Test
    void should_refuse_a_page_size_or_cursor_out_of_bounds_with_a_sentence() {
        for (String q : List.of("limit=1001", "limit=0", "limit=x", "after=nodataset", "after=..%2Fx%2Fy")) {
            TestDaemon.Response r = daemon.get("/series?" + q);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.json().get("message").asText()).as(q).endsWith(".");
        }
        JsonNode past = daemon.get("/series?after=zzz/x").json();
        assertThat(past.get("series")).isEmpty();
        assertThat(past.get("next").isNull()).isTrue();
    }
}
