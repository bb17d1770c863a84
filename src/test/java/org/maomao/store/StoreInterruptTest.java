package org.maomao.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread interrupted while it writes the embedded store leaves the store open. Quartz's
 * shutdown interrupts its scheduler thread and the run executor's shutdownNow interrupts runs
 * that then store their state; on H2's default {@code file:} system that closed the whole
 * database for every connection ("The database has been closed"), and Quartz retried its
 * write forever, which hung the stop.
 */
class StoreInterruptTest {
    static final int ROWS = 20;

    @TempDir
    Path dir;

    @FunctionalInterface
    interface Connections {
        Connection get() throws SQLException;
    }

    /** What the interrupted writer saw: its error, if any, and whether it was still interrupted after. */
    record Written(Exception error, boolean stillInterrupted) {
    }

    /** Inserts {@link #ROWS} rows, one commit each, from a thread interrupted before the first. */
    static Written writeInterrupted(Connections ds) throws InterruptedException {
        AtomicReference<SQLException> error = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (Connection c = ds.get(); Statement s = c.createStatement()) {
                Thread.currentThread().interrupt();
                for (int i = 0; i < ROWS; i++) {
                    s.executeUpdate("INSERT INTO t VALUES (" + i + ")"); // autocommit: each writes the file
                }
            } catch (SQLException e) {
                error.set(e);
            }
            interrupted.set(Thread.currentThread().isInterrupted());
        }, "interrupted-writer");
        writer.start();
        writer.join();
        return new Written(error.get(), interrupted.get());
    }

    static int rows(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    void should_keep_the_store_open_for_every_connection_when_a_writing_thread_is_interrupted() throws Exception {
        try (Database db = Database.open(Database.h2Url(dir), null, null, 4)) {
            // a connection of the pool taken before, as Quartz's and the runs' are
            try (Connection before = db.dataSource().getConnection()) {
                before.createStatement().execute("CREATE TABLE t(i INT)");

                Written w = writeInterrupted(db.dataSource()::getConnection);

                assertThat(w.error()).isNull();
                assertThat(w.stillInterrupted()).as("the interrupt is kept for the code that asked for it").isTrue();
                try (ResultSet r = before.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
                    r.next();
                    assertThat(r.getInt(1)).isEqualTo(ROWS);
                }
            }
            assertThat(rows(db.dataSource())).isEqualTo(ROWS);
            assertThat(db.isAvailable()).isTrue();
        }
        try (Database again = Database.open(Database.h2Url(dir), null, null, 2)) {
            assertThat(rows(again.dataSource())).isEqualTo(ROWS);
        }
    }

    // the control: the same writes through H2's default file system close the database, so the
    // test above does interrupt the writer in the middle of its file I/O
    @Test
    void should_show_that_the_same_writes_close_a_store_opened_on_the_default_file_system() throws Exception {
        String plain = "jdbc:h2:file:" + dir.resolve("plain/maomao") + ";WRITE_DELAY=0";
        try (Connection keep = DriverManager.getConnection(plain)) {
            keep.createStatement().execute("CREATE TABLE t(i INT)");
            Written w = writeInterrupted(() -> DriverManager.getConnection(plain));

            assertThat(w.error()).isNotNull();
            assertThatThrownBy(() -> keep.createStatement().executeQuery("SELECT COUNT(*) FROM t"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("database has been closed");
        }
    }

    // the daemon's databases from before keep working: async: is H2's file system over the same files
    @Test
    void should_open_a_store_written_on_the_default_file_system_and_leave_it_readable_there() throws Exception {
        String plain = "jdbc:h2:file:" + dir.resolve("db/maomao");
        try (Connection c = DriverManager.getConnection(plain)) {
            c.createStatement().execute("CREATE SCHEMA earlier");
            c.createStatement().execute("CREATE TABLE earlier.t(i INT)");
            c.createStatement().execute("INSERT INTO earlier.t VALUES (42)");
        }

        try (Database db = Database.open(Database.h2Url(dir), null, null, 2);
             Connection c = db.dataSource().getConnection();
             ResultSet r = c.createStatement().executeQuery("SELECT i FROM earlier.t")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).isEqualTo(42);
        }

        try (Connection c = DriverManager.getConnection(plain);
             ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM \"flyway_schema_history\"")) {
            r.next();
            assertThat(r.getInt(1)).as("the migrations the pool applied, seen through file:").isPositive();
        }
        assertThat(databaseFiles()).containsExactly(dir.resolve("db/maomao.mv.db"));
    }

    @Test
    void should_put_embedded_file_urls_on_the_interrupt_safe_file_system_and_leave_others_alone() {
        assertThat(Database.interruptSafe("jdbc:h2:file:/x/db;WRITE_DELAY=0")).isEqualTo("jdbc:h2:async:/x/db;WRITE_DELAY=0");
        assertThat(Database.interruptSafe("jdbc:h2:/x/db")).isEqualTo("jdbc:h2:async:/x/db");
        assertThat(Database.interruptSafe("jdbc:h2:~/db")).isEqualTo("jdbc:h2:async:~/db");
        assertThat(Database.interruptSafe("jdbc:h2:./db")).isEqualTo("jdbc:h2:async:./db");
        assertThat(Database.interruptSafe("jdbc:h2:async:/x/db")).isEqualTo("jdbc:h2:async:/x/db");
        for (String other : List.of("jdbc:h2:mem:x", "jdbc:h2:tcp://h/x", "jdbc:h2:nio:/x/db", "jdbc:h2:split:/x/db",
                "jdbc:postgresql://127.0.0.1/maomao")) {
            assertThat(Database.interruptSafe(other)).isEqualTo(other);
        }
    }

    private List<Path> databaseFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".mv.db")).toList();
        }
    }
}
