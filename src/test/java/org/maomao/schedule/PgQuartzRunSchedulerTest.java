package org.maomao.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.maomao.testing.Poll;
import org.maomao.testing.PostgresServer;

/**
 * The scheduler's tests on Quartz's JDBC job store in a real PostgreSQL, with the PostgreSQL
 * delegate and the clustered store the daemon uses there (job data in bytea, row locks in
 * {@code qrtz_locks}), each test on a new database that keeps its triggers across the restart.
 */
class PgQuartzRunSchedulerTest extends QuartzRunSchedulerTest {
    private String url;

    @Override
    String storeUrl() {
        if (url == null) {
            url = PostgresServer.shared().newDatabase();
        }
        return url;
    }

    @Override
    String storeUser() {
        return PostgresServer.shared().user();
    }

    @AfterEach
    void dropDatabase() {
        if (url != null) {
            close();
            PostgresServer.shared().dropDatabase(url);
        }
    }

    /** A cluster member's scheduler on this test's database, as a daemon in cluster mode builds it, on one Quartz thread. */
    QuartzRunScheduler member(String id) {
        return new QuartzRunScheduler(db.dataSource(), true, QuartzClustering.member(id, Duration.ofSeconds(1)), heldRuns,
                registry, heldReads(store), ZoneOffset.UTC, clock, 1);
    }

    /** The member whose Quartz is executing the firing of schedule {@code id}. */
    String firingMember(String id) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement q = c.prepareStatement("SELECT INSTANCE_NAME FROM QRTZ_FIRED_TRIGGERS "
                     + "WHERE SCHED_NAME = ? AND TRIGGER_NAME = ? AND STATE = 'EXECUTING'")) {
            q.setString(1, QuartzRunScheduler.SCHEDULER_NAME);
            q.setString(2, id);
            try (ResultSet r = q.executeQuery()) {
                assertThat(r.next()).as("a member executing " + id).isTrue();
                return r.getString(1);
            }
        }
    }

    // in cluster mode the member that fires a schedule is rarely the one an operator's pause reaches
    // (ClusterRunsIT, 3 members: POST /schedules/ID/pause did not stop a 3 s schedule)
    @Test
    void should_keep_a_pause_sent_to_one_member_while_another_fires_the_schedule() throws SQLException {
        open();
        scheduler.close(); // not started: the members below are the daemons
        scheduler = member("member-a");
        QuartzRunScheduler b = member("member-b");
        try {
            scheduleBackToBack("held");
            scheduleBackToBack("witness");
            scheduler.start();
            b.start();
            await(heldFiring);
            QuartzRunScheduler firing = firingMember("held@none").equals("member-a") ? scheduler : b;
            QuartzRunScheduler elsewhere = firing == scheduler ? b : scheduler;

            assertThat(elsewhere.pause("held@none", true)).isTrue();
            releaseFiring.countDown();

            Poll.until(WAIT, "the held schedule's new trigger paused", () -> "PAUSED".equals(triggerState("held@none")));
            Instant next = store.find("held@none").orElseThrow().nextFireTime();
            int witnessed = runs.of("witness").size();
            Poll.until(WAIT, "the witness firing three more times", () -> runs.of("witness").size() >= witnessed + 3);
            assertThat(runs.of("held")).hasSize(1);
            assertThat(triggerState("held@none")).isEqualTo("PAUSED");
            assertThat(store.find("held@none").orElseThrow().nextFireTime()).isEqualTo(next);
            assertThat(firing.find("held@none").orElseThrow().paused()).isTrue();
            assertThat(elsewhere.find("held@none").orElseThrow().paused()).isTrue();
        } finally {
            b.close();
        }
    }

    // the firing member read "paused" and is about to pause its new trigger when the operator's resume
    // reaches the other member: the resume is kept
    @Test
    void should_keep_a_resume_sent_to_one_member_while_another_pauses_its_new_trigger() throws SQLException {
        testThread = Thread.currentThread();
        open();
        scheduler.close();
        scheduler = member("member-a");
        QuartzRunScheduler b = member("member-b");
        try {
            scheduleBackToBack("held");
            scheduler.start();
            b.start();
            await(heldFiring);
            QuartzRunScheduler elsewhere = firingMember("held@none").equals("member-a") ? b : scheduler;
            assertThat(elsewhere.pause("held@none", true)).isTrue();
            readArmed = true;
            releaseFiring.countDown();
            await(heldRead); // the firing member rescheduled and read the schedule, paused

            assertThat(elsewhere.pause("held@none", false)).isTrue();
            releaseRead.countDown();

            Poll.until(WAIT, "the resumed schedule firing again", () -> runs.of("held").size() >= 3);
            assertThat(triggerState("held@none")).isNotIn("PAUSED", "PAUSED_BLOCKED");
            assertThat(scheduler.find("held@none").orElseThrow().paused()).isFalse();
        } finally {
            b.close();
        }
    }
}
