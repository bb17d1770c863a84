package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.EtcdServer;
import org.maomao.testing.JarMembers;
import org.maomao.testing.PostgresServer;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Three daemons of the shaded jar in cluster mode, one slot each, sharing one real PostgreSQL,
 * one real etcd and the Docker engine: a schedule firing every 3 s gives exactly one run per fire
 * time, spread over the members; runs posted to one member spread to the others; a member killed
 * with SIGKILL mid-run has its run taken over and retried elsewhere, ending once; a member paused
 * with SIGSTOP past its lease neither ends nor touches the run another member took over.
 */
class ClusterRunsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration TTL = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    EtcdServer etcd;
    String store;
    JarMembers members;

    @BeforeEach
    void cluster() throws Exception {
        etcd = EtcdServer.start(dir);
        store = PostgresServer.shared().newDatabase();
        members = new JarMembers(dir, etcd, store).set("daemon.max_concurrent_runs", "1")
                .set("cluster.lease_ttl", TTL.toSeconds() + "s");
        members.startAll("m1", "m2", "m3");
    }

    @AfterEach
    void stop(org.junit.jupiter.api.TestInfo test) throws Exception {
        if (members != null) {
            members.close();
            // the members' logs, kept for a look after a failure
            members.keepLogs("ClusterRunsIT", test.getTestMethod().orElseThrow().getName());
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void a_schedule_runs_once_per_fire_time_across_members_and_posted_runs_spread() throws Exception {
        // each run outlasts the period: the member that fires is often busy, and another takes the run
        String slow = TestImages.collector("maomao-test/cluster-slow:1", "echo working; sleep 4\n");
        post("m1", "/register", "{\"name\":\"ticker\",\"url\":\"" + slow + "\",\"dataset\":\"none\",\"overlap\":\"allow\"}");
        JsonNode schedule = JSON.readTree(post("m2", "/run",
                "{\"name\":\"ticker\",\"cron\":true,\"frequency\":\"0/3 * * * * ?\"}"));
        String scheduleId = schedule.get("id").asText();
        Instant started = Instant.now();
        await("a minute of firings").atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Duration.between(started, Instant.now()).toSeconds() >= 60);
        // the fire times up to the cutoff are counted once their runs have ended (the schedule may go on firing)
        Instant cutoff = Instant.now().minusSeconds(5);
        post("m3", "/schedules/" + scheduleId + "/pause", "");
        await("every run fired before the cutoff to end").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> PostgresServer.shared().count(store, "SELECT COUNT(*) FROM mm_runs WHERE state IN ('queued','running','retrying') "
                        + "AND created_at < " + cutoff.plusSeconds(5).toEpochMilli()) == 0);

        // runs by the fire time their submitted event carries
        TreeMap<Instant, List<String>> byFire = new TreeMap<>();
        Set<String> members = new HashSet<>();
        Map<String, Integer> perMember = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(store, PostgresServer.shared().user(), "");
             ResultSet r = c.createStatement().executeQuery("SELECT r.state, r.member, e.payload FROM mm_runs r "
                     + "JOIN mm_run_events e ON e.run_id=r.id WHERE e.type='submitted' AND r.trigger_kind='schedule'")) {
            while (r.next()) {
                Instant fire = Instant.parse(JSON.readTree(r.getString(3)).get("fire_time").asText());
                if (fire.isAfter(cutoff)) {
                    continue;
                }
                byFire.computeIfAbsent(fire, k -> new ArrayList<>()).add(r.getString(1));
                members.add(r.getString(2));
                perMember.merge(String.valueOf(r.getString(2)), 1, Integer::sum);
            }
        }
        System.out.println("ClusterRunsIT: " + byFire.size() + " fire times, runs per member " + perMember);
        System.out.println("ClusterRunsIT: fire times " + byFire.keySet());
        System.out.println("ClusterRunsIT: all runs " + PostgresServer.shared().rows(store, "SELECT id, trigger_kind, state, member, created_at, message "
                + "FROM mm_runs ORDER BY created_at"));
        assertThat(byFire.size()).as("fire times in a minute").isGreaterThanOrEqualTo(17);
        byFire.forEach((fire, states) -> assertThat(states).as("runs of fire time %s", fire).containsExactly("succeeded"));
        assertThat(Duration.between(byFire.firstKey(), byFire.lastKey()).toSeconds() / 3 + 1)
                .as("no fire time without its run").isEqualTo(byFire.size());
        assertThat(members).as("members that ran the schedule").hasSizeGreaterThanOrEqualTo(2).doesNotContainNull();

        // six runs posted to one member, one slot each: the others take what it cannot start
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            posted.add(JSON.readTree(post("m1", "/run", "{\"name\":\"ticker\"}")).get("id").asText());
        }
        Set<String> ranOn = new HashSet<>();
        for (String id : posted) {
            JsonNode run = await("run " + id + " to end").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500)).until(() -> run("m2", id), r -> r.get("state").asText()
                            .equals("succeeded"));
            ranOn.add(run.get("member").asText());
            assertThat(events("m3", id)).filteredOn(e -> e.get("type").asText().equals("started"))
                    .extracting(e -> e.get("payload").get("member").asText()).containsExactly(run.get("member").asText());
        }
        System.out.println("ClusterRunsIT: six runs posted to m1 ran on " + ranOn);
        assertThat(ranOn).as("members that ran the posted runs").containsExactlyInAnyOrder("m1", "m2", "m3");
    }

    @Test
    void a_killed_members_run_is_retried_elsewhere_and_a_paused_one_does_not_end_the_run_taken_over() throws Exception {
        // attempt 1 works for a while; attempt 2 (on another member) a little
        String patient = TestImages.collector("maomao-test/cluster-patient:1", """
                echo "attempt $MAOMAO_ATTEMPT"
                if [ "$MAOMAO_ATTEMPT" -lt 2 ]; then sleep 120; else sleep 2; fi
                """);
        post("m1", "/register", "{\"name\":\"patient\",\"url\":\"" + patient + "\",\"dataset\":\"none\","
                + "\"retries\":\"2\",\"retry_backoff\":\"1s\"}");

        // kill -9 of the member running it, mid-run (posted to m1, it may be claimed by another member's poll first)
        String killedRun = JSON.readTree(post("m1", "/run", "{\"name\":\"patient\"}")).get("id").asText();
        String killedMember = await("the run to start").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> runningMember("m1", killedRun), m -> m != null && DaemonEndToEndTest.dockerContainersOf(killedRun).size() == 1);
        List<String> survivors = new ArrayList<>(List.of("m1", "m2", "m3"));
        survivors.remove(killedMember);
        members.get(killedMember).kill();
        Instant killed = Instant.now();
        JsonNode done = await("the run to be retried elsewhere and end").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> run(survivors.get(0), killedRun), r -> r.get("state").asText()
                        .equals("succeeded"));
        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        assertThat(done.get("member").asText()).isIn(survivors);
        List<JsonNode> events = events(survivors.get(1), killedRun);
        JsonNode lost = events.stream().filter(e -> e.get("type").asText().equals("lost")).findFirst().orElseThrow();
        assertThat(lost.get("payload").get("member").asText()).isEqualTo(killedMember);
        // taken over within the lease TTL and a poll or two (the run's own 2 s come after)
        System.out.println("ClusterRunsIT: run of SIGKILLed " + killedMember + " taken over after "
                + Duration.between(killed, Instant.parse(lost.get("at").asText())).toMillis() + " ms, ended after "
                + Duration.between(killed, Instant.parse(done.get("finished_at").asText())).toMillis() + " ms");
        assertThat(Duration.between(killed, Instant.parse(lost.get("at").asText())))
                .isLessThanOrEqualTo(TTL.plusSeconds(4));
        assertThat(events).filteredOn(e -> e.get("type").asText().equals("finished")).hasSize(1);
        assertThat(DaemonEndToEndTest.dockerContainersOf(killedRun)).as("the killed member's container, removed by the survivor").isEmpty();
        assertThat(PostgresServer.shared().count(store, "SELECT COUNT(*) FROM mm_runs WHERE state IN ('queued','running') AND member='"
                + killedMember + "'")).isZero();

        // SIGSTOP of the member running attempt 1, past its lease: the other survivor takes the run over
        String pausedRun = JSON.readTree(post(survivors.get(0), "/run", "{\"name\":\"patient\"}")).get("id").asText();
        String pausedMember = await("the run to start").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> runningMember(survivors.get(0), pausedRun), m -> m != null && DaemonEndToEndTest.dockerContainersOf(pausedRun).size() == 1);
        String taker = survivors.get(0).equals(pausedMember) ? survivors.get(1) : survivors.get(0);
        JarMembers.Member paused = members.get(pausedMember);
        paused.pause();
        // the taker takes the run over; its attempt 2 runs 2 s
        await(taker + " to take the run over").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> run(taker, pausedRun), r -> r.get("attempt").asInt() == 2
                        && r.get("member").asText().equals(taker));
        paused.resume();
        // the paused member's attempt 1 is still there, its container sleeping: it sees it lost and stops it without ending the run
        Path pausedLog = dir.resolve(pausedMember + "/out.log");
        await(pausedMember + " to drop its lost attempt").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(pausedLog).contains("lost the run"));
        JsonNode pausedDone = await("the run taken over to end").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> run(pausedMember, pausedRun), r -> r.get("state").asText()
                        .equals("succeeded"));
        assertThat(pausedDone.get("member").asText()).isEqualTo(taker);
        assertThat(pausedDone.get("attempt").asInt()).isEqualTo(2);
        List<JsonNode> pausedEvents = events(taker, pausedRun);
        assertThat(pausedEvents).filteredOn(e -> e.get("type").asText().equals("finished")).hasSize(1);
        // the paused member's attempt 1 wrote nothing after it lost the run: its container's exit is not recorded
        assertThat(pausedEvents).extracting(e -> e.get("type").asText())
                .containsExactly("submitted", "started", "lost", "retry_scheduled", "started", "exited", "finished");
        assertThat(Files.readString(pausedLog)).contains("run " + pausedRun + ": this member's attempt "
                + "no longer owns it");
        await(pausedMember + "'s container to be stopped and removed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> DaemonEndToEndTest.dockerContainersOf(pausedRun).isEmpty());
    }

    /** The member running run {@code id}, as {@code via} answers; null while the run is not running. */
    String runningMember(String via, String id) throws IOException {
        JsonNode r = run(via, id);
        return r.get("state").asText().equals("running") && r.hasNonNull("member") ? r.get("member").asText() : null;
    }

    JsonNode run(String member, String id) throws IOException {
        return JSON.readTree(get(members.port(member), "/runs/" + id).body());
    }

    List<JsonNode> events(String member, String id) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(get(members.port(member), "/runs/" + id + "/events").body()).forEach(out::add);
        return out;
    }

    String post(String member, String path, String body) throws IOException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + members.port(member) + path))
                    .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 299);
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static HttpResponse<String> get(int port, String path) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
