package org.maomao.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The store's connection pool, migrated to the current schema (maomao's tables and
 * Quartz's) on open. H2 in file mode under {@code <data_dir>/db} unless a JDBC URL is set.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    /** Enough for the run workers, Quartz's threads and the HTTP handlers. */
    public static final int DEFAULT_POOL_SIZE = 16;
    private static final String H2 = "jdbc:h2:";
    private static final String H2_FILE = "jdbc:h2:file:";
    private static final String H2_ASYNC = "jdbc:h2:async:";
    /** A database name that is a path with no file system before it: absolute, home, explicitly relative. */
    private static final Pattern PLAIN_PATH = Pattern.compile("/|~|\\.{1,2}/|[A-Za-z]:[/\\\\]");

    private final HikariDataSource dataSource;
    private final boolean postgres;

    private Database(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
    }

    /** The embedded default's URL for a data directory. */
    public static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("db").resolve("maomao") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * An embedded H2 URL made durable at each commit. H2 writes its store in the
     * background every 500 ms by default: a {@code kill -9} then loses every state change
     * of that time, while the git commits the runs made are already on disk, and the
     * lost "succeeded" lets the run commit again. {@code WRITE_DELAY=0} writes the store
     * on each commit (checked by a test that kills the JVM right after the writes).
     */
    static String durable(String url) {
        if (!url.startsWith("jdbc:h2:") || url.startsWith("jdbc:h2:mem:")) {
            return url;
        }
        if (url.toUpperCase(java.util.Locale.ROOT).contains(";WRITE_DELAY=")) {
            if (!url.toUpperCase(java.util.Locale.ROOT).contains(";WRITE_DELAY=0")) {
                log.warn("[store] url sets WRITE_DELAY: state changes of that time are lost on a crash, and a run "
                        + "may then commit twice; leave it out to keep the durable default");
            }
            return url;
        }
        return url + ";WRITE_DELAY=0";
    }

    /**
     * {@code url} with H2's own close at JVM exit turned off ({@code DB_CLOSE_ON_EXIT=FALSE}) for an
     * embedded file store. The daemon closes the store itself, last, after the runs given
     * {@code shutdown_grace} have stored how they ended; H2's shutdown hook runs at the same time as
     * the daemon's and could close the database under them ("Database is already closed" seen at a
     * SIGTERM). A URL that sets it keeps its own value.
     */
    static String closedByDaemon(String url) {
        if (!url.startsWith("jdbc:h2:") || url.startsWith("jdbc:h2:mem:")
                || url.toUpperCase(java.util.Locale.ROOT).contains(";DB_CLOSE_ON_EXIT=")) {
            return url;
        }
        return url + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * An embedded H2 file URL on H2's {@code async:} file system, which reads and writes the
     * same files as {@code file:}. On {@code file:} H2 uses a FileChannel, which Java closes
     * when its thread is interrupted mid-I/O (ClosedByInterruptException); H2 then closes the
     * whole database ("The database has been closed") for every connection of the pool.
     * Threads that write the store do get interrupted: Quartz's shutdown interrupts its
     * scheduler thread (which then retried its write forever, hanging the stop), and the run
     * executor's shutdownNow interrupts runs that then store their failed attempt. {@code async:} waits for
     * each read and write through a Future and keeps the interrupt for the caller, so the
     * database stays open (checked by {@code StoreInterruptTest}). Other URLs (server, memory,
     * an explicit file system) are left as they are.
     */
    static String interruptSafe(String url) {
        if (url.startsWith(H2_FILE)) {
            return H2_ASYNC + url.substring(H2_FILE.length());
        }
        if (url.startsWith(H2) && PLAIN_PATH.matcher(url.substring(H2.length())).lookingAt()) {
            return H2_ASYNC + url.substring(H2.length());
        }
        return url;
    }

    /** Opens the pool and applies pending migrations. */
    public static Database open(String url, String user, String password, int poolSize) {
        FileIoThreads.install();
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(interruptSafe(closedByDaemon(durable(url))));
        if (user != null) {
            cfg.setUsername(user);
        }
        if (password != null) {
            cfg.setPassword(password);
        }
        cfg.setMaximumPoolSize(poolSize);
        cfg.setPoolName("maomao-store");
        cfg.setInitializationFailTimeout(10_000);
        HikariDataSource ds = new HikariDataSource(cfg);
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                    .javaMigrations(new V2__QuartzTables()).load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        log.info("store ready at {}", redacted(url));
        return new Database(ds, url.startsWith("jdbc:postgresql:"));
    }

    /** {@code url} with any password in it hidden, for logs and errors. */
    public static String redacted(String url) {
        return url.replaceAll("(?i)password=[^;&]*", "password=***");
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** Whether a connection can be had and answers. */
    public boolean isAvailable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
