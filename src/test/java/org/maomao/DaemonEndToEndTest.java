package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.GitCli;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/** The daemon end to end over HTTP, against the real Docker engine, real git and the H2 store. */
class DaemonEndToEndTest {
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    static String dummy;
    static String flaky;
    static String broken;

    @TempDir
    Path dir;
    TestDaemon daemon;

    @BeforeAll
    static void images() {
        dummy = TestImages.collector("maomao-test/dummy:e2e", """
                echo "::progress 1/2"
                echo "run $MAOMAO_RUN_ID of $MAOMAO_COLLECTOR into $MAOMAO_DATASET, attempt $MAOMAO_ATTEMPT"
                printf 'timestamp,value\\n%s,%s\\n' "$(date -u +%Y-%m-%dT%H:%M:%S)-$MAOMAO_RUN_ID" 42 > /output/dummy.csv
                echo "::progress 2/2"
                echo '::result {"success":true,"msg":"ok","data":{"n":1}}'
                """);
        flaky = TestImages.collector("maomao-test/flaky:e2e", """
                echo "attempt $MAOMAO_ATTEMPT"
                if [ "$MAOMAO_ATTEMPT" -lt 2 ]; then echo "failing on purpose" >&2; exit 3; fi
                echo ok > /output/done.txt
                """);
        broken = TestImages.collector("maomao-test/broken:e2e", "echo broken >&2; exit 7\n");
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private TestDaemon daemon(Map<String, String> settings) {
        daemon = new TestDaemon(dir.resolve("data"), settings);
        return daemon;
    }

    @Test
    void should_run_the_prototype_requests_and_keep_output_under_the_run_for_dataset_none() throws IOException {
        daemon(Map.of());
        TestDaemon.Response reg = daemon.post("/register", "{\"name\":\"dummy\", \"url\":\"" + dummy + "\"}");
        assertThat(reg.status()).isEqualTo(201);
        TestDaemon.Response run = daemon.post("/run", "{\"name\":\"dummy\", \"dataset\":\"none\", \"cron\":false}");
        assertThat(run.status()).isEqualTo(202);
        assertThat(run.json().get("state").asText()).isIn("queued", "running");
        String id = run.json().get("id").asText();

        // ?wait= answers when the run has ended
        JsonNode done = daemon.get("/runs/" + id + "?wait=60s").json();
        assertThat(done.get("state").asText()).isEqualTo("succeeded");
        assertThat(done.get("exit_code").asInt()).isZero();
        assertThat(daemon.get("/runs/" + id + "?wait=2h").status()).isEqualTo(200); // ended: answered at once
        assertThat(daemon.get("/runs/" + daemon.runNow("dummy", "none") + "?wait=soon").status()).isEqualTo(400);
        assertThat(done.get("started_at").isNull()).isFalse();
        assertThat(done.get("finished_at").isNull()).isFalse();
        assertThat(done.get("progress").asInt()).isEqualTo(100);
        assertThat(done.get("result").get("msg").asText()).isEqualTo("ok");
        assertThat(daemon.get("/runs/" + id + "/log").body())
                .contains("run " + id + " of dummy into none, attempt 1");
        Path out = dir.resolve("data/runs/" + id + "/output/dummy.csv");
        assertThat(Files.readString(out)).startsWith("timestamp,value\n").contains(",42");
        assertThat(daemon.get("/runs").json().findValuesAsText("id")).contains(id);
        assertThat(daemon.get("/collectors").json().get(0).get("name").asText()).isEqualTo("dummy");
        List<String> types = new ArrayList<>();
        daemon.get("/runs/" + id + "/events").json().forEach(e -> types.add(e.get("type").asText()));
        assertThat(types).containsSubsequence("submitted", "started", "progress", "exited", "finished");
        assertThat(dockerContainersOf(id)).isEmpty();
    }

    @Test
    void should_commit_each_run_into_the_dataset_with_trailers_that_git_accepts() throws Exception {
        daemon(Map.of());
        daemon.register("dummy", dummy, "");
        String first = daemon.runNow("dummy", "weather");
        assertThat(daemon.awaitEnd(first, RUN_TIMEOUT).get("state").asText()).isEqualTo("succeeded");
        String second = daemon.runNow("dummy", "weather");
        JsonNode done = daemon.awaitEnd(second, RUN_TIMEOUT);
        assertThat(done.get("state").asText()).isEqualTo("succeeded");

        Path repo = dir.resolve("data/datasets/weather");
        assertThat(GitCli.run(repo, "fsck", "--strict")).isEmpty();
        List<String> log = GitCli.lines(repo, "log", "--format=%H");
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).isEqualTo(done.get("commit").asText());
        String trailers = GitCli.run(repo, "log", "-1", "--format=%(trailers:only)");
        assertThat(trailers).contains("Run-Id: " + second, "Collector: dummy", "Attempt: 1")
                .containsPattern("Image: maomao-test/dummy:e2e@sha256:[0-9a-f]{64}");
        List<String> rows = Files.readAllLines(repo.resolve("dummy/dummy.csv"));
        assertThat(rows).hasSize(3).first().isEqualTo("timestamp,value");
        assertThat(rows.get(1)).contains(first);
        assertThat(rows.get(2)).contains(second);
    }

    @Test
    void should_schedule_daily_and_weekly_and_keep_schedules_and_runs_across_a_restart() {
        daemon(Map.of());
        daemon.register("dummy", dummy, "");
        TestDaemon.Response daily = daemon.post("/run",
                "{\"name\":\"dummy\", \"dataset\":\"none\", \"cron\":true, \"frequency\":\"daily\"}");
        assertThat(daily.status()).isEqualTo(201);
        Instant next = Instant.parse(daily.json().get("next_fire_time").asText());
        assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofHours(25)));
        TestDaemon.Response weekly = daemon.post("/run",
                "{\"name\":\"dummy\", \"dataset\":\"weekly-data\", \"cron\":true, \"frequency\":\"weekly\"}");
        assertThat(weekly.status()).isEqualTo(201);
        assertThat(Instant.parse(weekly.json().get("next_fire_time").asText()))
                .isBefore(Instant.now().plus(Duration.ofDays(8)));
        String run = daemon.runNow("dummy", "none");
        daemon.awaitEnd(run, RUN_TIMEOUT);

        daemon.stop();
        daemon.start();

        JsonNode schedules = daemon.get("/schedules").json();
        assertThat(schedules).hasSize(2);
        assertThat(schedules.findValuesAsText("frequency")).containsExactlyInAnyOrder("daily", "weekly");
        assertThat(daemon.get("/runs/" + run).json().get("state").asText()).isEqualTo("succeeded");
        assertThat(daemon.get("/collectors/dummy").status()).isEqualTo(200);
    }

    @Test
    void should_retry_a_failed_attempt_by_the_defaults_policy() {
        daemon(Map.of("defaults.retries", "2", "defaults.retry_backoff", "1s"));
        daemon.register("flaky", flaky, "");
        String id = daemon.runNow("flaky", "flaky");
        JsonNode done = daemon.awaitEnd(id, RUN_TIMEOUT);
        assertThat(done.get("state").asText()).isEqualTo("succeeded");
        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        List<String> types = new ArrayList<>();
        daemon.get("/runs/" + id + "/events").json().forEach(e -> types.add(e.get("type").asText()));
        assertThat(types).containsSubsequence("started", "exited", "retry_scheduled", "started", "exited", "committed", "finished");
        assertThat(daemon.get("/runs/" + id + "/log").body()).contains("attempt 1", "failing on purpose", "attempt 2");
    }

    @Test
    void should_fail_for_good_when_the_attempts_are_used_up() {
        daemon(Map.of("defaults.retries", "1", "defaults.retry_backoff", "1s"));
        daemon.register("broken", broken, "");
        String id = daemon.runNow("broken", "none");
        JsonNode done = daemon.awaitEnd(id, RUN_TIMEOUT);
        assertThat(done.get("state").asText()).isEqualTo("failed");
        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        assertThat(done.get("exit_code").asInt()).isEqualTo(7);
        assertThat(done.get("message").asText()).contains("exited with code 7");
        assertThat(dockerContainersOf(id)).isEmpty();
    }

    @Test
    void should_fail_a_run_whose_image_is_missing_with_a_clear_message_and_no_retry() {
        daemon(Map.of("defaults.retries", "3"));
        daemon.register("ghost", "maomao-test/does-not-exist:1", "");
        JsonNode done = daemon.awaitEnd(daemon.runNow("ghost", "none"), RUN_TIMEOUT);
        assertThat(done.get("state").asText()).isEqualTo("failed");
        assertThat(done.get("attempt").asInt()).isEqualTo(1);
        assertThat(done.get("message").asText()).contains("not in the Docker engine", "never pulls");
    }

    @Test
    void should_detect_a_spike_in_new_rows_and_list_it() {
        String spiky = TestImages.collector("maomao-test/spiky:e2e", """
                i=0
                echo "timestamp,value" > /output/level.csv
                while [ $i -lt 120 ]; do
                  v=$((100 + (i * 7) % 5))
                  if [ $i -eq 100 ]; then v=400; fi
                  printf '2026-01-01T00:%02d:%02d,%s\\n' $((i / 60)) $((i % 60)) $v >> /output/level.csv
                  i=$((i + 1))
                done
                """);
        daemon(Map.of());
        // the collector's own detector settings override [spike] (whose default lag needs 450 points)
        assertThat(daemon.post("/register", "{\"name\":\"spiky\",\"url\":\"" + spiky + "\",\"spike\":{\"lag\":1}}")
                .status()).isEqualTo(400);
        assertThat(daemon.post("/register", "{\"name\":\"spiky\",\"url\":\"" + spiky + "\",\"spike\":{\"lagg\":20}}")
                .status()).isEqualTo(400);
        daemon.register("spiky", spiky, ",\"spike\":{\"lag\":20}");
        JsonNode done = daemon.awaitEnd(daemon.runNow("spiky", "levels"), RUN_TIMEOUT);
        assertThat(done.get("state").asText()).isEqualTo("succeeded");
        JsonNode spikes = daemon.get("/spikes").json();
        assertThat(spikes).hasSize(1);
        JsonNode s = spikes.get(0);
        assertThat(s.get("series").asText()).isEqualTo("spiky/level.csv#value");
        assertThat(s.get("timestamp").asText()).isEqualTo("2026-01-01T00:01:40");
        assertThat(s.get("value").asDouble()).isEqualTo(400.0);
        assertThat(s.get("z").asDouble()).isGreaterThan(5);
        assertThat(s.get("direction").asText()).isEqualTo("up");
        assertThat(daemon.get("/spikes?collector=other").json()).isEmpty();
        JsonNode series = daemon.get("/series").json().get("series").get(0);
        assertThat(series.get("points").asLong()).isEqualTo(120);
        assertThat(series.get("id").asText()).isEqualTo("levels/spiky/level.csv#value");
        JsonNode detail = daemon.get(series.get("url").asText() + "?limit=50").json();
        assertThat(detail.get("points")).hasSize(50);
        assertThat(detail.get("points").get(30).get(1).asDouble()).isEqualTo(400.0); // rows 70-119: row 100 is the 31st
        assertThat(detail.get("spikes")).hasSize(1);
        assertThat(daemon.get("/series/levels/spiky/nothing.csv%23value").status()).isEqualTo(404);
    }

    @Test
    void should_refuse_bad_input_with_a_sentence_and_create_nothing() throws IOException {
        daemon(Map.of());
        daemon.register("dummy", dummy, "");
        String[][] cases = {
                {"/register", "{\"name\":\"x\", \"url\":", "400"},
                {"/register", "{\"url\":\"" + dummy + "\"}", "400"},
                {"/register", "{\"name\":\"../etc\", \"url\":\"" + dummy + "\"}", "400"},
                {"/register", "{\"name\":\"Big\", \"url\":\"" + dummy + "\"}", "400"},
                {"/register", "{\"name\":5, \"url\":\"" + dummy + "\"}", "400"},
                {"/register", "{\"name\":\"ok\", \"url\":\"--privileged\"}", "400"},
                {"/register", "{\"name\":\"ok\", \"url\":\"" + dummy + "\", \"timeout\":\"soon\"}", "400"},
                {"/register", "[1,2]", "400"},
                {"/run", "{\"name\":\"nobody\", \"dataset\":\"none\", \"cron\":false}", "404"},
                {"/run", "{\"name\":\"nobody\", \"dataset\":\"none\", \"cron\":true, \"frequency\":\"daily\"}", "404"},
                {"/run", "{\"name\":\"dummy\", \"dataset\":\"../../tmp\", \"cron\":false}", "400"},
                {"/run", "{\"name\":\"dummy\", \"dataset\":\"a/b\", \"cron\":false}", "400"},
                {"/run", "{\"name\":\"dummy\", \"dataset\":\"none\", \"cron\":true, \"frequency\":\"fortnightly\"}", "400"},
                {"/run", "{\"name\":\"dummy\", \"dataset\":\"none\", \"cron\":true, \"frequency\":\"61 * * * *\"}", "400"},
                {"/run", "{\"name\":\"dummy\", \"dataset\":\"none\", \"cron\":\"yes\"}", "400"},
                {"/run", "{\"name\":\"dummy\", \"dataset\":7, \"cron\":false}", "400"},
                {"/run", "{\"name\":\"dummy\", \"dataset\":\"none\", \"cron\":true}", "400"},
                {"/run", "not json at all", "400"},
                {"/run", "", "400"},
        };
        for (String[] c : cases) {
            TestDaemon.Response r = daemon.post(c[0], c[1]);
            assertThat(r.status()).as(c[0] + " " + c[1] + " → " + r.body()).isEqualTo(Integer.parseInt(c[2]));
            JsonNode err = r.json();
            assertThat(err.get("error").asText()).as(r.body()).isNotBlank();
            assertThat(err.get("message").asText()).as(r.body()).endsWith(".");
        }
        TestDaemon.Response huge = daemon.post("/register", "{\"name\":\"big\", \"url\":\"" + "a".repeat(1_100_000) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().get("message").asText()).contains("1 MiB");
        assertThat(daemon.get("/runs/no-such-run").status()).isEqualTo(404);

        assertThat(daemon.get("/collectors").json()).hasSize(1);
        assertThat(daemon.get("/runs").json()).isEmpty();
        assertThat(daemon.get("/schedules").json()).isEmpty();
        try (Stream<Path> s = Files.list(dir.resolve("data/datasets"))) {
            assertThat(s.toList()).isEmpty();
        }
        try (Stream<Path> s = Files.list(dir.resolve("data/runs"))) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void should_stream_the_log_while_the_run_is_alive() throws Exception {
        String talker = TestImages.collector("maomao-test/talker:e2e", "echo first line\nsleep 2\necho last line\n");
        daemon(Map.of());
        daemon.register("talker", talker, "");
        String id = daemon.runNow("talker", "none");
        var http = java.net.http.HttpClient.newHttpClient();
        var lines = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(daemon.url("/runs/" + id + "/log?follow=true")))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
        List<String> got = lines.body().toList(); // returns once the run has ended and the log is sent
        assertThat(got).contains("first line", "last line");
        assertThat(daemon.get("/runs/" + id).json().get("state").asText()).isEqualTo("succeeded");
    }

    @Test
    void should_answer_health_with_each_component() {
        daemon(Map.of());
        TestDaemon.Response r = daemon.get("/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("components").get("docker").asText()).isEqualTo("up");
        assertThat(r.json().get("components").get("store").asText()).isEqualTo("up");
    }

    static List<String> dockerContainersOf(String runId) {
        try (var d = TestImages.docker()) {
            return d.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("maomao.run-id", runId)).exec()
                    .stream().map(c -> c.getId()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
