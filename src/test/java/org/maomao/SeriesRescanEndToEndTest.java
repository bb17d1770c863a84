package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.Poll;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;


/**
 * {@code POST /series/{id}/rescan} and {@code maomao rescan}: a series' spikes recomputed over its
 * stored history with the collector's current settings, replacing the stored ones, notifying no one.
 */
class SeriesRescanEndToEndTest {
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    static final String ID = "/series/rs/hourly/hourly.csv%23value";
    static String hourly;

    @TempDir
    Path dir;
    TestDaemon daemon;
    HttpServer hook;

    @BeforeAll
    static void image() {
        // 240 hourly rows around 50, row 150 at 400 (as in SpikeDetectionEndToEndTest)
        hourly = TestImages.collector("maomao-test/rescan-hourly:e2e", """
                awk 'BEGIN {
                  print "timestamp,value"
                  for (i = 0; i < 240; i++) {
                    v = 50 + 2 * noise(i); if (i == 150) v = 400
                    printf "%sT%02d:00:00,%.3f\\n", day(int(i / 24)), i % 24, v
                  }
                }
                """ + SpikeDetectionEndToEndTest.AWK_LIB + "' > /output/hourly.csv\n");
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        if (hook != null) {
            hook.stop(0);
        }
    }

    @Test
    void should_replace_the_stored_spikes_with_those_of_the_current_settings_and_notify_no_one() throws Exception {
        List<String> hooked = new CopyOnWriteArrayList<>();
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            hooked.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        daemon = new TestDaemon(dir.resolve("data"), Map.of("spike.webhook",
                "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"));

        // the z-score alone with a threshold nothing reaches: the run stores no spike (the default
        // method, likelihood, would still report row 150 by its run of improbable scores)
        daemon.register("hourly", hourly, ",\"spike\":{\"method\":\"zscore\",\"threshold\":1000}");
        JsonNode first = daemon.awaitEnd(daemon.runNow("hourly", "rs"), RUN_TIMEOUT);
        assertThat(first.get("state").asText()).as(first.toString()).isEqualTo("succeeded");
        assertThat(spikes()).isEmpty();

        // back to the default method with threshold 5: the re-scan finds the spike of row 150 in the stored history
        daemon.register("hourly", hourly, ",\"spike\":{\"threshold\":5}");
        TestDaemon.Response r = daemon.post(ID + "/rescan", "");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("spikes").asInt()).isEqualTo(1);
        assertThat(r.json().get("points").asLong()).isEqualTo(240);
        List<JsonNode> after = spikes();
        assertThat(after).hasSize(1);
        assertThat(after.get(0).get("timestamp").asText()).isEqualTo("2026-01-07T06:00:00");
        assertThat(after.get(0).get("value").asDouble()).isEqualTo(400.0);
        JsonNode series = daemon.get("/series").json().get("series").get(0);
        assertThat(series.get("points").asLong()).as(series.toString()).isEqualTo(240);

        // a second re-scan, through the CLI, gives the same spikes: replaced, not added
        org.maomao.testing.CliRun rescan = org.maomao.testing.CliRun.of(daemon.url(""), "rescan", "rs/hourly/hourly.csv#value");
        assertThat(rescan.code()).isZero();
        assertThat(rescan.out()).contains("1 spikes in 240 points");
        List<JsonNode> again = spikes();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).get("timestamp").asText()).isEqualTo("2026-01-07T06:00:00");

        // the z-score alone with a high threshold again: the re-scan removes the stored spike
        daemon.register("hourly", hourly, ",\"spike\":{\"method\":\"zscore\",\"threshold\":1000}");
        assertThat(daemon.post(ID + "/rescan", "").json().get("spikes").asInt()).isZero();
        assertThat(spikes()).isEmpty();

        // the webhook works (a new run's spike reaches it), and it never got a spike of a re-scan
        daemon.register("hourly", hourly, ",\"spike\":{\"threshold\":5}");
        JsonNode second = daemon.awaitEnd(daemon.runNow("hourly", "rs"), RUN_TIMEOUT);
        assertThat(second.get("state").asText()).as(second.toString()).isEqualTo("succeeded");
        Poll.until(RUN_TIMEOUT, "the new run's spike at the webhook", () -> !hooked.isEmpty());
        assertThat(hooked).allSatisfy(body -> assertThat(body).contains(second.get("id").asText()));
    }

    @Test
    void should_answer_404_for_an_unknown_series_413_for_a_file_too_big_and_409_when_its_file_is_gone() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("hourly", hourly, "");
        JsonNode run = daemon.awaitEnd(daemon.runNow("hourly", "rs"), RUN_TIMEOUT);
        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
        List<JsonNode> before = spikes();
        assertThat(before).hasSize(1);

        for (String unknown : List.of("/series/rs/hourly/hourly.csv%23nope", "/series/rs/nothing", "/series/..%2F..%23x",
                "/series/rs/hourly/other.csv%23value")) {
            TestDaemon.Response r = daemon.post(unknown + "/rescan", "");
            assertThat(r.status()).as(unknown + " " + r).isEqualTo(404);
            assertThat(r.json().get("message").asText()).endsWith(".");
        }
        org.maomao.testing.CliRun refused = org.maomao.testing.CliRun.of(daemon.url(""), "rescan", "rs/hourly/hourly.csv#nope");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("does not exist");

        // a file past the bound is refused before it is read (sparse: no 256 MiB written)
        Path file = daemon.dataDir().resolve("datasets/rs/hourly/hourly.csv");
        byte[] kept = Files.readAllBytes(file);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(org.maomao.spike.DatasetSeriesAnalyzer.MAX_RESCAN_BYTES + 1);
        }
        TestDaemon.Response big = daemon.post(ID + "/rescan", "");
        assertThat(big.status()).as(big.toString()).isEqualTo(413);
        assertThat(big.json().get("message").asText()).contains("a re-scan reads").endsWith(".");
        Files.write(file, kept);
        assertThat(spikes()).as("nothing changed").hasSize(1);

        // the runs' own figures live in no file (before: 500 "internal")
        TestDaemon.Response own = daemon.post("/series/_maomao/hourly/runs.csv%23rows/rescan", "");
        assertThat(own.status()).as(own.toString()).isEqualTo(409);
        assertThat(own.json().get("message").asText()).contains("runs' own figures").endsWith(".");

        Files.delete(file);
        TestDaemon.Response gone = daemon.post(ID + "/rescan", "");
        assertThat(gone.status()).as(gone.toString()).isEqualTo(409);
        assertThat(gone.json().get("message").asText()).contains("hourly/hourly.csv is gone").endsWith(".");
        assertThat(spikes()).as("nothing changed").hasSize(1);
    }

    private List<JsonNode> spikes() {
        List<JsonNode> out = new ArrayList<>();
        daemon.get("/spikes?series=hourly/hourly.csv%23value").json().forEach(out::add);
        return out;
    }
}
