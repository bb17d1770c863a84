package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.EtcdServer;
import org.maomao.testing.Poll;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.sun.net.httpserver.HttpServer;

/** Spikes reach a webhook (retried) and a real etcd that etcdctl watches. */
class NotificationsTest {
    static final Duration WAIT = Duration.ofSeconds(90);
    static String spiky;

    @TempDir
    Path dir;
    TestDaemon daemon;
    EtcdServer etcd;
    HttpServer hook;
    Process watch;

    @BeforeAll
    static void image() {
        spiky = TestImages.collector("maomao-test/spiky:notify", TestImages.SPIKE_AT_50);
    }

    @Test
    void should_post_and_put_one_alert_for_a_failure_streak_and_one_when_it_recovers() throws Exception {
        etcd = EtcdServer.start(dir);
        Path watched = dir.resolve("alerts.out");
        watch = etcd.ctlBuilder("watch", "--prefix", "/mm-test/alerts/").redirectErrorStream(true)
                .redirectOutput(watched.toFile()).start();
        List<String> bodies = new CopyOnWriteArrayList<>();
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        daemon = new TestDaemon(dir.resolve("data"), Map.of("etcd.endpoints", etcd.endpoint(), "etcd.prefix", "/mm-test",
                "spike.webhook", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"));
        String failing = TestImages.collector("maomao-test/failing:notify", "echo broken >&2; exit 3");
        daemon.register("flaky", failing, ",\"retries\":\"0\",\"alert_after_failures\":\"2\"");
        daemon.awaitEnd(daemon.runNow("flaky", "none"), WAIT);
        String second = daemon.runNow("flaky", "none");
        assertThat(daemon.awaitEnd(second, WAIT).get("state").asText()).isEqualTo("failed");
        Poll.until(WAIT, "the failing alert at the webhook", () -> bodies.stream().anyMatch(b -> b.contains("\"alert\":\"failing\"")));
        assertThat(bodies).singleElement().asString().contains("\"collector\":\"flaky\"", "\"dataset\":\"none\"",
                "\"failures\":2", "\"run_id\":\"" + second + "\"", "exited with code 3");

        daemon.register("flaky", spiky, ",\"retries\":\"0\",\"alert_after_failures\":\"2\"");
        daemon.awaitEnd(daemon.runNow("flaky", "none"), WAIT);
        Poll.until(WAIT, "the recovered alert at the webhook", () -> bodies.size() == 2);
        assertThat(bodies.get(1)).contains("\"alert\":\"recovered\"", "\"failures\":2");
        Poll.until(WAIT, "both alerts in etcdctl watch", () -> read(watched).contains("\"alert\":\"recovered\""));
        assertThat(read(watched)).contains("/mm-test/alerts/flaky@none/", "\"alert\":\"failing\"");
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (watch != null) {
            watch.destroy();
        }
        if (etcd != null) {
            etcd.close();
        }
        if (hook != null) {
            hook.stop(0);
        }
    }

    @Test
    void should_post_each_spike_to_the_webhook_retrying_a_failure_and_put_it_into_etcd() throws Exception {
        etcd = EtcdServer.start(dir);
        Path watched = dir.resolve("watch.out");
        watch = etcd.ctlBuilder("watch", "--prefix", "/mm-test/spikes/").redirectErrorStream(true)
                .redirectOutput(watched.toFile()).start();
        AtomicInteger calls = new AtomicInteger();
        List<String> bodies = new CopyOnWriteArrayList<>();
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int n = calls.incrementAndGet();
            if (n > 1) {
                bodies.add(body);
            }
            ex.sendResponseHeaders(n == 1 ? 500 : 204, -1); // the first delivery fails
            ex.close();
        });
        hook.start();
        daemon = new TestDaemon(dir.resolve("data"), Map.of("etcd.endpoints", etcd.endpoint(), "etcd.prefix", "/mm-test",
                "spike.webhook", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook", "spike.lag", "20"));
        // the first call also opens the gRPC channel, which can outlast the 2 s health probe on a loaded machine
        Poll.until(WAIT, "etcd up in /health", () -> "up".equals(daemon.get("/health").json().get("components").get("etcd").asText()));
        daemon.register("spiky", spiky, "");
        daemon.awaitEnd(daemon.runNow("spiky", "levels"), WAIT);

        String key = "/mm-test/spikes/levels/spiky/level.csv#value/2026-02-01T00:00:50";
        Poll.until(WAIT, "the spike in etcdctl watch", () -> read(watched).contains(key));
        assertThat(read(watched)).contains("\"value\":900.0", "\"direction\":\"up\"");
        Poll.until(WAIT, "the retried webhook delivery", () -> !bodies.isEmpty());
        assertThat(calls.get()).isEqualTo(2);
        assertThat(bodies.get(0)).contains("\"series\":\"spiky/level.csv#value\"", "\"series_id\":\"levels/spiky/level.csv#value\"", "\"dataset\":\"levels\"", "\"timestamp\":\"2026-02-01T00:00:50\"");
    }

    @Test
    void should_report_etcd_down_in_health() throws Exception {
        etcd = EtcdServer.start(dir);
        daemon = new TestDaemon(dir.resolve("data"), Map.of("etcd.endpoints", etcd.endpoint()));
        etcd.close();
        etcd = null;
        TestDaemon.Response h = Poll.until(WAIT, "health to see etcd down", () -> {
            TestDaemon.Response r = daemon.get("/health");
            return r.status() == 503 ? r : null;
        });
        assertThat(h.json().get("components").get("etcd").asText()).isEqualTo("down");
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
