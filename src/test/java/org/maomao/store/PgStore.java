package org.maomao.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.maomao.testing.PostgresServer;

/**
 * A PostgreSQL store of its own for a test class, on the JVM's test server, opened (and migrated)
 * the way the daemon opens its own; closing it drops its database. Each is a copy of one database
 * migrated once per JVM, which is much faster than migrating each; {@link #emptied} gives each
 * test an empty store in a few milliseconds, where a new database would take a second.
 */
final class PgStore implements AutoCloseable {
    private static String template;

    private final String url;
    private final Database db;

    private PgStore(String url) {
        this.url = url;
        this.db = Database.open(url, PostgresServer.shared().user(), null, 4);
    }

    static PgStore open() {
        return new PgStore(newUrl());
    }

    /** The URL of a new, migrated, empty store database. */
    static synchronized String newUrl() {
        PostgresServer pg = PostgresServer.shared();
        if (template == null) {
            String url = pg.newDatabase();
            Database.open(url, pg.user(), null, 2).close(); // Flyway holds two connections on PostgreSQL
            template = PostgresServer.nameOf(url);
        }
        return pg.newDatabase(template);
    }

    Database db() {
        return db;
    }

    /** The store with every table emptied (Flyway's history kept), identities restarted. */
    Database emptied() {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    + "AND tablename <> 'flyway_schema_history'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            st.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return db;
    }

    @Override
    public void close() {
        db.close();
        PostgresServer.shared().dropDatabase(url);
    }
}
