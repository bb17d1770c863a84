package org.maomao.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Cluster members as the operator runs them: daemons of the shaded jar ({@code target/maomao.jar}),
 * each with its own config and data dir under {@code dir/<id>}, sharing one PostgreSQL database
 * and one etcd. A member counts as started once {@code /health} answers 200.
 * {@link #close()} resumes paused members, stops every member that is still alive (SIGTERM, then
 * SIGKILL after a minute) and keeps each member's log under {@code target/<test class>/<test>/}.
 */
public final class JarMembers implements AutoCloseable {
    public static final Path JAR = Path.of("target/maomao.jar");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration START = Duration.ofSeconds(120);

    /** One started member: its id, API port, home folder (config, data, log) and process. */
    public record Member(String id, int port, Path home, Process process) {
        public String url() {
            return "http://127.0.0.1:" + port;
        }

        public Path log() {
            return home.resolve("out.log");
        }

        public Path dataDir() {
            return home.resolve("data");
        }

        /** SIGKILL, and waits for the process to be gone. */
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("member " + id + " still alive 30 s after SIGKILL");
            }
        }

        public void pause() {
            signal("STOP");
        }

        public void resume() {
            signal("CONT");
        }

        private void signal(String name) {
            try {
                new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private final Path dir;
    private final EtcdServer etcd;
    private final String store;
    private final Map<String, String> common = new LinkedHashMap<>();
    private final Map<String, Member> members = new LinkedHashMap<>();

    /**
     * @param dir   the test's folder; each member's home is {@code dir/<id>}
     * @param store the JDBC url of the shared PostgreSQL database
     */
    public JarMembers(Path dir, EtcdServer etcd, String store) {
        this.dir = dir;
        this.etcd = etcd;
        this.store = store;
        set("cluster.lease_ttl", "3s");
        set("cluster.checkin_interval", "2s");
    }

    /** A setting ({@code section.key}) in the config of every member started from now on. */
    public JarMembers set(String key, String value) {
        common.put(key, value);
        return this;
    }

    /** Starts one member with the common settings and {@code own} ({@code section.key} → value) over them. */
    public Member start(String id, Map<String, String> own) throws IOException {
        Member m = launch(id, own);
        awaitHealthy(m);
        return m;
    }

    public Member start(String id) throws IOException {
        return start(id, Map.of());
    }

    /**
     * Starts members one after the other, each with the common settings (started together on a
     * busy machine, their JVMs starve each other past the etcd client's timeouts).
     */
    public List<Member> startAll(String... ids) throws IOException {
        List<Member> out = new ArrayList<>();
        for (String id : ids) {
            out.add(start(id));
        }
        return out;
    }

    public Member get(String id) {
        Member m = members.get(id);
        if (m == null) {
            throw new IllegalArgumentException("no member " + id);
        }
        return m;
    }

    public int port(String id) {
        return get(id).port();
    }

    public Map<String, Member> all() {
        return Map.copyOf(members);
    }

    private Member launch(String id, Map<String, String> own) throws IOException {
        int port = Ports.free();
        Path home = Files.createDirectories(dir.resolve(id));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("daemon.listen", "127.0.0.1:" + port);
        settings.put("daemon.data_dir", home.resolve("data").toString());
        settings.put("store.url", store);
        settings.put("store.user", PostgresServer.shared().user());
        settings.put("etcd.endpoints", etcd.endpoint());
        settings.put("cluster.enabled", "true");
        settings.put("cluster.member_id", id);
        // an empty collectors_dir of its own: the member runs in the project folder, whose config.ini would
        // otherwise declare the example collectors, and loadavg's schedule (every five minutes, into a dataset
        // without a remote) then added a failed run to the tests' counts one time in five
        settings.put("daemon.collectors_dir", Files.createDirectories(home.resolve("collectors")).toString());
        settings.putAll(common);
        settings.putAll(own);
        Path config = home.resolve("config.ini");
        Files.writeString(config, ini(settings));
        // a member started again keeps the log of its earlier life
        Process p = new ProcessBuilder("java", "-jar", JAR.toString(), "daemon", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("out.log").toFile()))
                .start();
        Member m = new Member(id, port, home, p);
        members.put(id, m);
        return m;
    }

    private static String ini(Map<String, String> settings) {
        Map<String, StringBuilder> sections = new TreeMap<>();
        settings.forEach((k, v) -> {
            int dot = k.indexOf('.');
            sections.computeIfAbsent(k.substring(0, dot), s -> new StringBuilder())
                    .append(k.substring(dot + 1)).append(" = ").append(v).append('\n');
        });
        StringBuilder out = new StringBuilder();
        sections.forEach((s, body) -> out.append('[').append(s).append("]\n").append(body));
        return out.toString();
    }

    private static void awaitHealthy(Member m) {
        await(m.id() + " to answer /health").atMost(START).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!m.process().isAlive()) {
                        throw new AssertionError("member " + m.id() + " exited with " + m.process().exitValue()
                                + ":\n" + Files.readString(m.log()));
                    }
                    return status(m.port(), "/health") == 200;
                });
    }

    /** The status of a GET, or -1 when the member does not answer. */
    public static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Keeps each member's log under {@code target/<owner>/<name>/<id>.log}. */
    public void keepLogs(String owner, String name) throws IOException {
        Path keep = Files.createDirectories(Path.of("target", owner, name));
        for (Member m : members.values()) {
            if (Files.exists(m.log())) {
                Files.copy(m.log(), keep.resolve(m.id() + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Member m : members.values()) {
            if (m.process().isAlive()) {
                m.resume();
                m.process().destroy();
            }
        }
        for (Member m : members.values()) {
            if (!m.process().waitFor(60, TimeUnit.SECONDS)) {
                m.process().destroyForcibly();
            }
        }
    }
}
