package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.maomao.notify.Notification;
import org.maomao.testing.Poll;

/** One watcher's stream: heartbeats in silence, run ends only when asked, a bounded buffer, the source's failure. */
class WatchStreamTest {
    /** A stream that can be read while the pump writes into it. */
    static final class Sink extends ByteArrayOutputStream {
        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    private static Notification event(Notification.Kind kind, long revision, int padding) {
        return Notification.parse(kind, revision, "{\"pad\":\"" + "x".repeat(padding) + "\"}");
    }

    @Test
    void writes_heartbeats_in_silence_filters_run_ends_and_ends_with_the_sources_failure() throws Exception {
        AtomicInteger disconnects = new AtomicInteger();
        WatchStream s = new WatchStream(false, disconnects::incrementAndGet);
        Sink out = new Sink();
        CompletableFuture<Void> pump = CompletableFuture.runAsync(() -> {
            try {
                s.pump(out, Duration.ofMillis(100));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Poll.until(Duration.ofSeconds(10), "two heartbeats", () -> out.text().split("heartbeat", -1).length > 2);
        s.offer(event(Notification.Kind.RUN, 7, 1));
        s.offer(event(Notification.Kind.SPIKE, 8, 1));
        Poll.until(Duration.ofSeconds(10), "the spike", () -> out.text().contains("\"revision\":8"));
        s.failed("the etcd watch failed (gone).");
        pump.get(10, TimeUnit.SECONDS);
        assertThat(out.text()).doesNotContain("\"kind\":\"run\"")
                .endsWith("{\"kind\":\"error\",\"error\":\"unavailable\",\"message\":\"the etcd watch failed (gone).\"}\n");
        assertThat(disconnects.get()).isZero();
    }

    @Test
    void a_watcher_that_leaves_a_mebibyte_unread_is_disconnected_and_buffers_nothing_more() {
        AtomicInteger disconnects = new AtomicInteger();
        WatchStream s = new WatchStream(true, disconnects::incrementAndGet);
        for (int i = 0; i < 30; i++) { // 30 × 40 KB, nobody writing them out
            s.offer(event(Notification.Kind.SPIKE, i + 1, 40_000));
        }
        assertThat(s.dropped()).isTrue();
        assertThat(disconnects.get()).isEqualTo(1);
        for (int i = 0; i < 1000; i++) {
            s.offer(event(Notification.Kind.RUN, 100 + i, 40_000));
        }
        assertThat(disconnects.get()).isEqualTo(1);
    }
}
