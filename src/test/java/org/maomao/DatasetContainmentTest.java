package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.GitCli;
import org.maomao.testing.Ports;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A hostile dataset or remote cannot reach the host through the daemon: links in a
 * dataset never become the container's /input or a place a run writes to, file://
 * remotes need the operator's word and never reach data_dir, and remote credentials
 * or reachability never show in an answer.
 */
class DatasetContainmentTest {
    static final Duration WAIT = Duration.ofSeconds(120);
    static String probe;

    @TempDir
    Path dir;
    TestDaemon daemon;

    @BeforeAll
    static void images() {
        // counts what /input shows and writes the file named by $WRITE
        probe = TestImages.collector("maomao-test/containment-probe:1",
                "echo \"input entries: $(ls -A /input | wc -l)\"\n"
                        + "if [ -e /input/etc/passwd ] || [ -e /input/run ]; then echo 'HOST VISIBLE'; fi\n"
                        + "if [ -n \"$WRITE\" ]; then mkdir -p \"$(dirname \"/output/$WRITE\")\"; echo pwned > \"/output/$WRITE\"; fi\n");
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    TestDaemon daemon(Map<String, String> extra) throws IOException {
        Map<String, String> s = new HashMap<>(extra);
        s.put("defaults.retries", "0");
        s.putIfAbsent("git.allowed_remotes", "https://*, ssh://*, file://" + dir.toRealPath() + "/remotes/*");
        return daemon = new TestDaemon(dir.resolve("data"), s);
    }

    /** The repository of the report: {@code evil -> /} and {@code w -> /tmp/<victim>}. */
    Path hostileRepo(Path victim) throws IOException {
        Path repo = Files.createDirectories(dir.resolve("remotes/hostile"));
        GitCli.run(repo, "init", "-q", "-b", "main");
        Files.createSymbolicLink(repo.resolve("evil"), Path.of("/"));
        Files.createSymbolicLink(repo.resolve("w"), victim);
        Files.writeString(repo.resolve("README"), "innocent\n");
        GitCli.run(repo, "add", "-A");
        GitCli.run(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "hostile");
        return repo;
    }

    JsonNode run(String collector, String dataset, String env) {
        daemon.register(collector, probe, env.isEmpty() ? "" : ",\"env\":{" + env + "}");
        String id = daemon.runNow(collector, dataset);
        JsonNode r = daemon.awaitEnd(id, WAIT);
        return ((com.fasterxml.jackson.databind.node.ObjectNode) r).put("log", daemon.get("/runs/" + id + "/log").body());
    }

    @Test
    void should_refuse_to_clone_a_dataset_holding_links_and_leave_nothing() throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Path repo = hostileRepo(victim);
        daemon(Map.of());
        TestDaemon.Response r = daemon.post("/datasets", "{\"name\":\"hostile\",\"url\":\"file://" + repo + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("message").asText()).contains("symbolic link", "\"evil\"");
        assertThat(dir.resolve("data/datasets/hostile")).doesNotExist();
        assertThat(daemon.get("/datasets").json()).isEmpty();
    }

    @Test
    void should_give_a_collector_neither_the_host_as_input_nor_a_way_to_write_through_links_in_its_dataset() throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim"));
        daemon(Map.of());
        assertThat(daemon.post("/datasets", "{\"name\":\"ds\"}").status()).isEqualTo(201);
        // links as an old clone or a hand edit would have left them in the dataset
        Path ds = dir.resolve("data/datasets/ds");
        Files.createSymbolicLink(ds.resolve("evil"), Path.of("/"));
        Files.createSymbolicLink(ds.resolve("w"), victim);
        Files.createDirectories(ds.resolve("col"));
        Files.writeString(ds.resolve("col/seen.txt"), "from the dataset\n");
        Files.createSymbolicLink(ds.resolve("col/a"), victim);

        JsonNode evil = run("evil", "ds", "");
        assertThat(evil.get("log").asText()).contains("input entries: 0").doesNotContain("HOST VISIBLE");

        JsonNode w = run("w", "ds", "\"WRITE\":\"pwned.txt\"");
        assertThat(w.get("state").asText()).isEqualTo("failed");
        assertThat(w.get("message").asText()).contains("symbolic link", "nothing was committed");
        assertThat(victim.resolve("pwned.txt")).doesNotExist();

        JsonNode parent = run("col", "ds", "\"WRITE\":\"a/b.csv\"");
        assertThat(parent.get("log").asText()).contains("input entries: 1"); // seen.txt, not the link a
        assertThat(parent.get("state").asText()).isEqualTo("failed");
        assertThat(parent.get("message").asText()).contains("col/a", "symbolic link");
        assertThat(victim.resolve("b.csv")).doesNotExist();
        try (var s = Files.list(victim)) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(GitCli.lines(ds, "log", "--all", "--format=%H")).isEmpty();
        // each run's private /input is gone once its container has ended
        assertThat(Files.exists(dir.resolve("data/runs/" + parent.get("id").asText() + "/input"), LinkOption.NOFOLLOW_LINKS))
                .isFalse();
    }

    @Test
    void should_refuse_file_remotes_that_are_not_listed_or_lie_in_data_dir_and_write_nothing() throws Exception {
        Path listed = Files.createDirectories(dir.resolve("remotes/ok.git"));
        GitCli.run(listed, "init", "-q", "--bare", "-b", "main");
        Path unlisted = Files.createDirectories(dir.resolve("elsewhere/repo.git"));
        GitCli.run(unlisted, "init", "-q", "--bare", "-b", "main");
        daemon(Map.of());
        daemon.post("/datasets", "{\"name\":\"victim\"}");

        TestDaemon.Response no = daemon.post("/datasets", "{\"name\":\"a\",\"url\":\"file://" + unlisted + "\"}");
        assertThat(no.status()).as(no.body()).isEqualTo(403);
        assertThat(no.json().get("message").asText()).contains("[git] allowed_remotes");
        Path data = dir.resolve("data").toRealPath();
        TestDaemon.Response inside = daemon.post("/datasets", "{\"name\":\"b\",\"url\":\"file://" + data.resolve("datasets/victim") + "\"}");
        assertThat(inside.status()).isEqualTo(403);
        assertThat(inside.json().get("message").asText()).contains("data_dir");
        String base = "file://" + dir.toRealPath() + "/remotes";
        for (String sneaky : List.of(base + "/%2e%2e/data/datasets/victim", base + "/..%2fdata%2fdatasets%2fvictim",
                base + "/../data/datasets/victim")) {
            TestDaemon.Response r = daemon.post("/datasets", "{\"name\":\"c\",\"url\":\"" + sneaky + "\"}");
            assertThat(r.status()).as(sneaky).isEqualTo(400);
        }
        assertThat(daemon.get("/datasets").json().findValuesAsText("name")).containsExactly("victim");
        try (var s = Files.list(dir.resolve("data/datasets"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("victim");
        }
        assertThat(daemon.post("/datasets", "{\"name\":\"ok\",\"url\":\"file://" + listed + "\"}").status()).isEqualTo(201);
    }

    @Test
    void should_never_echo_credentials_and_answer_alike_for_closed_open_and_unknown_hosts() throws Exception {
        daemon(Map.of());
        int closed = Ports.free();
        try (ServerSocket open = new ServerSocket(0)) {
            Thread t = new Thread(() -> {
                while (!open.isClosed()) {
                    try (Socket s = open.accept(); OutputStream o = s.getOutputStream()) {
                        o.write("SSH-2.0-nothing-here\r\nHTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            Map<String, String> messages = new HashMap<>();
            for (String target : List.of("127.0.0.1:" + closed, "127.0.0.1:" + open.getLocalPort(), "no-such-host.invalid")) {
                String url = "https://user:s3cret@" + target + "/x.git";
                TestDaemon.Response r = daemon.post("/datasets", "{\"name\":\"scan\",\"url\":\"" + url + "\"}");
                assertThat(r.status()).as(r.body()).isEqualTo(422);
                assertThat(r.body()).doesNotContain("s3cret");
                messages.put(target, r.json().get("message").asText().replace("https://***@" + target + "/x.git", "URL"));
            }
            assertThat(messages.values()).as(messages.toString()).containsOnly(messages.get("no-such-host.invalid"));
            assertThat(messages.get("no-such-host.invalid")).startsWith("cannot clone URL: ");
        }
        assertThat(dir.resolve("data/datasets/scan")).doesNotExist();

        // a dataset whose remote carries a token shows it masked
        daemon.post("/datasets", "{\"name\":\"creds\"}");
        GitCli.run(dir.resolve("data/datasets/creds"), "remote", "add", "origin", "https://user:s3cret@example.invalid/x.git");
        TestDaemon.Response list = daemon.get("/datasets");
        assertThat(list.body()).doesNotContain("s3cret");
        assertThat(daemon.get("/datasets/creds").json().get("remote").asText()).isEqualTo("https://***@example.invalid/x.git");
    }
}
