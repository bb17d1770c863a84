package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.EtcdServer;
import org.maomao.testing.Poll;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;
import org.maomao.testing.Watcher;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code GET /watch}: the spikes, alerts and run ends of every daemon sharing an etcd reach a
 * watcher of any one of them, each once across a reconnect; without etcd, a daemon's own.
 */
class WatchTest {
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String SPIKE_AT = "2026-02-01T00:00:50";
    static String spiky;
    static String hello;

    @TempDir
    Path dir;
    EtcdServer etcd;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void images() {
        spiky = TestImages.collector("maomao-test/spiky:watch", TestImages.SPIKE_AT_50);
        hello = TestImages.collector("maomao-test/hello:watch", "echo hello\n");
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private TestDaemon daemon(String name, Map<String, String> settings) {
        return keep(new TestDaemon(dir.resolve(name), settings));
    }

    private Map<String, String> withEtcd(String... more) {
        Map<String, String> s = new java.util.HashMap<>(Map.of("etcd.endpoints", etcd.endpoint(), "etcd.prefix", "/mm-watch",
                "spike.lag", "20"));
        for (int i = 0; i < more.length; i += 2) {
            s.put(more[i], more[i + 1]);
        }
        return s;
    }

    private static List<String> runIds(Watcher w) {
        return w.events("run").stream().map(n -> n.get("data").get("id").asText()).toList();
    }

    private static JsonNode run(Watcher w, String id) {
        return w.events("run").stream().filter(n -> n.get("data").get("id").asText().equals(id)).findFirst().orElse(null);
    }

    @Test
    void a_watcher_of_one_member_sees_the_spikes_and_run_ends_of_every_member_and_run_ends_only_when_asked() throws Exception {
        etcd = EtcdServer.start(dir);
        TestDaemon a = daemon("a", withEtcd());
        TestDaemon b = daemon("b", withEtcd());
        Watcher all = keep(Watcher.open(a.url(""), "runs=true", null));
        Watcher spikesOnly = keep(Watcher.open(a.url(""), "", null));
        assertThat(all.status()).isEqualTo(200);
        Poll.until(WAIT, "both start lines", () -> all.startRevision() != null && spikesOnly.startRevision() != null);
        assertThat(all.lines().get(0).get("kind").asText()).isEqualTo("start");

        b.register("hello", hello, "");
        String onB = b.runNow("hello", "none");
        assertThat(b.awaitEnd(onB, WAIT).get("state").asText()).isEqualTo("succeeded");
        JsonNode ended = Poll.until(WAIT, "B's run end at A's watcher", () -> run(all, onB));
        assertThat(ended.get("revision").asLong()).isGreaterThan(all.startRevision());
        JsonNode d = ended.get("data");
        assertThat(d.get("collector").asText()).isEqualTo("hello");
        assertThat(d.get("dataset").asText()).isEqualTo("none");
        assertThat(d.get("state").asText()).isEqualTo("succeeded");
        assertThat(d.get("attempt").asInt()).isEqualTo(1);
        assertThat(d.get("exit_code").asInt()).isZero();
        assertThat(d.get("finished_at").asText()).isNotEmpty();

        // the spike comes after B's run end in etcd's order, so a watcher without runs=true had it filtered out
        a.register("spiky", spiky, "");
        String onA = a.runNow("spiky", "levels");
        assertThat(a.awaitEnd(onA, WAIT).get("state").asText()).isEqualTo("succeeded");
        for (Watcher w : List.of(all, spikesOnly)) {
            JsonNode spike = Poll.until(WAIT, "A's spike", () -> w.events("spike").stream().findFirst().orElse(null));
            assertThat(spike.get("revision").asLong()).isGreaterThan(ended.get("revision").asLong());
            assertThat(spike.get("data").get("series_id").asText()).isEqualTo("levels/spiky/level.csv#value");
            assertThat(spike.get("data").get("timestamp").asText()).isEqualTo(SPIKE_AT);
            assertThat(spike.get("data").get("value").asDouble()).isEqualTo(900.0);
            assertThat(spike.get("data").get("run_id").asText()).isEqualTo(onA);
        }
        Poll.until(WAIT, "A's run end", () -> run(all, onA));
        assertThat(spikesOnly.events("run")).isEmpty();
        assertThat(runIds(all)).containsExactly(onB, onA);
        long last = 0;
        for (JsonNode n : all.lines()) {
            if (n.has("revision")) {
                assertThat(n.get("revision").asLong()).as("revisions grow: " + all.lines()).isGreaterThan(last);
                last = n.get("revision").asLong();
            }
        }
    }

    @Test
    void a_watcher_that_resumes_from_its_last_revision_gets_each_event_exactly_once() throws Exception {
        etcd = EtcdServer.start(dir);
        TestDaemon a = daemon("a", withEtcd());
        a.register("hello", hello, "");
        Watcher first = keep(Watcher.open(a.url(""), "runs=true", null));
        Poll.until(WAIT, "the start line", first::startRevision);
        String r1 = a.runNow("hello", "none");
        a.awaitEnd(r1, WAIT);
        long seen = Poll.until(WAIT, "r1's end", () -> run(first, r1)).get("revision").asLong();
        first.close();

        String r2 = a.runNow("hello", "none");
        a.awaitEnd(r2, WAIT);
        String r3 = a.runNow("hello", "none");
        a.awaitEnd(r3, WAIT);
        for (String r : List.of(r2, r3)) { // published (the put is asynchronous) while no one watched
            Poll.until(WAIT, r + " in etcd", () -> etcdValue("/mm-watch/runs/" + r).contains("\"id\":\"" + r + "\""));
        }
        Watcher again = keep(Watcher.open(a.url(""), "runs=true&from_revision=" + (seen + 1), null));
        Poll.until(WAIT, "r2 and r3 replayed", () -> runIds(again).size() >= 2);
        String r4 = a.runNow("hello", "none");
        a.awaitEnd(r4, WAIT);
        Poll.until(WAIT, "r4 live", () -> run(again, r4));
        assertThat(runIds(again)).containsExactly(r2, r3, r4);
        assertThat(again.startRevision()).isGreaterThanOrEqualTo(run(again, r3).get("revision").asLong());
        assertThat(run(again, r4).get("revision").asLong()).isGreaterThan(again.startRevision());
    }

    @Test
    void notification_keys_live_under_a_lease_and_are_gone_after_the_notification_ttl() throws Exception {
        etcd = EtcdServer.start(dir);
        TestDaemon a = daemon("a", withEtcd("etcd.notification_ttl", "10s"));
        a.register("hello", hello, "");
        String r = a.runNow("hello", "none");
        a.awaitEnd(r, WAIT);
        String key = "/mm-watch/runs/" + r;
        Poll.until(WAIT, "the run's key", () -> etcdValue(key).contains("\"state\":\"succeeded\""));
        assertThat(etcdOut("get", key, "-w", "json")).containsPattern("\"lease\":[1-9]");
        // a lease of 10 s + 1 s: etcd forgets the key on its own
        Poll.until(Duration.ofSeconds(40), "the key to expire", () -> etcdValue(key).isEmpty());
    }

    @Test
    void a_daemon_without_etcd_streams_its_own_spikes_and_run_ends_and_cannot_resume() {
        TestDaemon a = daemon("a", Map.of("spike.lag", "20"));
        Watcher w = keep(Watcher.open(a.url(""), "runs=true", null));
        Poll.until(WAIT, "the start line", () -> !w.lines().isEmpty());
        assertThat(w.lines().get(0).toString()).isEqualTo("{\"kind\":\"start\"}");
        a.register("spiky", spiky, "");
        String r = a.runNow("spiky", "levels");
        a.awaitEnd(r, WAIT);
        JsonNode spike = Poll.until(WAIT, "the spike", () -> w.events("spike").stream().findFirst().orElse(null));
        assertThat(spike.get("data").get("timestamp").asText()).isEqualTo(SPIKE_AT);
        assertThat(spike.has("revision")).isFalse();
        JsonNode ended = Poll.until(WAIT, "the run end", () -> run(w, r));
        assertThat(ended.get("data").get("state").asText()).isEqualTo("succeeded");
        assertThat(ended.get("data").get("commit").asText()).isNotEmpty();

        Watcher resume = Watcher.open(a.url(""), "from_revision=5", null);
        assertThat(resume.status()).isEqualTo(400);
        assertThat(resume.error().get("message").asText()).contains("from_revision needs etcd");
    }

    private String etcdValue(String key) {
        return etcdOut("get", "--print-value-only", key).trim();
    }

    private String etcdOut(String... args) {
        try {
            Process p = etcd.ctlBuilder(args).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
