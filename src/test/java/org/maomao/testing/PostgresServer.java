package org.maomao.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL (Debian's {@code postgresql}) for the tests: one server per JVM, in a new
 * data directory under {@code target/postgres/} (under {@code /tmp/maomao-postgres/} when the
 * {@code postgres} user cannot reach target/, as in a checkout under {@code /root}), listening only on 127.0.0.1 on a free port
 * (no unix socket), trusting loopback, and stopped by a shutdown hook. {@code initdb} refuses
 * to run as root, so as root the server runs as the {@code postgres} OS user. Each caller of
 * {@link #newDatabase} gets a database of its own, so tests never see each other's rows.
 */
public final class PostgresServer {
    private static final String SUPERUSER = "maomao";
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;

    private final Path bin;
    private final Path dataDir;
    private final int port;
    private final String prefix;

    private PostgresServer(Path bin, Path dataDir, int port) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
        this.prefix = "t" + ProcessHandle.current().pid() + "_";
    }

    /** The JVM's server, started on first use. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    private static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        Path root = root();
        Files.createDirectories(root);
        stopLeftovers(bin, root);
        Path dir = Files.createTempDirectory(root, "pg-");
        Files.writeString(dir.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        if (asRoot()) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER, "-A", "trust",
                "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"), true);
        int port = Ports.free();
        // fsync off: a test database need not survive a power cut, and each commit then costs no disk flush
        String options = "-h 127.0.0.1 -p " + port + " -k '' -c fsync=off -c synchronous_commit=off "
                + "-c full_page_writes=off -c max_connections=200";
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-o", options, "-w", "-t", "60", "start"), true);
        PostgresServer s = new PostgresServer(bin, data, port);
        Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "postgres-stop"));
        return s;
    }

    /** Servers left by JVMs that died before their shutdown hook ran (a {@code kill -9}). */
    private static void stopLeftovers(Path bin, Path root) throws IOException, InterruptedException {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(p -> p.getFileName().toString().startsWith("pg-")).toList();
        }
        for (Path d : dirs) {
            Path owner = d.resolve("owner.pid");
            if (Files.exists(owner)) {
                long pid = Long.parseLong(Files.readString(owner).strip());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue; // another JVM's live server
                }
            }
            if (Files.exists(d.resolve("data").resolve("postmaster.pid"))) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", d.resolve("data").toString(), "-m", "immediate",
                        "-w", "stop"), true, false);
            }
            deleteTree(d);
        }
    }

    /** Where the data directories go: target/postgres, if the server's user can reach it. */
    private static Path root() throws IOException, InterruptedException {
        Files.createDirectories(TARGET);
        if (!asRoot() || run(List.of("test", "-x", TARGET.toString()), true, false) == 0) {
            return TARGET.resolve("postgres");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "maomao-postgres");
    }

    /** The newest installed PostgreSQL's programs. */
    private static Path binaries() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            throw new IllegalStateException("PostgreSQL is not installed (no /usr/lib/postgresql): run ./scripts/test "
                    + "as root, or apt-get install postgresql");
        }
        try (Stream<Path> s = Files.list(base)) {
            return s.filter(p -> Files.isExecutable(p.resolve("bin").resolve("initdb")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(p -> p.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no initdb under " + base + ": apt-get install postgresql"));
        }
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(List<String> cmd, boolean asPostgres) throws IOException, InterruptedException {
        run(cmd, asPostgres, true);
    }

    private static int run(List<String> cmd, boolean asPostgres, boolean mustSucceed) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres && asRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(cmd);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", full) + " did not end in 120 s");
        }
        if (mustSucceed && p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", full) + " exited " + p.exitValue() + ":\n" + out);
        }
        return p.exitValue();
    }

    private static void deleteTree(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public int port() {
        return port;
    }

    public String user() {
        return SUPERUSER;
    }

    /** A new, empty database on this server; its JDBC URL. */
    public String newDatabase() {
        return newDatabase("template1");
    }

    /**
     * A new database copied from {@code template} (which nobody may be connected to); its JDBC URL.
     * A copy of a migrated database is much faster than migrating a new one.
     */
    public String newDatabase(String template) {
        String name = prefix + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), SUPERUSER, "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " TEMPLATE " + template);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    /** Drops the database at {@code url}, closing whatever is still connected to it. */
    public void dropDatabase(String url) {
        try (Connection c = DriverManager.getConnection(url("postgres"), SUPERUSER, "");
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + nameOf(url) + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database " + nameOf(url) + ": " + e.getMessage(), e);
        }
    }

    /** The name of the database at {@code url}, one of this server's. */
    public static String nameOf(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** The JDBC URL of database {@code name} on this server. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
    }

    private void stop() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"),
                    true, false);
            deleteTree(dataDir.getParent());
        } catch (IOException e) {
            // the next JVM's stopLeftovers tries again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The rows {@code sql} reads from the database at {@code url}, each as its columns joined by a space. */
    public List<String> rows(String url, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user(), "");
             ResultSet r = c.createStatement().executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i > 1 ? " " : "").append(r.getString(i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    /** The number {@code sql} (a {@code SELECT COUNT(*)}) reads from the database at {@code url}. */
    public long count(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user(), "");
             ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
