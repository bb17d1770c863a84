package org.maomao.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maomao.store.Database;
import org.maomao.testing.PostgresServer;
import org.quartz.TriggerKey;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.impl.jdbcjobstore.StdJDBCDelegate;
import org.quartz.simpl.CascadingClassLoadHelper;
import org.slf4j.LoggerFactory;

/**
 * Picking the next trigger on a real PostgreSQL holding many schedules: the delegate maomao uses
 * returns the same triggers as Quartz's own, and reads only those, where Quartz's own reads every
 * waiting trigger of the store (its fire-time bounds are bound as numeric, which no index serves).
 */
class PostgresTriggerDelegateTest {
    static final int SCHEDULES = 3000;
    static final long NOW = 1_800_000_000_000L;
    static String url;
    static Database db;

    @BeforeAll
    static void manySchedules() throws SQLException {
        url = PostgresServer.shared().newDatabase();
        db = Database.open(url, PostgresServer.shared().user(), "", 2); // migrated: Quartz's tables and indexes
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO QRTZ_JOB_DETAILS (SCHED_NAME, JOB_NAME, JOB_GROUP, JOB_CLASS_NAME, IS_DURABLE, "
                        + "IS_NONCONCURRENT, IS_UPDATE_DATA, REQUESTS_RECOVERY) VALUES ('maomao', 'j', 'schedules', 'x', "
                        + "true, false, false, false)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP, "
                    + "JOB_NAME, JOB_GROUP, NEXT_FIRE_TIME, PRIORITY, TRIGGER_STATE, TRIGGER_TYPE, START_TIME, MISFIRE_INSTR) "
                    + "VALUES ('maomao', ?, 'schedules', 'j', 'schedules', ?, 5, 'WAITING', 'SIMPLE', 0, -1)")) {
                for (int i = 0; i < SCHEDULES; i++) {
                    // two due within the next 30 s, the rest spread over the coming hours
                    ps.setString(1, String.format("t%05d", i));
                    ps.setLong(2, i < 2 ? NOW + 1000 * (i + 1) : NOW + 60_000 + i * 10_000L);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE QRTZ_TRIGGERS"); // as autovacuum would on a store that grew to this size
            }
        }
    }

    @AfterAll
    static void drop() {
        db.close();
        PostgresServer.shared().dropDatabase(url);
    }

    @Test
    void maomaos_delegate_picks_the_due_triggers_and_reads_only_them() throws Exception {
        Picked ours = pick(new PostgresTriggerDelegate(), 1);
        Picked quartz = pick(new PostgreSQLDelegate(), 1);

        assertThat(ours.keys()).isEqualTo(quartz.keys()).containsExactly(TriggerKey.triggerKey("t00000", "schedules"));
        assertThat(quartz.rowsRead()).as("rows Quartz's own delegate reads for one trigger").isGreaterThanOrEqualTo(SCHEDULES);
        // a handful (the due ones, and what the index scan touches around them), not the store's
        assertThat(ours.rowsRead()).as("rows maomao's delegate reads for one trigger").isLessThanOrEqualTo(20);
    }

    @Test
    void a_batch_takes_the_due_triggers_oldest_first_and_none_beyond_the_window() throws Exception {
        assertThat(pick(new PostgresTriggerDelegate(), 10).keys())
                .containsExactly(TriggerKey.triggerKey("t00000", "schedules"), TriggerKey.triggerKey("t00001", "schedules"));
        assertThat(pick(new PostgresTriggerDelegate(), 0).keys()).as("at least one, as Quartz's own")
                .containsExactly(TriggerKey.triggerKey("t00000", "schedules"));
    }

    record Picked(List<TriggerKey> keys, long rowsRead) {
    }

    /** The triggers due in the next 30 s, and the rows of QRTZ_TRIGGERS the pick read (this transaction's counters). */
    static Picked pick(StdJDBCDelegate delegate, int max) throws Exception {
        delegate.initialize(LoggerFactory.getLogger(PostgresTriggerDelegateTest.class), "QRTZ_", "maomao", "test",
                new CascadingClassLoadHelper(), false, null);
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                List<TriggerKey> keys = delegate.selectTriggerToAcquire(c, NOW + 30_000, NOW - 60_000, max);
                try (Statement st = c.createStatement(); ResultSet r = st.executeQuery("SELECT COALESCE(seq_tup_read, 0) "
                        + "+ COALESCE(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables WHERE relname = 'qrtz_triggers'")) {
                    r.next();
                    return new Picked(keys, r.getLong(1));
                }
            } finally {
                c.rollback();
            }
        }
    }
}
