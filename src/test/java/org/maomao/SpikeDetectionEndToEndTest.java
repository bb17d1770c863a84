package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The spike detector as a new user meets it: real collectors (busybox images) write short hourly and
 * daily series, the daemon runs with its default [spike] settings, and each obvious spike must be found
 * at its row, and nothing else.
 */
class SpikeDetectionEndToEndTest {
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    /** awk helpers: a deterministic noise in [-1, 1] and a date from a day number (2026, no leap year). */
    static final String AWK_LIB = """
            function noise(k) { return ((k * 7919 + 13) % 97) / 48.5 - 1 }
            function day(n,   m, len) {
              split("31 28 31 30 31 30 31 31 30 31 30 31", len, " ")
              m = 1
              while (n >= len[m]) { n -= len[m]; m++ }
              return sprintf("2026-%02d-%02d", m, n + 1)
            }
            """;

    static String hourly;
    static String daily;
    static String cycle;
    static String irregular;

    @TempDir
    Path dir;
    TestDaemon daemon;

    @BeforeAll
    static void images() {
        // 240 hourly rows around 50, row 150 at 400; "quiet" stays around 20 throughout.
        hourly = TestImages.collector("maomao-test/spike-hourly:e2e", """
                awk 'BEGIN {
                  print "timestamp,value,quiet"
                  for (i = 0; i < 240; i++) {
                    v = 50 + 2 * noise(i); if (i == 150) v = 400
                    printf "%sT%02d:00:00,%.3f,%.3f\\n", day(int(i / 24)), i % 24, v, 20 + noise(i + 5)
                  }
                }
                """ + AWK_LIB + "' > /output/hourly.csv\n");
        // 90 daily rows around 1000, row 60 at 1500.
        daily = TestImages.collector("maomao-test/spike-daily:e2e", """
                awk 'BEGIN {
                  print "date,value,quiet"
                  for (i = 0; i < 90; i++) {
                    v = 1000 + 20 * noise(i); if (i == 60) v = 1500
                    printf "%s,%.2f,%.2f\\n", day(i), v, 7 + 0.5 * noise(i + 3)
                  }
                }
                """ + AWK_LIB + "' > /output/daily.csv\n");
        // 12 days of hourly points on a strong daily cycle (100 + 40 sin, peaks at noon; busybox awk has no
        // sin(), hence the table) with noise,
        // and one bump of +25 at 03:00 on day 9, where the cycle is low: off the cycle, well inside its range.
        cycle = TestImages.collector("maomao-test/spike-cycle:e2e", """
                awk 'BEGIN {
                  print "timestamp,load"
                  split("60.0 61.4 65.4 71.7 80.0 89.6 100.0 110.4 120.0 128.3 134.6 138.6 140.0 138.6 134.6 128.3 120.0 110.4 100.0 89.6 80.0 71.7 65.4 61.4", cyc, " ")
                  for (i = 0; i < 288; i++) {
                    h = i % 24
                    v = cyc[h + 1] + 2 * noise(i)
                    if (i == 9 * 24 + 3) v += 25
                    printf "%sT%02d:00:00,%.3f\\n", day(int(i / 24)), h, v
                  }
                }
                """ + AWK_LIB + "' > /output/cycle.csv\n");
        // 200 points whose steps wander between 50 and 70 minutes, with a 10-hour hole, a repeated
        // timestamp and a row whose time cell is not a time; row 120 is 300 against 30.
        irregular = TestImages.collector("maomao-test/spike-irregular:e2e", """
                awk 'BEGIN {
                  print "timestamp,value"
                  t = 0
                  for (i = 0; i < 200; i++) {
                    t += 50 + (i * 37) % 21; if (i == 80) t += 600
                    v = 30 + noise(i); if (i == 120) v = 300
                    ts = sprintf("%sT%02d:%02d:00Z", day(int(t / 1440)), int(t / 60) % 24, t % 60)
                    if (i == 90) ts = "not a time"
                    printf "%s,%.3f\\n", ts, v
                    if (i == 100) printf "%s,%.3f\\n", ts, v
                  }
                }
                """ + AWK_LIB + "' > /output/irregular.csv\n");
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private List<JsonNode> spikesAfterRun(String name, String image, String extraJson) {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register(name, image, extraJson);
        JsonNode done = daemon.awaitEnd(daemon.runNow(name, "spikes"), RUN_TIMEOUT);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
        List<JsonNode> spikes = new ArrayList<>();
        daemon.get("/spikes").json().forEach(spikes::add);
        return spikes;
    }

    @Test
    void should_find_the_one_spike_of_a_short_hourly_series_and_none_in_its_quiet_column() {
        List<JsonNode> spikes = spikesAfterRun("hourly", hourly, "");
        assertThat(spikes).as(spikes.toString()).hasSize(1);
        assertThat(spikes.get(0).get("series").asText()).isEqualTo("hourly/hourly.csv#value");
        assertThat(spikes.get(0).get("timestamp").asText()).isEqualTo("2026-01-07T06:00:00");
        assertThat(spikes.get(0).get("value").asDouble()).isEqualTo(400.0);
        assertThat(spikes.get(0).get("direction").asText()).isEqualTo("up");
        explained(spikes.get(0), "none");
        // the series answers the band with its points: one [time, expected, lower, upper] per point, and the
        // spike's point lies above its band while the quiet points of the window lie inside theirs
        JsonNode series = daemon.get("/series/spikes/hourly/hourly.csv%23value").json();
        JsonNode points = series.get("points");
        JsonNode band = series.get("band");
        assertThat(points).hasSize(240);
        assertThat(band).hasSize(points.size());
        int inside = 0;
        for (int i = 0; i < points.size(); i++) {
            assertThat(band.get(i).get(0).asText()).isEqualTo(points.get(i).get(0).asText());
            double v = points.get(i).get(1).asDouble();
            if (i == 150) {
                assertThat(v).isGreaterThan(band.get(i).get(3).asDouble());
                assertThat(band.get(i).get(1).asDouble()).isCloseTo(spikes.get(0).get("expected").asDouble(), within(1e-9));
            } else if (i > 40 && v >= band.get(i).get(2).asDouble() && v <= band.get(i).get(3).asDouble()) {
                inside++;
            }
        }
        assertThat(inside).as("quiet points inside their band").isGreaterThan(190);
    }

    /**
     * A stored spike explains itself: the value it was expected at, the band it fell outside (its
     * threshold of deviations either side), the points of its window and the season removed.
     */
    private static void explained(JsonNode spike, String season) {
        double expected = spike.get("expected").asDouble();
        double deviation = spike.get("deviation").asDouble();
        assertThat(spike.get("mean").asDouble()).isEqualTo(expected);
        assertThat(spike.get("lower").asDouble()).isCloseTo(expected - 4 * deviation, within(1e-6 * Math.abs(expected) + 1e-9));
        assertThat(spike.get("upper").asDouble()).isCloseTo(expected + 4 * deviation, within(1e-6 * Math.abs(expected) + 1e-9));
        double value = spike.get("value").asDouble();
        assertThat(value > spike.get("upper").asDouble() || value < spike.get("lower").asDouble())
                .as("%s outside its band", spike).isTrue();
        assertThat(spike.get("window").asInt()).isGreaterThanOrEqualTo(30);
        assertThat(spike.get("season").asText()).isEqualTo(season);
    }

    @Test
    void should_find_the_one_spike_of_a_short_daily_series_and_none_in_its_quiet_column() {
        List<JsonNode> spikes = spikesAfterRun("daily", daily, "");
        assertThat(spikes).as(spikes.toString()).hasSize(1);
        assertThat(spikes.get(0).get("series").asText()).isEqualTo("daily/daily.csv#value");
        assertThat(spikes.get(0).get("timestamp").asText()).isEqualTo("2026-03-02");
        assertThat(spikes.get(0).get("value").asDouble()).isEqualTo(1500.0);
    }

    @Test
    void should_not_call_the_peaks_of_a_daily_cycle_spikes_but_find_a_bump_off_the_cycle() {
        List<JsonNode> spikes = spikesAfterRun("cycle", cycle, ",\"spike\":{\"season\":\"auto\"}");
        assertThat(spikes).as(spikes.toString()).hasSize(1);
        assertThat(spikes.get(0).get("timestamp").asText()).isEqualTo("2026-01-10T03:00:00");
        assertThat(spikes.get(0).get("direction").asText()).isEqualTo("up");
        explained(spikes.get(0), "1d");
    }

    @Test
    void should_find_the_spike_of_a_series_with_irregular_and_missing_timestamps() {
        List<JsonNode> spikes = spikesAfterRun("irregular", irregular, "");
        assertThat(spikes).as(spikes.toString()).hasSize(1);
        assertThat(spikes.get(0).get("value").asDouble()).isEqualTo(300.0);
    }

    @Test
    void should_refuse_unknown_or_out_of_range_spike_settings_with_a_sentence_and_register_nothing() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        String[] bad = {"{\"lag\":\"12x\"}", "{\"season\":\"yearly\"}", "{\"min_points\":1}", "{\"cooldown\":-3}",
                "{\"threshold\":0}", "{\"lag\":\"0h\"}", "{\"seasons\":\"auto\"}", "{\"record\":\"-1\"}",
                "{\"record\":\"forever\"}", "{\"record\":\"1000001\"}"};
        for (String spike : bad) {
            TestDaemon.Response r = daemon.post("/register",
                    "{\"name\":\"bad\",\"url\":\"" + hourly + "\",\"spike\":" + spike + "}");
            assertThat(r.status()).as(spike + " -> " + r.body()).isEqualTo(400);
            JsonNode error = r.json();
            assertThat(error.get("message").asText()).as(spike).matches("(?s).*\\w+.*\\.$");
        }
        assertThat(daemon.get("/collectors").json()).isEmpty();
        // the same keys with usable values are taken (record 0 turns the record rule off)
        TestDaemon.Response ok = daemon.post("/register",
                "{\"name\":\"good\",\"url\":\"" + hourly + "\",\"spike\":{\"record\":\"0\",\"lag\":\"12h\"}}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(daemon.get("/collectors/good").json().get("settings").get("spike.record").asText()).isEqualTo("0");
    }
}
