package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import org.maomao.testing.Poll;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/** Scheduling behaviour a user must be able to trust, against the real engine and store. */
class SchedulingTest {
    static final Duration WAIT = Duration.ofSeconds(90);
    static String quick;
    static String slow;
    static String envEcho;

    @TempDir
    Path dir;
    TestDaemon daemon;

    @BeforeAll
    static void images() {
        quick = TestImages.collector("maomao-test/quick:sched", "echo \"attempt $MAOMAO_ATTEMPT\"\necho \"t,v\n$MAOMAO_RUN_ID,1\" > /output/rows.csv\n");
        // sleeps for the seconds given in SLEEP, then writes a row
        slow = TestImages.collector("maomao-test/slow:sched", "echo working\nsleep \"${SLEEP:-3}\"\necho \"t,v\n$MAOMAO_RUN_ID,1\" > /output/rows.csv\necho done\n");
        envEcho = TestImages.collector("maomao-test/env:sched", "echo \"K=$K\"\n");
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    TestDaemon daemon(Map<String, String> settings) {
        daemon = new TestDaemon(dir.resolve("data"), settings);
        return daemon;
    }

    List<JsonNode> runs(String query) {
        List<JsonNode> out = new ArrayList<>();
        daemon.get("/runs?limit=1000" + query).json().forEach(out::add);
        return out;
    }

    @Test
    void should_fire_a_quartz_seconds_schedule_again_and_again() {
        daemon(Map.of());
        daemon.register("quick", quick, "");
        TestDaemon.Response s = daemon.post("/run", "{\"name\":\"quick\",\"dataset\":\"none\",\"cron\":true,\"frequency\":\"0/1 * * * * ?\"}");
        assertThat(s.status()).isEqualTo(201);
        List<Instant> next = new ArrayList<>();
        s.json().get("next_fire_times").forEach(n -> next.add(Instant.parse(n.asText())));
        assertThat(next).hasSize(3);
        assertThat(Duration.between(next.get(0), next.get(1))).isEqualTo(Duration.ofSeconds(1));
        Poll.until(WAIT, "three scheduled runs", () -> runs("&collector=quick").size() >= 3);
        assertThat(runs("&collector=quick")).allSatisfy(r -> assertThat(r.get("trigger").asText()).isEqualTo("schedule"));
        // a scheduled run goes all the way (asserted by the missed-firing tests that edited QRTZ_TRIGGERS before)
        JsonNode done = Poll.until(WAIT, "a scheduled run to succeed",
                () -> runs("&collector=quick&state=succeeded").stream().findFirst().orElse(null));
        assertThat(done.get("trigger").asText()).isEqualTo("schedule");
    }

    @Test
    void should_record_a_firing_during_a_running_run_as_skipped_with_the_reason() {
        daemon(Map.of());
        daemon.register("slow", slow, ",\"env\":{\"SLEEP\":\"4\"}");
        daemon.post("/run", "{\"name\":\"slow\",\"dataset\":\"none\",\"cron\":true,\"frequency\":\"0/1 * * * * ?\"}");
        JsonNode skipped = Poll.until(WAIT, "a skipped firing", () -> runs("&state=skipped").stream().findFirst().orElse(null));
        assertThat(skipped.get("message").asText()).contains("still running", "overlap = skip");
        daemon.delete("/schedules/slow@none");
        // never two runs of the collector at once
        List<JsonNode> real = runs("&collector=slow").stream().filter(r -> !r.get("state").asText().equals("skipped")).toList();
        assertThat(real).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void should_queue_a_firing_after_the_running_run_with_overlap_queue() {
        daemon(Map.of("daemon.max_concurrent_runs", "4"));
        daemon.register("slow", slow, ",\"overlap\":\"queue\",\"env\":{\"SLEEP\":\"2\"}");
        daemon.post("/run", "{\"name\":\"slow\",\"dataset\":\"none\",\"cron\":true,\"frequency\":\"0/1 * * * * ?\"}");
        Poll.until(WAIT, "three finished runs", () -> runs("&collector=slow&state=succeeded").size() >= 3);
        daemon.delete("/schedules/slow@none");
        List<JsonNode> done = runs("&collector=slow&state=succeeded");
        assertThat(runs("&state=skipped")).isEmpty();
        assertThat(maxOverlap(done)).isEqualTo(1);
    }

    @Test
    void should_apply_env_and_timeout_from_the_register_body() {
        daemon(Map.of("defaults.retries", "0"));
        daemon.register("env", envEcho, ",\"env\":{\"K\":\"V 1\"}");
        JsonNode envRun = daemon.awaitEnd(daemon.runNow("env", "none"), WAIT);
        assertThat(daemon.get("/runs/" + envRun.get("id").asText() + "/log").body()).contains("K=V 1");

        daemon.register("slow", slow, ",\"timeout\":\"2s\",\"env\":{\"SLEEP\":\"60\"}");
        JsonNode r = daemon.awaitEnd(daemon.runNow("slow", "none"), WAIT);
        assertThat(r.get("state").asText()).isEqualTo("timed_out");
        assertThat(r.get("message").asText()).contains("timed out");
        assertThat(DaemonEndToEndTest.dockerContainersOf(r.get("id").asText())).isEmpty();
    }

    @Test
    void should_cancel_a_running_run_and_remove_its_container() {
        daemon(Map.of());
        daemon.register("slow", slow, ",\"env\":{\"SLEEP\":\"60\"}");
        String id = daemon.runNow("slow", "none");
        Poll.until(WAIT, "the run to work", () -> daemon.get("/runs/" + id + "/log").body().contains("working"));
        assertThat(daemon.post("/runs/" + id + "/cancel", "").status()).isEqualTo(202);
        JsonNode r = daemon.awaitEnd(id, WAIT);
        assertThat(r.get("state").asText()).isEqualTo("cancelled");
        assertThat(DaemonEndToEndTest.dockerContainersOf(id)).isEmpty();
        assertThat(daemon.post("/runs/" + id + "/cancel", "").status()).isEqualTo(409);
    }

    @Test
    void should_cancel_a_queued_run_before_it_starts() {
        daemon(Map.of("daemon.max_concurrent_runs", "1"));
        daemon.register("slow", slow, ",\"env\":{\"SLEEP\":\"60\"}");
        String running = daemon.runNow("slow", "none");
        Poll.until(WAIT, "the first run to work", () -> daemon.get("/runs/" + running + "/log").body().contains("working"));
        String queued = daemon.runNow("slow", "none");
        assertThat(daemon.get("/runs/" + queued).json().get("state").asText()).isEqualTo("queued");
        assertThat(daemon.post("/runs/" + queued + "/cancel", "").status()).isEqualTo(202);
        assertThat(daemon.get("/runs/" + queued).json().get("state").asText()).isEqualTo("cancelled");
        daemon.post("/runs/" + running + "/cancel", "");
        daemon.awaitEnd(running, WAIT);
        assertThat(daemon.get("/runs/" + queued).json().get("started_at").isNull()).isTrue();
        assertThat(daemon.get("/runs/" + queued + "/log").body()).isEmpty();
    }

    @Test
    void should_keep_a_pending_retry_across_a_restart() {
        daemon(Map.of("defaults.retries", "1", "defaults.retry_backoff", "3s"));
        String flaky = TestImages.collector("maomao-test/flaky:sched",
                "if [ \"$MAOMAO_ATTEMPT\" -lt 2 ]; then exit 1; fi\necho \"t,v\n1,1\" > /output/rows.csv\n");
        daemon.register("flaky", flaky, "");
        String id = daemon.runNow("flaky", "retried");
        JsonNode retrying = Poll.until(WAIT, "the retry to be pending", () -> {
            JsonNode r = daemon.get("/runs/" + id).json();
            return r.get("state").asText().equals("retrying") ? r : null;
        });
        assertThat(retrying.get("next_retry_at").isNull()).isFalse();
        daemon.stop();
        daemon.start();
        JsonNode done = daemon.awaitEnd(id, WAIT);
        assertThat(done.get("state").asText()).isEqualTo("succeeded");
        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        assertThat(GitCli.lines(dir.resolve("data/datasets/retried"), "log", "--format=%H")).hasSize(1);
    }

    /**
     * Runs sent at once, against the real engine, with max_concurrent_runs = 3. That 100 runs
     * all end and never more than 3 overlap is pinned without the engine by run.CapacityTest.
     */
    private static final int BURST = 24;

    @Test
    void should_bound_running_containers_on_the_engine_and_finish_a_burst_of_runs() throws Exception {
        daemon(Map.of("daemon.max_concurrent_runs", "3"));
        daemon.register("quick", quick, "");
        List<CompletableFuture<String>> asked = IntStream.range(0, BURST)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> daemon.runNow("quick", "none"))).toList();
        List<String> ids = new ArrayList<>();
        for (CompletableFuture<String> f : asked) {
            ids.add(f.get());
        }
        Poll.until(Duration.ofMinutes(4), BURST + " runs to end", () -> runs("&collector=quick&state=succeeded").size() == BURST);
        List<JsonNode> done = runs("&collector=quick");
        assertThat(done).hasSize(BURST).allSatisfy(r -> assertThat(r.get("state").asText()).isEqualTo("succeeded"));
        assertThat(done.stream().map(r -> r.get("id").asText()).toList()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(maxOverlap(done)).isBetween(1, 3);
    }

    @Test
    void should_show_next_fire_times_in_the_collector_time_zone() {
        daemon(Map.of());
        daemon.register("tz", quick, ",\"timezone\":\"America/New_York\"");
        JsonNode s = daemon.post("/run", "{\"name\":\"tz\",\"dataset\":\"none\",\"cron\":true,\"frequency\":\"0 6 * * *\"}").json();
        assertThat(s.get("timezone").asText()).isEqualTo("America/New_York");
        Instant next = Instant.parse(s.get("next_fire_time").asText());
        assertThat(next.atZone(java.time.ZoneId.of("America/New_York")).getHour()).isEqualTo(6);
    }

    @Test
    void should_stop_runs_past_the_shutdown_grace_and_retry_them_after_restart() {
        String patient = TestImages.collector("maomao-test/patient:sched", """
                echo "working on attempt $MAOMAO_ATTEMPT"
                if [ "$MAOMAO_ATTEMPT" -lt 2 ]; then sleep 60; fi
                printf 't,v\\n%s,1\\n' "$MAOMAO_ATTEMPT" > /output/rows.csv
                """);
        daemon(Map.of("daemon.shutdown_grace", "1s", "defaults.retry_backoff", "1s"));
        daemon.register("patient", patient, "");
        String id = daemon.runNow("patient", "interrupted");
        Poll.until(WAIT, "the run to work", () -> daemon.get("/runs/" + id + "/log").body().contains("working"));
        daemon.stop();
        assertThat(DaemonEndToEndTest.dockerContainersOf(id)).isEmpty();
        daemon.start();
        JsonNode done = daemon.awaitEnd(id, WAIT);
        assertThat(done.get("state").asText()).isEqualTo("succeeded");
        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        List<String> types = new ArrayList<>();
        daemon.get("/runs/" + id + "/events").json().forEach(e -> types.add(e.get("type").asText()));
        assertThat(types).containsSubsequence("started", "retry_scheduled", "started", "committed", "finished");
        assertThat(GitCli.lines(dir.resolve("data/datasets/interrupted"), "log", "--format=%H")).hasSize(1);
    }

    @Test
    void should_apply_added_changed_and_removed_collector_files_on_reload_and_keep_api_collectors() throws Exception {
        Path files = dir.resolve("collectors");
        writeCollector(files, "alpha", "image = " + quick + "\ndataset = a\nschedule = daily\n");
        writeCollector(files, "beta", "image = " + quick + "\ndataset = b\nschedule = hourly\n");
        daemon(Map.of("daemon.collectors_dir", files.toString()));
        daemon.register("viaapi", quick, "");
        assertThat(daemon.get("/schedules").json().findValuesAsText("id")).containsExactly("alpha@a", "beta@b");

        writeCollector(files, "alpha", "image = " + quick + "\ndataset = a\nschedule = weekly\ntimeout = 1m\n");
        java.nio.file.Files.delete(files.resolve("beta/collector.ini"));
        writeCollector(files, "gamma", "image = " + quick + "\ndataset = g\n[env]\nMixed_Case = 1\n");
        TestDaemon.Response r = daemon.post("/reload", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("removed").get(0).asText()).isEqualTo("beta");

        assertThat(daemon.get("/collectors").json().findValuesAsText("name")).containsExactly("alpha", "gamma", "viaapi");
        JsonNode schedules = daemon.get("/schedules").json();
        assertThat(schedules.findValuesAsText("id")).containsExactly("alpha@a");
        assertThat(schedules.get(0).get("frequency").asText()).isEqualTo("weekly");
        assertThat(daemon.get("/collectors/alpha").json().get("settings").get("timeout").asText()).isEqualTo("1m");
        assertThat(daemon.get("/collectors/gamma").json().get("settings").get("env.Mixed_Case").asText()).isEqualTo("1");

        // a file that does not load is refused with a sentence, and nothing changes: alpha keeps its collector
        // and schedule (it was removed before), gamma's new settings are not applied either
        writeCollector(files, "alpha", "image = " + quick + "\ndataset = a\nschedule = weekly\n[spike]\nseason = 0d\n");
        writeCollector(files, "gamma", "image = " + quick + "\ndataset = g\ntimeout = 2m\n");
        TestDaemon.Response bad = daemon.post("/reload", "");
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).contains("nothing was reloaded", "alpha", "season");
        assertThat(daemon.get("/collectors").json().findValuesAsText("name")).containsExactly("alpha", "gamma", "viaapi");
        assertThat(daemon.get("/schedules").json().findValuesAsText("id")).containsExactly("alpha@a");
        assertThat(daemon.get("/collectors/gamma").json().get("settings").has("timeout")).isFalse();

        // a file that loads but that its registration would refuse (more memory than [docker] allows) is
        // refused the same way: before, reload answered 200 and only the log said it was not applied
        writeCollector(files, "alpha", "image = " + quick + "\ndataset = a\nschedule = weekly\nmemory = 100g\n");
        TestDaemon.Response big = daemon.post("/reload", "");
        assertThat(big.status()).as(big.body()).isEqualTo(400);
        assertThat(big.json().get("message").asText()).contains("nothing was reloaded", "alpha", "memory");
        assertThat(daemon.get("/collectors/gamma").json().get("settings").has("timeout")).isFalse();

        // a collector.ini that is a link (to a key, say) is refused, and no line of what it points to is quoted
        writeCollector(files, "alpha", "image = " + quick + "\ndataset = a\nschedule = weekly\n");
        java.nio.file.Path secret = dir.resolve("secret.txt");
        java.nio.file.Files.writeString(secret, "-----BEGIN KEY-----\nc2VjcmV0LXNlY3JldC1zZWNyZXQ\n");
        java.nio.file.Files.createDirectories(files.resolve("linked"));
        java.nio.file.Files.createSymbolicLink(files.resolve("linked/collector.ini"), secret);
        TestDaemon.Response linked = daemon.post("/reload", "");
        assertThat(linked.status()).as(linked.body()).isEqualTo(400);
        assertThat(linked.body().toLowerCase(java.util.Locale.ROOT)).contains("symbolic link").doesNotContain("c2vjcmv0", "begin");
        java.nio.file.Files.delete(files.resolve("linked/collector.ini"));
        // and a plain file that is no INI file is refused without being quoted either
        java.nio.file.Files.writeString(files.resolve("linked/collector.ini"), "c2VjcmV0LXNlY3JldC1zZWNyZXQ\n");
        TestDaemon.Response notIni = daemon.post("/reload", "");
        assertThat(notIni.status()).as(notIni.body()).isEqualTo(400);
        assertThat(notIni.body().toLowerCase(java.util.Locale.ROOT)).doesNotContain("c2vjcmv0");
    }

    @Test
    void should_prune_runs_beyond_keep_runs_and_cut_a_long_log_with_a_marker() {
        String chatty = TestImages.collector("maomao-test/chatty:sched",
                "i=0\nwhile [ $i -lt 2000 ]; do echo \"line $i of a chatty collector\"; i=$((i+1)); done\n");
        daemon(Map.of());
        daemon.register("chatty", chatty, ",\"keep_runs\":2,\"max_log\":\"4k\"");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = daemon.runNow("chatty", "none");
            daemon.awaitEnd(id, WAIT);
            ids.add(id);
        }
        assertThat(runs("&collector=chatty").stream().map(r -> r.get("id").asText()).toList())
                .containsExactly(ids.get(3), ids.get(2));
        assertThat(daemon.get("/runs/" + ids.get(0)).status()).isEqualTo(404);
        assertThat(java.nio.file.Files.exists(dir.resolve("data/runs/" + ids.get(0)))).isFalse();
        String log = daemon.get("/runs/" + ids.get(3) + "/log").body();
        assertThat(log).contains("line 0 of", "log truncated at").doesNotContain("line 1999");
        assertThat(log.length()).isLessThan(4096 + 200);
    }

    static void writeCollector(Path files, String name, String ini) throws Exception {
        java.nio.file.Files.createDirectories(files.resolve(name));
        java.nio.file.Files.writeString(files.resolve(name).resolve("collector.ini"), ini);
    }

    /** The largest number of runs whose [started, finished] intervals overlap at one moment. */
    static int maxOverlap(List<JsonNode> runs) {
        List<long[]> edges = new ArrayList<>();
        for (JsonNode r : runs) {
            edges.add(new long[] {Instant.parse(r.get("started_at").asText()).toEpochMilli(), 1});
            edges.add(new long[] {Instant.parse(r.get("finished_at").asText()).toEpochMilli(), -1});
        }
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int cur = 0;
        int max = 0;
        for (long[] e : edges) {
            cur += (int) e[1];
            max = Math.max(max, cur);
        }
        return max;
    }
}
