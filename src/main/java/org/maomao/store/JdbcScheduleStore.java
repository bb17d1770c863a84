package org.maomao.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.maomao.schedule.ScheduleStore;

/** Schedules in {@code mm_schedules}, joined with Quartz's {@code QRTZ_TRIGGERS} for the next fire time. */
public final class JdbcScheduleStore implements ScheduleStore {
    private static final String SELECT = "SELECT s.*, t.NEXT_FIRE_TIME AS next_fire, t.TRIGGER_STATE AS trigger_state "
            + "FROM mm_schedules s LEFT JOIN QRTZ_TRIGGERS t ON t.SCHED_NAME=? AND t.TRIGGER_GROUP=? AND t.TRIGGER_NAME=s.id";

    private final Jdbc jdbc;
    private final Clock clock;
    private final String schedulerName;
    private final String group;

    public JdbcScheduleStore(DataSource ds, Clock clock, String schedulerName, String group) {
        this.jdbc = new Jdbc(ds);
        this.clock = clock;
        this.schedulerName = schedulerName;
        this.group = group;
    }

    @Override
    public void upsert(Row r) {
        jdbc.inTransactionRetryingDuplicates(c -> {
            int n = Jdbc.update(c, "UPDATE mm_schedules SET collector=?, dataset=?, frequency=?, cron=?, timezone=?, source=?, "
                    + "paused=? WHERE id=?", r.collector(), r.dataset(), r.frequency(), r.cron(), r.timezone(), r.source(),
                    r.paused(), r.id());
            if (n == 0) {
                Jdbc.update(c, "INSERT INTO mm_schedules (id, collector, dataset, frequency, cron, timezone, source, paused, "
                        + "created_at) VALUES (?,?,?,?,?,?,?,?,?)", r.id(), r.collector(), r.dataset(), r.frequency(), r.cron(),
                        r.timezone(), r.source(), r.paused(), clock.instant());
            }
            return null;
        });
    }

    @Override
    public boolean setPaused(String id, boolean paused) {
        return jdbc.update("UPDATE mm_schedules SET paused=? WHERE id=?", paused, id) > 0;
    }

    @Override
    public long count() {
        return jdbc.one("SELECT COUNT(*) AS n FROM mm_schedules", rs -> rs.getLong("n")).orElse(0L);
    }

    @Override
    public boolean delete(String id) {
        return jdbc.update("DELETE FROM mm_schedules WHERE id=?", id) > 0;
    }

    @Override
    public Optional<Row> find(String id) {
        return jdbc.one(SELECT + " WHERE s.id=?", JdbcScheduleStore::map, schedulerName, group, id);
    }

    @Override
    public List<Row> list(String collector) {
        return collector == null
                ? jdbc.query(SELECT + " ORDER BY s.id", JdbcScheduleStore::map, schedulerName, group)
                : jdbc.query(SELECT + " WHERE s.collector=? ORDER BY s.id", JdbcScheduleStore::map, schedulerName, group,
                        collector);
    }

    private static Row map(ResultSet rs) throws SQLException {
        return new Row(rs.getString("id"), rs.getString("collector"), rs.getString("dataset"), rs.getString("frequency"),
                rs.getString("cron"), rs.getString("timezone"), rs.getString("source"), Jdbc.instant(rs, "next_fire"),
                rs.getString("trigger_state"), rs.getBoolean("paused"));
    }
}
