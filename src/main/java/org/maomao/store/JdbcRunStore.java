package org.maomao.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.maomao.run.Run;
import org.maomao.run.RunEvent;
import org.maomao.run.RunQuery;
import org.maomao.run.RunState;
import org.maomao.run.RunStore;

/** Runs and their events in {@code mm_runs} and {@code mm_run_events}. */
public final class JdbcRunStore implements RunStore {
    private final Jdbc jdbc;
    private final Clock clock;

    public JdbcRunStore(DataSource ds, Clock clock) {
        this.jdbc = new Jdbc(ds);
        this.clock = clock;
    }

    @Override
    public void insert(Run r) {
        jdbc.inTransaction(c -> insert(c, r));
    }

    private static int insert(Connection c, Run r) throws SQLException {
        return Jdbc.update(c, "INSERT INTO mm_runs (id, collector, dataset, image, trigger_kind, schedule_id, state, attempt, "
                        + "max_attempts, exit_code, message, progress, result, commit_id, created_at, started_at, finished_at, "
                        + "next_retry_at, member, fence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                r.id(), r.collector(), r.dataset(), r.image(), r.trigger(), r.scheduleId(), r.state().id(), r.attempt(),
                r.maxAttempts(), r.exitCode(), r.message(), r.progress(), r.result(), r.commit(), r.createdAt(),
                r.startedAt(), r.finishedAt(), r.nextRetryAt(), r.member(), r.fence());
    }

    @Override
    public boolean update(Run r, RunState expected) {
        return jdbc.inTransaction(c -> update(c, r, expected));
    }

    @Override
    public boolean update(Run r, RunState expected, String eventType, String eventPayload) {
        return jdbc.inTransactionRetryingDuplicates(c -> {
            if (!update(c, r, expected)) {
                return false;
            }
            addEvent(c, r.id(), eventType, eventPayload);
            return true;
        });
    }

    private static boolean update(Connection c, Run r, RunState expected) throws SQLException {
        String sql = "UPDATE mm_runs SET state=?, attempt=?, exit_code=?, message=?, progress=?, result=?, "
                + "commit_id=?, started_at=?, finished_at=?, next_retry_at=?, member=?, fence=? WHERE id=? AND state=?";
        Object[] params = {r.state().id(), r.attempt(), r.exitCode(), truncate(r.message(), 4000), r.progress(),
                r.result(), r.commit(), r.startedAt(), r.finishedAt(), r.nextRetryAt(), r.member(), r.fence(), r.id(),
                expected.id()};
        if (expected != RunState.RUNNING) {
            return Jdbc.update(c, sql, params) == 1;
        }
        if (r.fence() == null) {
            return Jdbc.update(c, sql + " AND fence IS NULL", params) == 1;
        }
        Object[] fenced = java.util.Arrays.copyOf(params, params.length + 1);
        fenced[params.length] = r.fence();
        return Jdbc.update(c, sql + " AND fence=?", fenced) == 1;
    }

    @Override
    public boolean claim(Run r, boolean serial) {
        return jdbc.inTransaction(c -> {
            if (serial) {
                // the runs of the key are locked in one order, so two daemons claiming runs of one
                // collector@dataset take turns, and the second's check below sees the first's claim
                Jdbc.query(c, "SELECT id FROM mm_runs WHERE collector=? AND dataset=? AND state IN ('queued','running') "
                        + "ORDER BY id FOR UPDATE", rs -> rs.getString("id"), r.collector(), r.dataset());
                int running = Jdbc.query(c, "SELECT COUNT(*) AS n FROM mm_runs WHERE collector=? AND dataset=? "
                        + "AND state='running' AND id<>?", rs -> rs.getInt("n"), r.collector(), r.dataset(), r.id()).get(0);
                if (running > 0) {
                    return false;
                }
            }
            return update(c, r, RunState.QUEUED);
        });
    }

    @Override
    public Optional<Run> insertUnlessActive(Run r, String eventType, String eventPayload) {
        return jdbc.inTransaction(c -> {
            // the collector's row is the lock: submissions of one collector, on every daemon, take
            // turns, and the second one's look below sees the run the first one stored
            Jdbc.query(c, "SELECT name FROM mm_collectors WHERE name=? FOR UPDATE", rs -> rs.getString("name"),
                    r.collector());
            List<Run> busy = Jdbc.query(c, "SELECT * FROM mm_runs WHERE collector=? AND dataset=? "
                    + "AND state IN ('queued','running','retrying') ORDER BY created_at, id LIMIT 1", JdbcRunStore::map,
                    r.collector(), r.dataset());
            if (!busy.isEmpty()) {
                return Optional.of(busy.get(0));
            }
            insert(c, r);
            addEvent(c, r.id(), eventType, eventPayload);
            return Optional.<Run>empty();
        });
    }

    @Override
    public List<Run> findQueued(int limit) {
        return jdbc.query("SELECT * FROM mm_runs WHERE state='queued' ORDER BY created_at, id LIMIT ?", JdbcRunStore::map,
                Math.max(0, limit));
    }

    @Override
    public Optional<Run> find(String id) {
        return jdbc.one("SELECT * FROM mm_runs WHERE id=?", JdbcRunStore::map, id);
    }

    @Override
    public List<Run> list(RunQuery q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM mm_runs WHERE 1=1");
        List<Object> params = new ArrayList<>();
        if (q.collector() != null) {
            sql.append(" AND collector=?");
            params.add(q.collector());
        }
        if (q.state() != null) {
            sql.append(" AND state=?");
            params.add(q.state().id());
        }
        if (q.before() != null) {
            sql.append(" AND created_at<?");
            params.add(q.before());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ").append(Math.max(1, Math.min(q.limit(), RunQuery.MAX_LIMIT)));
        return jdbc.query(sql.toString(), JdbcRunStore::map, params.toArray());
    }

    @Override
    public List<Run> findByStates(Collection<RunState> states) {
        List<Run> out = new ArrayList<>();
        for (RunState s : states) {
            out.addAll(jdbc.query("SELECT * FROM mm_runs WHERE state=? ORDER BY created_at", JdbcRunStore::map, s.id()));
        }
        return out;
    }

    @Override
    public void addEvent(String runId, String type, String payload) {
        jdbc.inTransactionRetryingDuplicates(c -> addEvent(c, runId, type, payload));
    }

    /**
     * seq is per run: the run's row is locked first, so writers of one run's events take turns
     * and each reads the other's last seq; the primary key, and a retry, cover events of a run
     * that has no row.
     */
    private int addEvent(Connection c, String runId, String type, String payload) throws SQLException {
        Jdbc.query(c, "SELECT id FROM mm_runs WHERE id=? FOR UPDATE", rs -> rs.getString("id"), runId);
        Integer max = Jdbc.query(c, "SELECT MAX(seq) AS m FROM mm_run_events WHERE run_id=?",
                rs -> Jdbc.integer(rs, "m"), runId).get(0);
        return Jdbc.update(c, "INSERT INTO mm_run_events (run_id, seq, at, type, payload) VALUES (?,?,?,?,?)",
                runId, max == null ? 1 : max + 1, clock.instant(), type, payload);
    }

    @Override
    public List<String> deleteEndedBeyond(String collector, int keep) {
        return jdbc.inTransaction(c -> {
            // only the runs past the newest `keep` are read, so pruning does not grow with the history kept;
            // skipped firings are kept apart, so a burst of them never pushes out the runs that ran
            List<String> old = new java.util.ArrayList<>(Jdbc.query(c, "SELECT id FROM mm_runs WHERE collector=? AND state IN "
                    + "('succeeded','failed','timed_out','cancelled') ORDER BY created_at DESC, id DESC "
                    + "OFFSET ? ROWS", rs -> rs.getString("id"), collector, keep));
            old.addAll(Jdbc.query(c, "SELECT id FROM mm_runs WHERE collector=? AND state='skipped' "
                    + "ORDER BY created_at DESC, id DESC OFFSET ? ROWS", rs -> rs.getString("id"), collector, keep));
            for (String id : old) {
                Jdbc.update(c, "DELETE FROM mm_run_events WHERE run_id=?", id);
                Jdbc.update(c, "DELETE FROM mm_runs WHERE id=?", id);
            }
            return List.copyOf(old);
        });
    }

    @Override
    public List<RunEvent> events(String runId) {
        return jdbc.query("SELECT * FROM mm_run_events WHERE run_id=? ORDER BY seq", rs -> new RunEvent(
                rs.getString("run_id"), rs.getInt("seq"), Jdbc.instant(rs, "at"), rs.getString("type"),
                rs.getString("payload")), runId);
    }

    private static Run map(ResultSet rs) throws SQLException {
        return new Run(rs.getString("id"), rs.getString("collector"), rs.getString("dataset"), rs.getString("image"),
                rs.getString("trigger_kind"), rs.getString("schedule_id"), RunState.fromId(rs.getString("state")),
                rs.getInt("attempt"), rs.getInt("max_attempts"), Jdbc.integer(rs, "exit_code"), rs.getString("message"),
                Jdbc.integer(rs, "progress"), rs.getString("result"), rs.getString("commit_id"),
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "started_at"), Jdbc.instant(rs, "finished_at"),
                Jdbc.instant(rs, "next_retry_at"), rs.getString("member"), rs.getString("fence"));
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
