package org.maomao.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store keeps every committed change across {@code kill -9}: a child JVM
 * commits rows one by one and halts at once (no shutdown hook, no close), and every row
 * it committed is there when the store is opened again. With H2's default write delay
 * the same child loses them all, which is how a lost "succeeded" once let runs commit twice.
 */
class StoreDurabilityTest {
    static final int ROWS = 50;

    @TempDir
    Path dir;

    @Test
    void should_keep_every_committed_change_when_the_process_is_killed() throws Exception {
        // the URL as Database.open makes it: durable, on the interrupt-safe file system
        String url = Database.interruptSafe(Database.durable("jdbc:h2:file:" + dir.resolve("db/maomao")));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Writer.class.getName(), url)
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("committed " + ROWS);
        assertThat(child.exitValue()).isEqualTo(9);

        try (Connection c = DriverManager.getConnection(url);
             ResultSet r = c.createStatement().executeQuery("select count(*) from t")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(ROWS);
        }
    }

    /**
     * The same on a store a daemon had used for minutes (runs, Quartz rows, a crash), as its file was
     * then: H2 2.5.252 lost every commit made after opening such a file (a fresh file, as above, kept
     * them), so after a kill -9 runs vanished, ended twice and acknowledged cancels were undone; H2
     * 2.4.240 keeps them. The fixture is that file (gzipped), made by 2.5.252 from maomao's schema.
     */
    @Test
    void should_keep_every_committed_change_of_a_used_store_when_the_process_is_killed() throws Exception {
        Path file = dir.resolve("db/maomao.mv.db");
        java.nio.file.Files.createDirectories(file.getParent());
        try (var in = new java.util.zip.GZIPInputStream(
                StoreDurabilityTest.class.getResourceAsStream("/h2/used-store.mv.db.gz"))) {
            java.nio.file.Files.copy(in, file);
        }
        String url = Database.interruptSafe(Database.durable("jdbc:h2:file:" + dir.resolve("db/maomao")));
        // a few small commits, as a run's state changes are: 50 rows in a row were kept by 2.5.252 too
        int few = 5;
        for (int round = 1; round <= 2; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Writer.class.getName(), url, String.valueOf(few))
                    .redirectErrorStream(true).start();
            String out = new String(child.getInputStream().readAllBytes());
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("committed " + few);
            try (Connection c = DriverManager.getConnection(url);
                 ResultSet r = c.createStatement().executeQuery("select count(*) from t")) {
                r.next();
                assertThat(r.getInt(1)).as("rows after kill %d", round).isEqualTo(round * few);
            }
        }
    }

    @Test
    void should_make_embedded_h2_urls_durable_and_leave_others_alone() {
        assertThat(Database.durable("jdbc:h2:file:/x/db")).isEqualTo("jdbc:h2:file:/x/db;WRITE_DELAY=0");
        assertThat(Database.durable("jdbc:h2:file:/x/db;WRITE_DELAY=0")).isEqualTo("jdbc:h2:file:/x/db;WRITE_DELAY=0");
        // the daemon closes its store itself, after its runs: H2's shutdown hook must not close it first
        assertThat(Database.closedByDaemon("jdbc:h2:file:/x/db;WRITE_DELAY=0"))
                .isEqualTo("jdbc:h2:file:/x/db;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(Database.closedByDaemon("jdbc:h2:file:/x/db;db_close_on_exit=TRUE")).isEqualTo("jdbc:h2:file:/x/db;db_close_on_exit=TRUE");
        assertThat(Database.closedByDaemon("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
        assertThat(Database.closedByDaemon("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
        assertThat(Database.durable("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
        assertThat(Database.durable("jdbc:postgresql://127.0.0.1/maomao")).isEqualTo("jdbc:postgresql://127.0.0.1/maomao");
    }

    /** The child: commits rows one at a time (autocommit), says so, and dies like kill -9. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            try (Connection c = DriverManager.getConnection(args[0])) {
                c.createStatement().execute("create table if not exists t(i int)");
                int rows = args.length > 1 ? Integer.parseInt(args[1]) : ROWS;
                try (PreparedStatement p = c.prepareStatement("insert into t values (?)")) {
                    for (int i = 0; i < rows; i++) {
                        p.setInt(1, i);
                        p.executeUpdate();
                    }
                }
                System.out.println("committed " + rows);
                System.out.flush();
                Runtime.getRuntime().halt(9);
            }
        }
    }
}
