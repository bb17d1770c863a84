package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.GitCli;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/** Datasets as resources, with real git remotes on the file system. */
class DatasetsTest {
    static final Duration WAIT = Duration.ofSeconds(120);
    static String rows;

    @TempDir
    Path dir;
    TestDaemon daemon;

    @BeforeAll
    static void images() {
        rows = TestImages.collector("maomao-test/rows:datasets",
                "printf 't,v\\n%s,%s\\n' \"$MAOMAO_RUN_ID\" \"${SIZE:-1}\" > /output/rows.csv\n"
                        + "if [ -n \"$BIG\" ]; then head -c \"$BIG\" /dev/zero > /output/blob.bin; fi\n");
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** file:// remotes are refused unless listed: these tests list their temp folder. */
    Map<String, String> remotesHere(Map<String, String> settings) {
        Map<String, String> out = new java.util.HashMap<>(settings);
        try {
            out.put("git.allowed_remotes", "file://" + dir.toRealPath() + "/*");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    Path bareRemote(String name) {
        Path bare = dir.resolve(name + ".git");
        GitCli.run(dir, "init", "-q", "--bare", "-b", "main", bare.toString());
        return bare;
    }

    @Test
    void should_init_and_clone_datasets_and_refuse_bad_ones_leaving_nothing() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), remotesHere(Map.of()));
        Path bare = bareRemote("remote");
        TestDaemon.Response local = daemon.post("/datasets", "{\"name\":\"local\"}");
        assertThat(local.status()).isEqualTo(201);
        assertThat(local.json().get("remote").isNull()).isTrue();
        TestDaemon.Response cloned = daemon.post("/datasets", "{\"name\":\"cloned\",\"url\":\"file://" + bare + "\"}");
        assertThat(cloned.status()).as(cloned.body()).isEqualTo(201);
        assertThat(cloned.json().get("remote").asText()).isEqualTo("file://" + bare.toRealPath());

        assertThat(daemon.post("/datasets", "{\"name\":\"local\"}").status()).isEqualTo(409);
        assertThat(daemon.post("/datasets", "{\"name\":\"x\",\"url\":\"http://example.org/x\"}").status()).isEqualTo(400);
        assertThat(daemon.post("/datasets", "{\"name\":\"../x\"}").status()).isEqualTo(400);
        assertThat(daemon.post("/datasets", "{\"name\":\"none\"}").status()).isEqualTo(400);
        TestDaemon.Response missing = daemon.post("/datasets", "{\"name\":\"gone\",\"url\":\"file://" + dir.resolve("nope.git") + "\"}");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().get("message").asText()).contains("cannot clone");
        assertThat(Files.exists(dir.resolve("data/datasets/gone"))).isFalse();
        assertThat(daemon.get("/datasets").json().findValuesAsText("name")).containsExactly("cloned", "local");
        assertThat(daemon.get("/datasets/nope").status()).isEqualTo(404);
    }

    @Test
    void should_push_each_commit_and_keep_a_commit_whose_push_failed_until_it_can_be_pushed() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), remotesHere(Map.of("git.push_retry", "1s")));
        Path bare = bareRemote("remote");
        daemon.post("/datasets", "{\"name\":\"shared\",\"url\":\"file://" + bare + "\"}");
        daemon.register("rows", rows, "");
        String first = daemon.runNow("rows", "shared");
        assertThat(daemon.awaitEnd(first, WAIT).get("state").asText()).isEqualTo("succeeded");
        assertThat(GitCli.run(bare, "log", "--format=%(trailers:key=Run-Id,valueonly)")).contains(first);
        assertThat(daemon.get("/datasets/shared").json().get("ahead_by").asInt()).isZero();

        Path away = dir.resolve("away.git");
        Files.move(bare, away); // the remote is unreachable
        String second = daemon.runNow("rows", "shared");
        assertThat(daemon.awaitEnd(second, WAIT).get("state").asText()).isEqualTo("succeeded");
        JsonNode ds = daemon.get("/datasets/shared").json();
        assertThat(ds.get("ahead_by").asInt()).isEqualTo(1);
        assertThat(daemon.get("/datasets/shared/commits").json().get(0).get("run_id").asText()).isEqualTo(second);

        Files.move(away, bare); // back: the periodic push catches up
        org.maomao.testing.Poll.until(WAIT, "the pending push", () ->
                daemon.get("/datasets/shared").json().get("ahead_by").asInt() == 0);
        assertThat(GitCli.run(bare, "log", "--format=%(trailers:key=Run-Id,valueonly)")).contains(first, second);
    }

    @Test
    void should_serialise_20_parallel_runs_into_20_pushed_commits() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), remotesHere(Map.of("daemon.max_concurrent_runs", "6")));
        Path bare = bareRemote("remote");
        daemon.post("/datasets", "{\"name\":\"busy\",\"url\":\"file://" + bare + "\"}");
        daemon.register("rows", rows, "");
        List<CompletableFuture<String>> asked = IntStream.range(0, 20)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> daemon.runNow("rows", "busy"))).toList();
        List<String> ids = new ArrayList<>();
        for (CompletableFuture<String> f : asked) {
            ids.add(f.get());
        }
        for (String id : ids) {
            assertThat(daemon.awaitEnd(id, WAIT).get("state").asText()).isEqualTo("succeeded");
        }
        Path repo = dir.resolve("data/datasets/busy");
        assertThat(GitCli.lines(repo, "log", "--format=%H")).hasSize(20);
        assertThat(GitCli.run(repo, "fsck", "--strict")).isEmpty();
        assertThat(GitCli.lines(bare, "log", "--format=%H")).hasSize(20);
        assertThat(Files.readAllLines(repo.resolve("rows/rows.csv"))).hasSize(21);
    }

    @Test
    void should_fail_a_run_over_max_output_and_commit_nothing() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of("defaults.retries", "0"));
        daemon.register("rows", rows, ",\"max_output\":\"4k\",\"env\":{\"BIG\":\"10000\"}");
        JsonNode r = daemon.awaitEnd(daemon.runNow("rows", "capped"), WAIT);
        assertThat(r.get("state").asText()).isEqualTo("failed");
        assertThat(r.get("message").asText()).contains("max_output", "nothing was committed");
        assertThat(Files.exists(dir.resolve("data/datasets/capped/.git/refs/heads/main"))).isFalse();
    }
}
