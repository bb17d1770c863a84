package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.Poll;
import org.maomao.testing.RawHttp;
import org.maomao.testing.TestDaemon;

/**
 * Slowloris: many connections that send a request one byte at a time, each byte well
 * within the idle timeout. The API stays answerable while they are open, and the
 * daemon closes them once [daemon] read_timeout has passed; [daemon] max_connections
 * bounds how many are held at all. Loopback only, bounded in count and time.
 */
class SlowClientsTest {
    @TempDir
    Path dir;
    TestDaemon daemon;
    final List<Slow> slow = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Slow s : slow) {
            s.socket.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void should_answer_while_300_slow_clients_trickle_and_then_close_them() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.read_timeout", "8s"));
        int port = URI.create(daemon.url("/")).getPort();
        long opened = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            // most never finish their headers; some never finish a body they announced
            String start = i % 10 == 0
                    ? "POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
                    : "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
            slow.add(new Slow(port, start));
        }
        try (Trickle ignored = new Trickle(slow)) {
            long t0 = System.nanoTime();
            RawHttp.Response health = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(health.status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(slow.stream().filter(Slow::isOpen).count()).as("slow clients still connected after /health answered")
                    .isGreaterThan(250);
            // read_timeout is 8s: every slow client is cut off soon after, although it keeps sending
            Poll.until(Duration.ofSeconds(30), "the server to close every slow connection",
                    () -> slow.stream().noneMatch(Slow::isOpen));
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isLessThan(Duration.ofSeconds(8 + 6));
        }
    }

    @Test
    void should_answer_while_300_clients_trickle_their_bodies() throws Exception {
        // a slow body holds the thread that reads it: 300 of them must not take every thread
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.read_timeout", "15s"));
        int port = URI.create(daemon.url("/")).getPort();
        for (int i = 0; i < 300; i++) {
            slow.add(new Slow(port, "POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n{\"name\":\""));
        }
        try (Trickle ignored = new Trickle(slow)) {
            long t0 = System.nanoTime();
            RawHttp.Response health = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(health.status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(health.body()).contains("\"status\"");
        }
    }

    @Test
    void should_not_cut_a_long_answer_to_a_request_that_arrived_in_time() throws Exception {
        // read_timeout bounds how long a request takes to arrive, not how long its answer may stream
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.read_timeout", "3s"));
        int port = URI.create(daemon.url("/")).getPort();
        try (Socket watch = new Socket("127.0.0.1", port)) {
            watch.getOutputStream().write("GET /watch HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            watch.setSoTimeout(30_000);
            InputStream in = watch.getInputStream();
            assertThat(RawHttp.line(in)).startsWith("HTTP/1.1 200");
            String line;
            do {
                line = RawHttp.line(in);
            } while (line != null && !line.contains("\"heartbeat\""));
            // the first heartbeat comes after 15 s of silence: five times read_timeout
            assertThat(line).as("the stream, still open after read_timeout").contains("\"kind\":\"heartbeat\"");
        }
    }

    @Test
    void should_hold_at_most_max_connections_and_take_more_once_slow_ones_are_cut() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.read_timeout", "3s", "daemon.max_connections", "20"));
        int port = URI.create(daemon.url("/")).getPort();
        for (int i = 0; i < 20; i++) {
            slow.add(new Slow(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
        }
        // the limit is reached once the server has taken the 20 (accepted asynchronously)
        try (Socket probe = new Socket("127.0.0.1", port)) {
            probe.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            probe.setSoTimeout(1000);
            // the 21st connection is not taken while 20 are held...
            assertThatThrownBy(() -> probe.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            // ...and is answered once read_timeout has cut the slow ones
            probe.setSoTimeout(15_000);
            assertThat(RawHttp.read(probe.getInputStream()).status()).isEqualTo(200);
        }
        Poll.until(Duration.ofSeconds(15), "the server to close every slow connection",
                () -> slow.stream().noneMatch(Slow::isOpen));
    }

    /** One slow client: a socket that has sent the start of a request. */
    /**
     * The attack's pace: one byte on every slow connection each 200 ms, never idle long
     * enough for an idle timeout, until closed.
     */
    static final class Trickle implements AutoCloseable {
        private final ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trickle");
            t.setDaemon(true);
            return t;
        });

        Trickle(List<Slow> slow) {
            pace.scheduleAtFixedRate(() -> slow.forEach(Slow::oneByte), 0, 200, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            pace.shutdownNow();
            pace.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static final class Slow {
        final Socket socket;

        Slow(int port, String start) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.getOutputStream().write(start.getBytes(StandardCharsets.ISO_8859_1));
        }

        void oneByte() {
            try {
                socket.getOutputStream().write('a');
            } catch (IOException e) {
                // closed by the server: isOpen says so
            }
        }

        /** False once the server has closed the connection (end of stream or reset). */
        boolean isOpen() {
            try {
                socket.setSoTimeout(1);
                return socket.getInputStream().read() != -1;
            } catch (SocketTimeoutException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }
}
