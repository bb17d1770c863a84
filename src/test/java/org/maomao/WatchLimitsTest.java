package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.EtcdServer;
import org.maomao.testing.Poll;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.Watcher;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

/** A hostile client of {@code GET /watch}: no token, bad parameters, too many streams, one that never reads. */
class WatchLimitsTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    EtcdServer etcd;
    final List<AutoCloseable> open = new ArrayList<>();

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

    private static boolean watchers(TestDaemon d, int n) {
        return d.get("/metrics").body().matches("(?s).*\nmaomao_watchers " + n + "\\.0\n.*");
    }

    @Test
    void a_watch_needs_the_token_and_refuses_bad_parameters_with_a_sentence() {
        TestDaemon d = keep(new TestDaemon(dir.resolve("d"), Map.of("daemon.token", "watch-token-0123456789")));
        Watcher none = Watcher.open(d.url(""), "", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.error().get("error").asText()).isEqualTo("unauthorized");
        assertThat(Watcher.open(d.url(""), "", "wrong-token-0123456789").status()).isEqualTo(401);
        for (String q : List.of("runs=yes", "runs=TRUE", "runs=", "from_revision=0", "from_revision=-1", "from_revision=abc",
                "from_revision=1e3", "from_revision=99999999999999999999")) {
            Watcher bad = Watcher.open(d.url(""), q, "watch-token-0123456789");
            assertThat(bad.status()).as(q).isEqualTo(400);
            assertThat(bad.error().get("error").asText()).as(q).isEqualTo("bad_request");
            assertThat(bad.error().get("message").asText()).as(q).contains("query parameter", "must be");
        }
        Watcher ok = keep(Watcher.open(d.url(""), "runs=false", "watch-token-0123456789"));
        assertThat(ok.status()).isEqualTo(200);
        Poll.until(WAIT, "the start line", () -> !ok.lines().isEmpty());
    }

    @Test
    void beyond_max_watchers_a_watch_is_refused_and_one_that_never_reads_is_dropped_not_buffered() throws Exception {
        etcd = EtcdServer.start(dir);
        TestDaemon d = keep(new TestDaemon(dir.resolve("d"), Map.of("etcd.endpoints", etcd.endpoint(),
                "etcd.prefix", "/mm-flood", "daemon.max_watchers", "1")));
        int port = Integer.parseInt(d.url("").substring(d.url("").lastIndexOf(':') + 1));
        Socket slow = keep(new Socket());
        slow.setReceiveBufferSize(4096);
        slow.connect(new InetSocketAddress("127.0.0.1", port));
        slow.getOutputStream().write("GET /watch HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        slow.getOutputStream().flush();
        Poll.until(WAIT, "the slow watcher to hold the one slot", () -> watchers(d, 1));

        Watcher second = Watcher.open(d.url(""), "", null);
        assertThat(second.status()).isEqualTo(503);
        assertThat(second.error().get("error").asText()).isEqualTo("too_many_watchers");
        assertThat(second.error().get("message").asText()).contains("max_watchers");

        // 20 MB of events, far more than the 1 MiB a watcher may leave unread plus the sockets' buffers
        String pad = "x".repeat(50_000);
        long flood = 0;
        try (Client c = Client.builder().endpoints(etcd.endpoint()).build()) {
            for (int i = 0; i < 400; i++) {
                String v = "{\"pad\":\"" + pad + "\",\"i\":" + i + "}";
                flood += v.length();
                c.getKVClient().put(ByteSequence.from("/mm-flood/spikes/flood/" + i, StandardCharsets.UTF_8),
                        ByteSequence.from(v, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            }
        }
        Poll.until(WAIT, "the slow watcher to be dropped", () -> watchers(d, 0));
        Watcher next = keep(Watcher.open(d.url(""), "", null));
        assertThat(next.status()).isEqualTo(200);

        // what reached the slow client is what the buffers held when it was dropped, then the end
        slow.setSoTimeout(30_000);
        long got = 0;
        InputStream in = slow.getInputStream();
        byte[] buf = new byte[65536];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got += n;
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("reset"); // closed with bytes unsent
        }
        assertThat(got).isLessThan(flood / 2);
    }
}
