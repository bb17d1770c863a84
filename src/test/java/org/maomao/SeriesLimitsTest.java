package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.GitCli;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Hostile collectors that try to flood the store with series: a CSV with thousands of columns,
 * runs that pile up series past the collector's bound, a line of megabytes. Each is refused
 * before the commit, with a sentence: no commit, no series row.
 */
class SeriesLimitsTest {
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    /** Writes $FILE (default wide.csv) with a time column and $COLS value columns, two rows. */
    static String wide;
    /** Writes one CSV line of $BYTES characters without a line break. */
    static String longLine;

    @TempDir
    Path dir;
    TestDaemon daemon;

    @BeforeAll
    static void images() {
        wide = TestImages.collector("maomao-test/wide:limits", """
                f=${FILE:-wide.csv}
                i=0; h=timestamp; a=2026-01-01T00:00:00; b=2026-01-01T00:01:00
                while [ $i -lt $COLS ]; do h="$h,c$i"; a="$a,$i"; b="$b,$((i + 1))"; i=$((i + 1)); done
                printf '%s\\n%s\\n%s\\n' "$h" "$a" "$b" > /output/$f
                """);
        longLine = TestImages.collector("maomao-test/longline:limits", """
                head -c $BYTES /dev/zero | tr '\\0' '1' > /output/long.csv
                """);
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private JsonNode run(String collector, String dataset) {
        return daemon.awaitEnd(daemon.runNow(collector, dataset), RUN_TIMEOUT);
    }

    private int seriesCount() {
        return daemon.get("/series?limit=1000").json().get("series").size();
    }

    @Test
    void should_fail_a_csv_with_2000_columns_with_a_sentence_and_commit_nothing() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("wide", wide, ",\"env\":{\"COLS\":\"2000\"}");
        JsonNode done = run("wide", "flood");
        assertThat(done.get("state").asText()).isEqualTo("failed");
        assertThat(done.get("message").asText()).contains("wide.csv has 2000 columns besides its time column",
                "max_series_per_file (256)", "Nothing was committed.");
        assertThat(done.get("commit").isNull()).isTrue();
        assertThat(dir.resolve("data/datasets/flood")).doesNotExist(); // not even an empty repository
        assertThat(seriesCount()).isZero();
        // a failed ingest is not retried: the same output would fail again
        assertThat(done.get("attempt").asInt()).isEqualTo(1);
    }

    @Test
    void should_take_a_csv_at_the_column_limit_and_honour_a_collector_s_own_limit() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("wide", wide, ",\"env\":{\"COLS\":\"256\"}");
        JsonNode done = run("wide", "flood");
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(seriesCount()).isEqualTo(256);
        assertThat(GitCli.lines(dir.resolve("data/datasets/flood"), "log", "--format=%H")).hasSize(1);

        // the same collector with its own, lower bound: the next run is refused
        daemon.register("wide", wide, ",\"env\":{\"COLS\":\"256\"},\"max_series_per_file\":100");
        JsonNode refused = run("wide", "flood");
        assertThat(refused.get("state").asText()).isEqualTo("failed");
        assertThat(refused.get("message").asText()).contains("max_series_per_file (100)");
        assertThat(GitCli.lines(dir.resolve("data/datasets/flood"), "log", "--format=%H")).hasSize(1);
        assertThat(Files.readAllLines(dir.resolve("data/datasets/flood/wide/wide.csv"))).hasSize(3);

        // and a bad value is refused at registration
        assertThat(daemon.post("/register", "{\"name\":\"wide\",\"url\":\"" + wide + "\",\"max_series_per_file\":0}")
                .status()).isEqualTo(400);
    }

    @Test
    void should_refuse_a_run_that_would_take_a_collector_past_max_series_in_a_dataset() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of("defaults.max_series", "300"));
        daemon.register("wide", wide, ",\"env\":{\"COLS\":\"200\",\"FILE\":\"a.csv\"}");
        assertThat(run("wide", "flood").get("state").asText()).isEqualTo("succeeded");
        assertThat(run("wide", "flood").get("state").asText()).isEqualTo("succeeded"); // same series again: no new ones
        assertThat(seriesCount()).isEqualTo(200);

        daemon.register("wide", wide, ",\"env\":{\"COLS\":\"200\",\"FILE\":\"b.csv\"}");
        JsonNode refused = run("wide", "flood");
        assertThat(refused.get("state").asText()).isEqualTo("failed");
        assertThat(refused.get("message").asText()).contains("would add 200 series to the 200 that wide has in dataset flood",
                "max_series (300)", "Nothing was committed.");
        assertThat(seriesCount()).isEqualTo(200);
        assertThat(GitCli.lines(dir.resolve("data/datasets/flood"), "log", "--format=%H")).hasSize(2);
        assertThat(dir.resolve("data/datasets/flood/wide/b.csv")).doesNotExist();

        // another collector has its own budget in the same dataset
        daemon.register("other", wide, ",\"env\":{\"COLS\":\"200\",\"FILE\":\"b.csv\"}");
        assertThat(run("other", "flood").get("state").asText()).isEqualTo("succeeded");
        assertThat(seriesCount()).isEqualTo(400);
    }

    @Test
    void should_refuse_a_column_whose_series_name_the_store_cannot_hold_before_the_commit() {
        // a header of 600 'c's: the series name longname/long.csv#ccc... is longer than mm_series.name holds
        String longName = TestImages.collector("maomao-test/longname:limits", """
                n=$(head -c 600 /dev/zero | tr '\\0' c)
                printf 'timestamp,v,%s\\n2026-01-01T00:00:00,1,2\\n' "$n" > /output/long.csv
                """);
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("longname", longName, "");
        JsonNode done = run("longname", "flood");
        assertThat(done.get("state").asText()).isEqualTo("failed");
        assertThat(done.get("message").asText()).as(done.toString()).contains("output \"long.csv\" has a column named \"ccc",
                "would be 618 characters, more than the 512 the store holds", "Nothing was committed.")
                .doesNotContainIgnoringCase("sql").hasSizeLessThan(400);
        assertThat(done.get("commit").isNull()).isTrue();
        assertThat(dir.resolve("data/datasets/flood")).doesNotExist();
        assertThat(seriesCount()).isZero();
    }

    @Test
    void should_refuse_a_csv_line_of_megabytes_without_reading_it_whole() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("long", longLine, ",\"env\":{\"BYTES\":\"" + (3 << 20) + "\"}");
        JsonNode done = run("long", "flood");
        assertThat(done.get("state").asText()).isEqualTo("failed");
        assertThat(done.get("message").asText()).contains("long.csv: line 1 is longer than 1048576 characters",
                "Nothing was committed.");
        assertThat(dir.resolve("data/datasets/flood")).doesNotExist();
        assertThat(seriesCount()).isZero();
        List<String> none = List.of();
        assertThat(daemon.get("/spikes").json()).hasSameSizeAs(none);
    }
}
