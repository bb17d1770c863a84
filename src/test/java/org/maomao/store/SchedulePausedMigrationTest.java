package org.maomao.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.schedule.ScheduleStore;
import org.maomao.testing.PostgresServer;

/**
 * V6 gives each schedule its operator's {@code paused} flag: a store of the version before,
 * whose pauses were only in Quartz's triggers, comes out with the flag set for exactly the
 * schedules whose trigger was paused (on H2, as the daemon's store was opened then, and on
 * PostgreSQL).
 */
class SchedulePausedMigrationTest {
    @TempDir
    Path dir;

    /** The trigger state of each schedule in the store before V6 (and {@code other@ds}, paused in another Quartz group). */
    static final Map<String, String> STATES = Map.of("paused@ds", "PAUSED", "blocked@ds", "PAUSED_BLOCKED",
            "waiting@ds", "WAITING", "acquired@ds", "ACQUIRED");

    @Test
    void should_set_the_flag_of_the_schedules_whose_trigger_was_paused_on_h2() throws SQLException {
        // the URL the daemon opened its store with before V6: H2's default file system
        String url = "jdbc:h2:file:" + dir.resolve("db/maomao") + ";DB_CLOSE_ON_EXIT=FALSE";
        migrateAndCheck(url, null);
    }

    @Test
    void should_set_the_flag_of_the_schedules_whose_trigger_was_paused_on_postgresql() throws SQLException {
        String url = PostgresServer.shared().newDatabase();
        try {
            migrateAndCheck(url, PostgresServer.shared().user());
        } finally {
            PostgresServer.shared().dropDatabase(url);
        }
    }

    private void migrateAndCheck(String url, String user) throws SQLException {
        Flyway before = Flyway.configure().dataSource(url, user, null).locations("classpath:db/migration")
                .javaMigrations(new V2__QuartzTables()).target("5").load();
        before.migrate();
        try (Connection c = before.getConfiguration().getDataSource().getConnection()) {
            c.setAutoCommit(true);
            STATES.forEach((id, state) -> insert(c, "schedules", id, state));
            insert(c, "retries", "other@ds", "PAUSED");
        }

        try (Database db = Database.open(url, user, null, 2)) {
            ScheduleStore store = new JdbcScheduleStore(db.dataSource(), Clock.systemUTC(), "maomao", "schedules");
            assertThat(store.find("paused@ds").orElseThrow().paused()).isTrue();
            assertThat(store.find("blocked@ds").orElseThrow().paused()).isTrue();
            assertThat(store.find("waiting@ds").orElseThrow().paused()).isFalse();
            assertThat(store.find("acquired@ds").orElseThrow().paused()).isFalse();
            assertThat(store.find("other@ds").orElseThrow().paused()).isFalse();
            assertThat(store.list(null)).hasSize(STATES.size() + 1);
        }
    }

    /** A schedule's row, and its durable job and trigger in Quartz's group {@code group}, as the version before stored them. */
    private static void insert(Connection c, String group, String id, String state) {
        try {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO mm_schedules (id, collector, dataset, frequency, cron, "
                    + "timezone, source, created_at) VALUES (?, ?, 'ds', 'hourly', '0 0 * * * ?', 'UTC', 'api', 0)")) {
                p.setString(1, id);
                p.setString(2, id.substring(0, id.indexOf('@')));
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO QRTZ_JOB_DETAILS (SCHED_NAME, JOB_NAME, JOB_GROUP, "
                    + "JOB_CLASS_NAME, IS_DURABLE, IS_NONCONCURRENT, IS_UPDATE_DATA, REQUESTS_RECOVERY) "
                    + "VALUES ('maomao', ?, ?, 'org.maomao.schedule.ScheduledRunJob', TRUE, FALSE, FALSE, FALSE)")) {
                p.setString(1, id);
                p.setString(2, group);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP, "
                    + "JOB_NAME, JOB_GROUP, NEXT_FIRE_TIME, TRIGGER_STATE, TRIGGER_TYPE, START_TIME) "
                    + "VALUES ('maomao', ?, ?, ?, ?, 4102444800000, ?, 'SIMPLE', 0)")) {
                p.setString(1, id);
                p.setString(2, group);
                p.setString(3, id);
                p.setString(4, group);
                p.setString(5, state);
                p.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
