package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.config.DaemonConfig;
import org.maomao.config.Settings;
import org.maomao.store.FileIoThreads;
import org.maomao.testing.Ports;
import org.maomao.testing.RawHttp;
import org.maomao.testing.TestDaemon;

/**
 * A daemon that fails to start stops every part it had started, and a daemon that stops leaves
 * nothing running: no thread of the store's pool, Quartz, the dataset push, docker-java or the
 * HTTP server, no listening port, no lock on the H2 file. Real parts throughout: H2 on disk, the
 * real Docker engine (or a socket where none answers), a real port held by the test.
 */
class DaemonStartupTest {
    /**
     * Threads the JVM or a library starts once and keeps for every later user (not per daemon),
     * so a first daemon in this JVM may add them without leaking anything.
     */
    private static final Pattern JVM_WIDE = Pattern.compile(
            "Common-Cleaner|ForkJoinPool\\.commonPool-worker-\\d+|process reaper|Attach Listener|"
                    + "HttpClient-\\d+-SelectorManager|Java2D Disposer|Signal Dispatcher|Finalizer|Reference Handler|"
                    + "JFR .*|Notification Thread|surefire-forkedjvm-.*|Keep-Alive-Timer|InnocuousThread-\\d+|"
                    // the JDK's one pool for asynchronous file I/O (H2's async: store), idle threads end after 60 s
                    + FileIoThreads.NAME + "\\d+");

    @TempDir
    Path dir;

    private MaomaoDaemon start(Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MAOMAO_DAEMON_LISTEN", "127.0.0.1:0");
        env.put("MAOMAO_DAEMON_DATA_DIR", dir.resolve("data").toString());
        settings.forEach((k, v) -> env.put("MAOMAO_" + k.replace('.', '_').toUpperCase(), v));
        return MaomaoDaemon.start(() -> DaemonConfig.from(Settings.fromLayers(List.of(), env)), Clock.systemUTC());
    }

    @Test
    void should_leave_no_thread_or_port_when_the_store_url_points_at_no_database() {
        Set<String> before = threadNames();
        int dbPort = Ports.free();
        int listen = Ports.free();
        String url = "jdbc:postgresql://127.0.0.1:" + dbPort + "/x?password=secret";

        assertThatThrownBy(() -> start(Map.of("store.url", url, "daemon.listen", "127.0.0.1:" + listen)))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot open the store at jdbc:postgresql://127.0.0.1:" + dbPort
                        + "/x?password=***: ")
                .hasMessageEndingWith("; check [store] url, user and password, and that the database is up.")
                .hasMessageNotContaining("secret");

        assertNoNewThreads(before);
        assertThat(listening(listen)).as("nothing listens on the configured port").isFalse();
    }

    @Test
    void should_say_so_in_a_sentence_when_the_store_url_cannot_be_parsed() {
        Set<String> before = threadNames();

        assertThatThrownBy(() -> start(Map.of("store.url", "jdbc:nosuchdb:x")))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot open the store at jdbc:nosuchdb:x: ")
                .hasMessageEndingWith("; check [store] url, user and password, and that the database is up.");

        assertNoNewThreads(before);
    }

    @Test
    void should_start_with_docker_down_and_leave_no_thread_after_close() throws IOException {
        Set<String> before = threadNames();
        MaomaoDaemon daemon = start(Map.of("docker.host", "unix://" + dir.resolve("nonexistent.sock")));
        int port = daemon.port();
        // a plain socket: an HTTP client of the test would add threads of its own
        RawHttp.Response r = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        TestDaemon.Response health = new TestDaemon.Response(r.status(), r.body());
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json().get("components").get("docker").asText()).isEqualTo("down");
        assertThat(health.json().get("components").get("store").asText()).isEqualTo("up");
        assertThat(newThreads(before)).as("a running daemon has threads of its own, or this test proves nothing")
                .anyMatch(n -> n.startsWith("maomao-store"));

        daemon.close();

        assertNoNewThreads(before);
        assertThat(listening(port)).isFalse();
        assertThat(h2LockIsFree()).isTrue();
    }

    @Test
    void should_stop_everything_started_when_the_listen_port_is_taken() throws IOException {
        Set<String> before = threadNames();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> start(Map.of("daemon.listen", "127.0.0.1:" + port)))
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + port + ": ")
                    .hasMessageEndingWith("; check [daemon] listen, or stop what uses that address.");
        }

        assertNoNewThreads(before);
        assertThat(h2LockIsFree()).as("the H2 file is closed, so another process can open it").isTrue();
        // and the same data directory starts again at once
        try (MaomaoDaemon again = start(Map.of())) {
            assertThat(again.port()).isPositive();
        }
        assertNoNewThreads(before);
    }

    /** Waits (bounded) for the threads started since {@code before} to end; fails naming those left. */
    private static void assertNoNewThreads(Set<String> before) {
        Awaitility.await("threads of the daemon to end").atMost(Duration.ofSeconds(20))
                .pollInSameThread().pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
    }

    private static Set<String> newThreads(Set<String> before) {
        Set<String> now = new TreeSet<>(threadNames());
        now.removeAll(before);
        now.removeIf(n -> JVM_WIDE.matcher(n).matches());
        return now;
    }

    private static Set<String> threadNames() {
        Set<String> names = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether the H2 file is unlocked. H2 holds a {@link FileLock} on it while open; this JVM asking
     * for one on a file it already locks gets an exception, so a leaked store shows here.
     */
    private boolean h2LockIsFree() throws IOException {
        Path file = dir.resolve("data/db/maomao.mv.db");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return false;
        }
    }
}
