package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
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
 * JSONL written by real collectors (busybox images) through the daemon: numeric fields, nested ones
 * as {@code a.b}, become series; arrays do not; a file over the field limit, a malformed line or
 * nesting past the bound fails the run and commits nothing.
 */
class JsonlSeriesEndToEndTest {
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    static String nested;
    static String wide;
    static String malformed;
    static String deep;
    static String oddKeys;

    @TempDir
    Path dir;
    TestDaemon daemon;

    @BeforeAll
    static void images() {
        // 240 hourly lines; cpu.user is around 50 with 400 at line 150; cpu.system stays around 20; the array
        // "load" holds 999 at line 150 (arrays are no series); "host" is text; a blank line in the middle.
        nested = TestImages.collector("maomao-test/jsonl-nested:e2e", """
                awk 'BEGIN {
                  for (i = 0; i < 240; i++) {
                    u = 50 + 2 * noise(i); if (i == 150) u = 400
                    a = (i == 150) ? 999 : 1
                    printf "{\\"timestamp\\":\\"%sT%02d:00:00\\",\\"cpu\\":{\\"user\\":%.3f,\\"system\\":%.3f},\\"load\\":[%d,2],\\"host\\":\\"h1\\"}\\n", day(int(i / 24)), i % 24, u, 20 + noise(i + 5), a
                    if (i == 100) print ""
                  }
                }
                """ + SpikeDetectionEndToEndTest.AWK_LIB + "' > /output/metrics.jsonl\n");
        // six nested numeric fields per line, against max_series_per_file = 5
        wide = TestImages.collector("maomao-test/jsonl-wide:e2e", """
                i=0
                while [ $i -lt 40 ]; do
                  printf '{"timestamp":"2026-02-01T00:00:%02d","m":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":%d}}\\n' $i $i >> /output/wide.jsonl
                  i=$((i + 1))
                done
                """);
        malformed = TestImages.collector("maomao-test/jsonl-malformed:e2e", """
                printf '{"timestamp":"2026-02-01","v":1}\\n{"timestamp":"2026-02-02","v":2\\n' > /output/bad.jsonl
                """);
        // keys a collector may choose: one holding '#', one holding a space
        oddKeys = TestImages.collector("maomao-test/jsonl-odd-keys:e2e", """
                i=0
                while [ $i -lt 40 ]; do
                  printf '{"timestamp":"2026-02-01T00:%02d:00","a#b":%d,"sp ace":%d}\\n' $i $((i % 3)) $((i % 5)) >> /output/keys.jsonl
                  i=$((i + 1))
                done
                """);
        deep = TestImages.collector("maomao-test/jsonl-deep:e2e", """
                printf '{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":1}}}}}}}}}}}}}}}}}}}\\n' > /output/deep.jsonl
                """);
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** Starts a daemon, registers {@code image} as {@code name} and runs it once into {@code dataset}, which must succeed. */
    private void runOnce(String name, String image, String dataset) {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register(name, image, "");
        JsonNode done = daemon.awaitEnd(daemon.runNow(name, dataset), RUN_TIMEOUT);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    }

    @Test
    void should_find_exactly_the_spike_of_a_nested_field_and_make_no_series_of_arrays_or_text() {
        runOnce("nested", nested, "metrics");

        List<JsonNode> spikes = new ArrayList<>();
        daemon.get("/spikes").json().forEach(spikes::add);
        assertThat(spikes).as(spikes.toString()).hasSize(1);
        assertThat(spikes.get(0).get("series").asText()).isEqualTo("nested/metrics.jsonl#cpu.user");
        assertThat(spikes.get(0).get("timestamp").asText()).isEqualTo("2026-01-07T06:00:00");
        assertThat(spikes.get(0).get("value").asDouble()).isEqualTo(400.0);

        List<String> names = new ArrayList<>();
        daemon.get("/series").json().get("series").forEach(s -> {
            names.add(s.get("series").asText());
            assertThat(s.get("points").asLong()).as(s.toString()).isEqualTo(240);
        });
        assertThat(names).containsExactlyInAnyOrder("nested/metrics.jsonl#cpu.user", "nested/metrics.jsonl#cpu.system");
        // the plot reads the JSONL file's tail
        JsonNode user = daemon.get("/series/metrics/nested/metrics.jsonl%23cpu.user?limit=100").json();
        assertThat(user.get("points")).as(user.toString()).hasSize(100);
        assertThat(user.get("points").get(99).get(0).asText()).isEqualTo("2026-01-10T23:00:00");
    }

    @Test
    void should_show_and_rescan_series_whose_keys_hold_a_hash_or_a_space_by_the_url_the_listing_gives() {
        runOnce("odd", oddKeys, "oddkeys");

        Map<String, String> urls = new java.util.TreeMap<>();
        daemon.get("/series?dataset=oddkeys").json().get("series").forEach(s -> urls.put(s.get("series").asText(),
                s.get("url").asText()));
        assertThat(urls).containsOnlyKeys("odd/keys.jsonl#a#b", "odd/keys.jsonl#sp ace");
        assertThat(urls.get("odd/keys.jsonl#sp ace")).isEqualTo("/series/oddkeys/odd/keys.jsonl%23sp%20ace");
        for (Map.Entry<String, String> e : urls.entrySet()) {
            JsonNode series = daemon.get(e.getValue()).json();
            assertThat(series.get("series").asText()).isEqualTo(e.getKey());
            assertThat(series.get("points")).as(e.getKey()).hasSize(40);
            assertThat(series.get("band")).hasSize(40);
            TestDaemon.Response rescan = daemon.post(e.getValue() + "/rescan", "");
            assertThat(rescan.status()).as(rescan.body()).isEqualTo(200);
            assertThat(rescan.json().get("points").asLong()).isEqualTo(40);
        }
    }

    @Test
    void should_fail_a_jsonl_over_the_field_limit_before_the_commit() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("wide", wide, ",\"max_series_per_file\":5,\"retries\":0");
        JsonNode done = daemon.awaitEnd(daemon.runNow("wide", "widedata"), RUN_TIMEOUT);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("failed");
        assertThat(done.toString()).contains("max_series_per_file (5)", "Nothing was committed");
        assertNothingCommitted("widedata", "wide/wide.jsonl");
    }

    @Test
    void should_fail_a_malformed_line_or_nesting_past_the_bound_and_commit_nothing() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("malformed", malformed, ",\"retries\":0");
        daemon.register("deep", deep, ",\"retries\":0");
        JsonNode bad = daemon.awaitEnd(daemon.runNow("malformed", "baddata"), RUN_TIMEOUT);
        assertThat(bad.get("state").asText()).as(bad.toString()).isEqualTo("failed");
        assertThat(bad.toString()).contains("bad.jsonl", "line 2 is not one JSON object", "Nothing was committed");
        assertNothingCommitted("baddata", "malformed/bad.jsonl");

        JsonNode tooDeep = daemon.awaitEnd(daemon.runNow("deep", "deepdata"), RUN_TIMEOUT);
        assertThat(tooDeep.get("state").asText()).as(tooDeep.toString()).isEqualTo("failed");
        assertThat(tooDeep.toString()).contains("deep.jsonl", "at most 16 levels");
        assertNothingCommitted("deepdata", "deep/deep.jsonl");
    }

    private void assertNothingCommitted(String dataset, String file) {
        assertThat(Files.exists(daemon.dataDir().resolve("datasets").resolve(dataset).resolve(file))).isFalse();
        TestDaemon.Response commits = daemon.get("/datasets/" + dataset + "/commits");
        assertThat(commits.status() == 404 || commits.json().isEmpty()).as(commits.toString()).isTrue();
        assertThat(daemon.get("/series").json().get("series")).isEmpty();
    }
}
