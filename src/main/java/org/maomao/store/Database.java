package org.maomao.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

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

    /** Opens the pool and applies pending migrations. */
    public static Database open(String url, String user, String password, int poolSize) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
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
        log.info("store ready at {}", url.replaceAll("password=[^;&]*", "password=***"));
        return new Database(ds, url.startsWith("jdbc:postgresql:"));
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
