package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.Poll;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Versions before the run store held retries kept each pending retry as a Quartz job in the
 * group {@code retries}, of a class that no longer exists. A daemon started on such a store
 * removes those jobs without an error, and the retry happens once, from the run store.
 */
class LegacyRetryTriggersTest {
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void should_drop_retry_jobs_an_earlier_version_kept_in_quartz_and_retry_the_run_once_from_the_store() throws Exception {
        String flaky = TestImages.collector("maomao-test/flaky:legacy",
                "if [ \"$MAOMAO_ATTEMPT\" -lt 2 ]; then exit 1; fi\necho \"t,v\n1,1\" > /output/rows.csv\n");
        TestDaemon daemon = new TestDaemon(dir.resolve("data"), Map.of("defaults.retries", "1", "defaults.retry_backoff", "1h"));
        try {
            daemon.register("flaky", flaky, "");
            String id = daemon.runNow("flaky", "legacy");
            Poll.until(WAIT, "the retry to be pending",
                    () -> daemon.get("/runs/" + id).json().get("state").asText().equals("retrying"));
            daemon.stop();

            // what the earlier version stored for this retry, now due; and the run's own time, due too
            long due = Instant.now().minusSeconds(60).toEpochMilli();
            sql("INSERT INTO QRTZ_JOB_DETAILS (SCHED_NAME, JOB_NAME, JOB_GROUP, JOB_CLASS_NAME, IS_DURABLE, "
                    + "IS_NONCONCURRENT, IS_UPDATE_DATA, REQUESTS_RECOVERY) VALUES ('maomao', ?, 'retries', "
                    + "'org.maomao.schedule.RetryRunJob', FALSE, FALSE, FALSE, FALSE)", id);
            sql("INSERT INTO QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP, JOB_NAME, JOB_GROUP, NEXT_FIRE_TIME, "
                    + "PREV_FIRE_TIME, PRIORITY, TRIGGER_STATE, TRIGGER_TYPE, START_TIME, END_TIME, MISFIRE_INSTR) VALUES "
                    + "('maomao', ?, 'retries', ?, 'retries', ?, -1, 5, 'WAITING', 'SIMPLE', ?, 0, 1)", id, id, due, due);
            sql("INSERT INTO QRTZ_SIMPLE_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP, REPEAT_COUNT, REPEAT_INTERVAL, "
                    + "TIMES_TRIGGERED) VALUES ('maomao', ?, 'retries', 0, 0, 0)", id);
            sql("UPDATE mm_runs SET next_retry_at = ? WHERE id = ?", due, id);

            daemon.start();
            JsonNode done = daemon.awaitEnd(id, WAIT);
            assertThat(done.get("state").asText()).isEqualTo("succeeded");
            assertThat(done.get("attempt").asInt()).isEqualTo(2);
            // the state is stored just before the finished event: wait for that event too
            List<String> types = Poll.until(WAIT, "the finished event", () -> {
                List<String> t = daemon.get("/runs/" + id + "/events").json().findValuesAsText("type");
                return t.contains("finished") ? t : null;
            });
            assertThat(types).containsSubsequence("started", "retry_scheduled", "started", "committed", "finished")
                    .filteredOn("started"::equals).hasSize(2);
            assertThat(count("SELECT COUNT(*) FROM QRTZ_TRIGGERS WHERE TRIGGER_GROUP = 'retries'")).isZero();
            assertThat(count("SELECT COUNT(*) FROM QRTZ_JOB_DETAILS WHERE JOB_GROUP = 'retries'")).isZero();
        } finally {
            daemon.close();
        }
    }

    private Connection db() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/db/maomao"));
    }

    private void sql(String statement, Object... args) throws Exception {
        try (Connection c = db(); PreparedStatement p = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            assertThat(p.executeUpdate()).isEqualTo(1);
        }
    }

    /** Counts while the daemon runs: through its own URL (async:), since H2 in one JVM shares a database by that name. */
    private long count(String query) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:async:" + dir.resolve("data/db/maomao"));
             PreparedStatement p = c.prepareStatement(query); ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
