package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/** Collectors that print control lines by the thousand: the store gets a bounded number of writes. */
class ProgressLinesTest {
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    TestDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private List<Integer> progressEvents(String runId) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : daemon.get("/runs/" + runId + "/events").json()) {
            if (e.get("type").asText().equals("progress")) {
                out.add(e.get("payload").get("percent").asInt());
            }
        }
        return out;
    }

    @Test
    void should_coalesce_10000_progress_lines_into_at_most_100_events_and_keep_the_last_value() {
        String chatty = TestImages.collector("maomao-test/chatty:progress", """
                i=0
                while [ $i -lt 10000 ]; do echo "::progress $i/10000"; i=$((i + 1)); done
                echo "::progress 10000/10000"
                """);
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("chatty", chatty, "");
        String id = daemon.runNow("chatty", "none");
        JsonNode done = daemon.awaitEnd(id, RUN_TIMEOUT);
        assertThat(done.get("state").asText()).isEqualTo("succeeded");
        assertThat(done.get("progress").asInt()).isEqualTo(100);
        List<Integer> events = progressEvents(id);
        assertThat(events).hasSizeBetween(2, 100).isSorted();
        assertThat(events.get(events.size() - 1)).isEqualTo(100);
        // the log still has every line
        String log = daemon.get("/runs/" + id + "/log").body();
        assertThat(log.split("::progress ", -1)).hasSize(10_002);
    }

    @Test
    void should_bound_jumping_progress_and_keep_the_last_value_printed() {
        String jumpy = TestImages.collector("maomao-test/jumpy:progress", """
                i=0
                while [ $i -lt 5000 ]; do echo "::progress 0"; echo "::progress 100"; i=$((i + 1)); done
                echo "::progress 37"
                """);
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("jumpy", jumpy, "");
        String id = daemon.runNow("jumpy", "none");
        JsonNode done = daemon.awaitEnd(id, RUN_TIMEOUT);
        assertThat(done.get("progress").asInt()).isEqualTo(37);
        List<Integer> events = progressEvents(id);
        assertThat(events).hasSizeLessThanOrEqualTo(100);
        assertThat(events.get(events.size() - 1)).isEqualTo(37);
    }

    @Test
    void should_ignore_a_result_line_over_64_kib_and_keep_the_last_one_that_fits() {
        // a 100 KB ::result, valid JSON, between two small ones; then many small ones
        String results = TestImages.collector("maomao-test/results:progress", """
                echo '::result {"n":1}'
                printf '::result {"big":"%s"}\\n' "$(head -c 100000 /dev/zero | tr '\\0' 'x')"
                i=0
                while [ $i -lt 2000 ]; do echo "::result {\\"n\\":$i}"; i=$((i + 1)); done
                printf '::result {"big":"%s"}\\n' "$(head -c 100000 /dev/zero | tr '\\0' 'y')"
                """);
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("results", results, "");
        String id = daemon.runNow("results", "none");
        JsonNode done = daemon.awaitEnd(id, RUN_TIMEOUT);
        assertThat(done.get("state").asText()).isEqualTo("succeeded");
        assertThat(done.get("result").toString()).isEqualTo("{\"n\":1999}");
    }
}
