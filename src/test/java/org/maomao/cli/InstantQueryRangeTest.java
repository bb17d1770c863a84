package org.maomao.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.TestDaemon;

/**
 * An instant Instant.parse takes but the store's epoch millis cannot hold ({@code ?since=},
 * {@code ?before=}, and the CLI options that send them) is a 400 with a sentence, and exit 2 from
 * the full CLI and its fast path, not a 500 "long overflow" from the store; against a real daemon
 * and its H2 store.
 */
class InstantQueryRangeTest {
    private static final String[] FAR = {"-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z"};

    @TempDir
    Path dir;
    TestDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void should_refuse_an_instant_beyond_the_store_with_400_and_exit_2() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        String url = daemon.url("");
        for (String far : FAR) {
            String q = URLEncoder.encode(far, StandardCharsets.UTF_8);
            for (String path : new String[] {"/spikes?since=" + q, "/runs?before=" + q}) {
                TestDaemon.Response r = daemon.get(path);
                assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(400);
                assertThat(r.json().get("message").asText()).as(path).contains("is not a time from year 0000 to 9999");
            }
            List<Object> spikes = cli("--url", url, "spikes", "--since=" + far);
            assertThat(spikes.get(0)).as(spikes.get(2).toString()).isEqualTo(2);
            assertThat((String) spikes.get(2)).contains("since=\"" + far + "\" is not a time from year 0000 to 9999");
            List<Object> runs = cli("--url", url, "runs", "--before", far);
            assertThat(runs.get(0)).as(runs.get(2).toString()).isEqualTo(2);
            assertThat((String) runs.get(2)).contains("before=\"" + far + "\" is not a time from year 0000 to 9999");
        }
        // the bounds themselves are answered
        assertThat(daemon.get("/spikes?since=0000-01-01T00:00:00Z").status()).isEqualTo(200);
        assertThat(daemon.get("/runs?before=9999-12-31T23:59:59Z").status()).isEqualTo(200);
    }

    /**
     * What {@code ./maomao ARGS} answers: the full CLI's exit code, output and error, which the fast
     * path, when it answers (it hands a value starting with '-' over), must give as well.
     */
    static List<Object> cli(String... args) {
        List<Object> full = FastCliTest.full(args);
        FastCli.Answer fast = FastCli.answer(args, System.getenv());
        if (fast != null) {
            assertThat(List.of(fast.code(), fast.out(), fast.err())).as("fast path").isEqualTo(full);
        }
        return full;
    }
}
