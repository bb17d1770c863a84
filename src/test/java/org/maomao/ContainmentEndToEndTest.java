package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.GitCli;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The registration policy cannot switch containment off, containers never run as root,
 * tightening the operator's lists stops earlier collectors, and max_output holds while
 * the run writes: through the daemon, the real Docker engine and git.
 */
class ContainmentEndToEndTest {
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

    private static String dummy() {
        return TestImages.collector("maomao-test/dummy:containment", "echo '::progress 1/1'\n");
    }

    @Test
    void should_refuse_registrations_that_switch_containment_off_and_store_nothing() throws IOException {
        Path collectors = Files.createDirectories(dir.resolve("collectors/hostnet"));
        Files.writeString(collectors.resolve("collector.ini"), "image = " + dummy() + "\nnetwork = host\n");
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.collectors_dir", dir.resolve("collectors").toString()));
        String img = dummy();
        String big = "x".repeat(10_000);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            many.append(i == 0 ? "" : ",").append("\"K").append(i).append("\":\"v\"");
        }
        String[][] cases = {
                {"\"network\":\"host\"", "[docker] allowed_networks (none)"},
                {"\"network\":\"bridge\"", "[docker] allowed_networks (none)"},
                {"\"memory\":\"8388607t\"", "above [docker] max_memory (4294967296 bytes, 4g)"},
                {"\"memory\":\"9223372036854775807\"", "max_memory"},
                {"\"memory\":\"8388608t\"", "is not a size"},
                {"\"pids\":4194304", "pids 4194304 is above [docker] max_pids (1024)"},
                {"\"pids\":-1", "pids must be at least 1"},
                {"\"cpus\":0", "cpus must be a positive number"},
                {"\"cpus\":\"NaN\"", "cpus must be a positive number"},
                {"\"cpus\":64", "above [docker] max_cpus (" + org.maomao.collector.Containment.DEFAULT_MAX_CPUS + ")"},
                {"\"env\":{\"A\":\"x\\u0000y\"}", "env A holds the control character U+0000"},
                {"\"env\":{\"A\":\"" + big + "\"}", "10000 characters long; at most 4096"},
                {"\"env\":{" + many + "}", "env has 65 variables; at most 64"},
                {"\"env\":{\"MAOMAO_RUN_ID\":\"x\"}", "env name \"MAOMAO_RUN_ID\" is not allowed"},
                {"\"env\":{\"1A\":\"x\"}", "env name \"1A\" is not allowed"},
        };
        for (String[] c : cases) {
            TestDaemon.Response r = daemon.post("/register", "{\"name\":\"evil\",\"url\":\"" + img + "\"," + c[0] + "}");
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("bad_request");
            assertThat(r.json().get("message").asText()).as(c[0]).contains(c[1]);
        }
        for (String image : List.of("maomao-test/../x", "maomao-test/./x", "Maomao-test/x", "maomao-test/x y",
                "maomao-test/x:", "maomao-test//x")) {
            TestDaemon.Response r = daemon.post("/register", "{\"name\":\"evil\",\"url\":\"" + image + "\"}");
            assertThat(r.status()).as(image).isEqualTo(400);
            assertThat(r.json().get("message").asText()).contains("is not a Docker image reference");
        }
        // the collector file asking for the host's network was not applied either
        assertThat(daemon.get("/collectors").json()).isEmpty();
        assertThat(daemon.get("/collectors/hostnet").status()).isEqualTo(404);
    }

    @Test
    void should_allow_another_network_only_when_the_operator_lists_it() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of("docker.allowed_networks", "none, host",
                "docker.max_pids", "2048"));
        assertThat(daemon.post("/register", "{\"name\":\"h\",\"url\":\"" + dummy() + "\",\"network\":\"host\",\"pids\":2000}")
                .status()).isEqualTo(201);
        TestDaemon.Response bridge = daemon.post("/register", "{\"name\":\"b\",\"url\":\"" + dummy() + "\",\"network\":\"bridge\"}");
        assertThat(bridge.status()).isEqualTo(400);
        assertThat(bridge.json().get("message").asText()).contains("[docker] allowed_networks (none, host)");
    }

    @Test
    void should_run_collectors_as_nobody_and_still_ingest_and_delete_what_they_wrote() throws IOException {
        String whoami = TestImages.collector("maomao-test/whoami:containment", """
                echo "uid $(id -u) gid $(id -g) groups $(id -G)"
                printf 'timestamp,uid\\n2026-01-01T00:00:00,%s\\n' "$(id -u)" > /output/who.csv
                mkdir /output/locked && echo secret > /output/locked/file.txt
                chmod 000 /output/locked/file.txt && chmod 500 /output/locked
                """);
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("whoami", whoami, "");
        String id = daemon.runNow("whoami", "people");
        JsonNode done = daemon.awaitEnd(id, RUN_TIMEOUT);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(daemon.get("/runs/" + id + "/log").body()).contains("uid 65534 gid 65534 groups 65534");
        Path repo = dir.resolve("data/datasets/people");
        assertThat(Files.readAllLines(repo.resolve("whoami/who.csv"))).containsExactly("timestamp,uid", "2026-01-01T00:00:00,65534");
        assertThat(Files.readString(repo.resolve("whoami/locked/file.txt"))).isEqualTo("secret\n");
        assertThat(GitCli.lines(repo, "log", "--format=%H")).hasSize(1);
        assertThat(dir.resolve("data/runs/" + id + "/output")).doesNotExist();
        assertThat(DaemonEndToEndTest.dockerContainersOf(id)).isEmpty();
    }

    @Test
    void should_fail_runs_of_collectors_that_the_operator_no_longer_allows_without_a_container() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.allowed_images", "maomao-test/*"));
        daemon.register("old", dummy(), "");
        daemon.register("hungry", dummy(), ",\"memory\":\"512m\"");
        daemon.close();
        // the operator tightens both lists and restarts
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.allowed_images", "registry.example/*",
                "docker.max_memory", "256m"));
        String old = daemon.runNow("old", "none");
        JsonNode ended = daemon.awaitEnd(old, RUN_TIMEOUT);
        assertThat(ended.get("state").asText()).isEqualTo("failed");
        assertThat(ended.get("message").asText()).contains("is no longer in [daemon] allowed_images (registry.example/*)");
        assertThat(eventTypes(old)).contains("submitted", "finished").doesNotContain("started", "exited");
        assertThat(DaemonEndToEndTest.dockerContainersOf(old)).isEmpty();

        daemon.close();
        daemon = new TestDaemon(dir.resolve("data"), Map.of("docker.max_memory", "256m"));
        String hungry = daemon.runNow("hungry", "none");
        JsonNode h = daemon.awaitEnd(hungry, RUN_TIMEOUT);
        assertThat(h.get("state").asText()).isEqualTo("failed");
        assertThat(h.get("message").asText()).contains("no longer allowed", "above [docker] max_memory");
        assertThat(eventTypes(hungry)).doesNotContain("started", "exited");
        assertThat(daemon.runNow("old", "none")).satisfies(id ->
                assertThat(daemon.awaitEnd(id, RUN_TIMEOUT).get("state").asText()).isEqualTo("succeeded"));
    }

    @Test
    void should_stop_a_run_writing_past_max_output_while_it_writes_and_commit_nothing() throws Exception {
        String filler = TestImages.collector("maomao-test/filler:containment", """
                echo 'timestamp,v' > /output/rows.csv
                echo '2026-01-01T00:00:00,1' >> /output/rows.csv
                i=0
                while true; do dd if=/dev/zero of=/output/blob$i bs=1M count=16 2>/dev/null; i=$((i+1)); done
                """);
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("filler", filler, ",\"max_output\":\"1m\",\"retries\":2");
        long start = System.nanoTime();
        String id = daemon.runNow("filler", "fill");
        Path output = dir.resolve("data/runs/" + id + "/output");
        AtomicLong peak = new AtomicLong();
        AtomicBoolean over = new AtomicBoolean();
        Thread meter = new Thread(() -> {
            while (!over.get()) {
                peak.accumulateAndGet(bytesIn(output), Math::max);
            }
        });
        meter.start();
        JsonNode done;
        try {
            done = daemon.awaitEnd(id, RUN_TIMEOUT);
        } finally {
            over.set(true);
            meter.join();
        }
        assertThat(done.get("state").asText()).isEqualTo("failed");
        assertThat(done.get("attempt").asInt()).isEqualTo(1); // not retried: it would write as much again
        assertThat(done.get("message").asText()).contains("/output holds more than max_output (1048576 bytes)",
                "the container was stopped", "nothing was committed");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        assertThat(peak.get()).isLessThan(64L << 20);
        assertThat(output).doesNotExist();
        Path repo = dir.resolve("data/datasets/fill");
        assertThat(!Files.isDirectory(repo.resolve(".git")) || GitCli.run(repo, "rev-list", "--all").isBlank()).isTrue();
        assertThat(repo.resolve("filler")).doesNotExist();
        assertThat(daemon.get("/runs/" + id + "/log").body()).contains("max_output");
        assertThat(DaemonEndToEndTest.dockerContainersOf(id)).isEmpty();
    }

    private List<String> eventTypes(String runId) {
        List<String> types = new ArrayList<>();
        daemon.get("/runs/" + runId + "/events").json().forEach(e -> types.add(e.get("type").asText()));
        return types;
    }

    private static long bytesIn(Path dir) {
        long n = 0;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    n += Files.size(p);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // not there yet, or changed while walked: measured again next time
        }
        return n;
    }
}
