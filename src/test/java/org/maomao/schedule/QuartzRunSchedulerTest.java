package org.maomao.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.maomao.run.CollectionAlert;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.collector.Collector;
import org.maomao.schedule.ScheduleStore.Row;
import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.RunPolicy;
import org.maomao.store.Database;
import org.maomao.store.JdbcScheduleStore;
import org.maomao.testing.Poll;
import org.maomao.testing.MutableClock;

/**
 * The scheduler on Quartz's real JDBC job store in H2 (and PostgreSQL: {@link PgQuartzRunSchedulerTest}), restarted on the same database, with
 * runs recorded in memory. Quartz fires by real time and the scheduler judges by its clock:
 * schedules stored while the clock reads five days ago have their next time five days in the
 * past, as if the daemon had been down since, without editing Quartz's tables.
 */
class QuartzRunSchedulerTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofDays(5)));
    final CollectorRegistry registry = new CollectorRegistry(new InMemoryRuns.Collectors(), RunPolicy.defaults(), clock);
    final InMemoryRuns runs = new InMemoryRuns();
    Database db;
    JdbcScheduleStore store;
    QuartzRunScheduler scheduler;
    /**
     * Quartz's worker threads. Back-to-back firings ({@link #scheduleBackToBack}) need one: on two, the
     * next firing of a schedule can run before the previous one's completion, which then deletes the
     * trigger as fired (Quartz re-checks only that its next fire time is set). In the daemon the next
     * time is after now, never due before the firing completes.
     */
    int quartzThreads = 2;

    /** The first firing of collector {@code held} waits in its run's submission until the test releases it. */
    final CountDownLatch heldFiring = new CountDownLatch(1);
    final CountDownLatch releaseFiring = new CountDownLatch(1);
    final ScheduledRuns heldRuns = new ScheduledRuns() {
        @Override
        public void submit(String collector, String dataset, String scheduleId) {
            runs.submit(collector, dataset, scheduleId);
            if ("held".equals(collector) && heldFiring.getCount() > 0) {
                heldFiring.countDown();
                await(releaseFiring);
            }
        }

        @Override
        public void catchUp(String collector, String dataset, String scheduleId) {
            runs.catchUp(collector, dataset, scheduleId);
        }

        @Override
        public void skip(Collector collector, String dataset, String scheduleId, String reason) {
            runs.skip(collector, dataset, scheduleId, reason);
        }
    };

    /** Armed by a test: the next read of schedule {@code held@none} by a Quartz thread (a firing) waits, once read. */
    volatile boolean readArmed;
    volatile Thread testThread;
    final CountDownLatch heldRead = new CountDownLatch(1);
    final CountDownLatch releaseRead = new CountDownLatch(1);

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the test never released the latch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The store as the scheduler sees it: {@link #store}, with the read a test can hold. */
    ScheduleStore heldReads(ScheduleStore rows) {
        return new ScheduleStore() {
            @Override
            public void upsert(Row row) {
                rows.upsert(row);
            }

            @Override
            public boolean setPaused(String id, boolean paused) {
                return rows.setPaused(id, paused);
            }

            @Override
            public boolean delete(String id) {
                return rows.delete(id);
            }

            @Override
            public Optional<Row> find(String id) {
                Optional<Row> r = rows.find(id);
                if (readArmed && "held@none".equals(id) && Thread.currentThread() != testThread) {
                    readArmed = false;
                    heldRead.countDown();
                    await(releaseRead);
                }
                return r;
            }

            @Override
            public long count() {
                return rows.count();
            }

            @Override
            public List<Row> list(String collector) {
                return rows.list(collector);
            }
        };
    }

    /** The store's URL, the same at each open: H2 in the test's directory (PostgreSQL in a subclass). */
    String storeUrl() {
        return Database.h2Url(dir);
    }

    String storeUser() {
        return null;
    }

    void open() {
        db = Database.open(storeUrl(), storeUser(), null, 4);
        // Quartz's delegate and clustering as the daemon picks them for this store
        store = new JdbcScheduleStore(db.dataSource(), clock, QuartzRunScheduler.SCHEDULER_NAME, QuartzRunScheduler.SCHEDULES);
        scheduler = new QuartzRunScheduler(db.dataSource(), db.isPostgres(), db.isPostgres(), heldRuns, registry,
                heldReads(store), ZoneOffset.UTC, clock, quartzThreads);
    }

    /** Stops the daemon's scheduler and store, and starts them again at the real time. */
    void restartNow() {
        close();
        clock.set(Instant.now());
        open();
        scheduler.start();
    }

    @AfterEach
    void close() {
        if (scheduler != null) {
            scheduler.close();
        }
        if (db != null) {
            db.close();
        }
    }

    void scheduleDaily6(String collector) {
        registry.register(collector, "maomao-test/quick:sched", "none", registry.find(collector).map(Collector::settings)
                .orElse(Map.of()), Collector.SOURCE_API);
        scheduler.schedule(collector, "none", Frequency.parse("0 6 * * *", collector), "api");
    }

    /**
     * A schedule every minute while the clock reads five days ago: each next time is in the past by
     * real time, so Quartz fires it back to back, as fast as it can, for as long as it is not paused.
     */
    void scheduleBackToBack(String collector) {
        registry.register(collector, "maomao-test/quick:sched", "none", Map.of(), Collector.SOURCE_API);
        scheduler.schedule(collector, "none", Frequency.parse("* * * * *", collector), "api");
    }

    /** The state of the schedule's trigger in Quartz's table (the schedule's {@code paused} is the operator's word). */
    String triggerState(String id) {
        return store.find(id).orElseThrow().triggerState();
    }

    boolean backOnTime(String id) {
        List<Instant> next = scheduler.find(id).orElseThrow().nextFireTimes();
        return !next.isEmpty() && next.get(0).isAfter(clock.instant());
    }

    // moved from SchedulingTest.should_skip_or_catch_up_missed_firings_by_on_missed and
    // DaemonEndToEndTest.should_fire_a_daily_schedule_missed_while_down_once_on_restart, which edited QRTZ_TRIGGERS
    @Test
    void should_judge_a_schedule_missed_while_down_by_on_missed_when_the_store_comes_back() {
        registry.register("skipper", "maomao-test/quick:sched", "none", Map.of("on_missed", "skip"), Collector.SOURCE_API);
        registry.register("catcher", "maomao-test/quick:sched", "none", Map.of("on_missed", "all", "catch_up_max", "3"),
                Collector.SOURCE_API);
        open();
        for (String c : List.of("skipper", "catcher", "once")) {
            scheduleDaily6(c);
        }
        restartNow();

        for (String id : List.of("skipper@none", "catcher@none", "once@none")) {
            Poll.until(WAIT, id + " back on time", () -> backOnTime(id));
        }
        assertThat(runs.of("skipper")).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("skip");
            assertThat(c.reason()).contains("on_missed = skip");
        });
        assertThat(runs.of("catcher")).hasSize(3).allSatisfy(c -> assertThat(c.kind()).isEqualTo("catch_up"));
        assertThat(runs.of("once")).containsExactly(new InMemoryRuns.Call("submit", "once", "none", "once@none", null));
        assertThat(scheduler.list()).extracting(Schedule::id).containsExactly("catcher@none", "once@none", "skipper@none");
    }

    @Test
    void should_give_a_schedule_whose_trigger_was_lost_in_a_crash_its_next_time_on_start() throws Exception {
        open();
        scheduleDaily6("orphan");
        scheduleDaily6("pausedorphan");
        scheduleDaily6("witness");
        assertThat(scheduler.pause("pausedorphan@none", true)).isTrue();
        close();
        // what a kill between a firing's submission and its new trigger leaves: the fired trigger COMPLETE,
        // which Quartz's recovery deletes when it starts (the job and the row stay)
        db = Database.open(storeUrl(), storeUser(), null, 4);
        try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
            String table = db.isPostgres() ? "qrtz_triggers" : "QRTZ_TRIGGERS";
            assertThat(st.executeUpdate("update " + table + " set TRIGGER_STATE='COMPLETE' where TRIGGER_NAME in "
                    + "('orphan@none','pausedorphan@none')")).isEqualTo(2);
        }
        db.close();
        db = null;
        clock.set(Instant.now());
        open();
        scheduler.start();
        Instant sixAm = java.time.LocalDate.now(ZoneOffset.UTC).atTime(6, 0).toInstant(ZoneOffset.UTC);
        Instant expected = sixAm.isAfter(clock.instant()) ? sixAm : sixAm.plus(Duration.ofDays(1));
        assertThat(scheduler.find("orphan@none").orElseThrow().nextFireTimes()).first().isEqualTo(expected);
        assertThat(triggerState("orphan@none")).isEqualTo("WAITING");
        assertThat(triggerState("pausedorphan@none")).isEqualTo("PAUSED"); // the operator's pause holds
        assertThat(scheduler.find("pausedorphan@none").orElseThrow().paused()).isTrue();
        // the witness was due five days ago and fires now, as any missed schedule
        Poll.until(WAIT, "the witness back on time", () -> backOnTime("witness@none"));

        // a trigger deleted while the daemon runs (another member's recovery of a firing cut short) comes back
        // at the next look, and nothing else is touched
        try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
            String prefix = db.isPostgres() ? "qrtz_" : "QRTZ_";
            st.executeUpdate("delete from " + prefix + "SIMPLE_TRIGGERS where TRIGGER_NAME='orphan@none'");
            assertThat(st.executeUpdate("delete from " + prefix + "TRIGGERS where TRIGGER_NAME='orphan@none'")).isEqualTo(1);
        }
        assertThat(store.find("orphan@none").orElseThrow().triggerState()).isNull();
        assertThat(scheduler.repairLostTriggers()).isEqualTo(1);
        assertThat(scheduler.find("orphan@none").orElseThrow().nextFireTimes()).first().isEqualTo(expected);
        assertThat(scheduler.repairLostTriggers()).isZero();
        assertThat(triggerState("pausedorphan@none")).isEqualTo("PAUSED");
    }

    @Test
    void should_keep_a_schedule_paused_across_a_restart_and_judge_its_firing_as_missed_when_resumed() {
        registry.register("pauser", "maomao-test/quick:sched", "none", Map.of("on_missed", "skip"), Collector.SOURCE_API);
        open();
        scheduleDaily6("pauser");
        scheduleDaily6("witness");
        assertThat(scheduler.pause("pauser@none", true)).isTrue();
        restartNow();

        // the witness, due at the same time, fired: the paused one would have fired with it
        Poll.until(WAIT, "the witness back on time", () -> backOnTime("witness@none"));
        assertThat(runs.of("witness")).hasSize(1);
        assertThat(runs.of("pauser")).isEmpty();
        assertThat(scheduler.find("pauser@none").orElseThrow().paused()).isTrue();

        assertThat(scheduler.pause("pauser@none", false)).isTrue();
        Poll.until(WAIT, "the resumed schedule back on time", () -> backOnTime("pauser@none"));
        assertThat(runs.of("pauser")).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("skip");
            assertThat(c.reason()).contains("on_missed = skip");
        });
        assertThat(scheduler.find("pauser@none").orElseThrow().paused()).isFalse();
        assertThat(scheduler.pause("nothing@none", true)).isFalse();
    }

    @Test
    void should_place_a_schedule_in_the_collector_time_zone_else_the_daemon_one_and_list_three_next_times() {
        registry.register("tz", "maomao-test/quick:sched", "none", Map.of("timezone", "America/New_York"), Collector.SOURCE_API);
        open();
        Schedule ny = scheduler.schedule("tz", "none", Frequency.parse("0 6 * * *", "tz"), "api");
        assertThat(ny.timezone()).isEqualTo("America/New_York");
        assertThat(ny.nextFireTimes()).hasSize(QuartzRunScheduler.NEXT_FIRE_TIMES).allSatisfy(t ->
                assertThat(t.atZone(ZoneId.of("America/New_York")).getHour()).isEqualTo(6));
        assertThat(ny.nextFireTimes().get(0)).isAfter(clock.instant());
        scheduleDaily6("plain");
        Schedule utc = scheduler.find("plain@none").orElseThrow();
        assertThat(utc.timezone()).isEqualTo("Z");
        assertThat(utc.nextFireTimes()).allSatisfy(t -> assertThat(t.atZone(ZoneOffset.UTC).getHour()).isEqualTo(6));
    }

    @Test
    void should_find_a_schedule_late_while_quartz_does_not_fire_it_and_on_time_once_it_fires() {
        open(); // not started: Quartz holds the trigger but fires nothing, as a stuck scheduler would
        scheduleDaily6("stuck");
        clock.set(Instant.now());
        List<CollectionAlert> sent = new ArrayList<>();
        LateSchedules late = new LateSchedules(scheduler::list, clock, Duration.ofMinutes(5), sent::add);
        assertThat(late.check()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(CollectionAlert.Kind.LATE);
            assertThat(a.collector()).isEqualTo("stuck");
        });
        assertThat(late.late()).extracting(Schedule::id).containsExactly("stuck@none");

        scheduler.start(); // the missed firing runs once and the trigger moves on
        Awaitility.await("the trigger to fire and move on").atMost(WAIT).until(() -> backOnTime("stuck@none"));
        assertThat(late.check()).singleElement().satisfies(a -> assertThat(a.kind()).isEqualTo(CollectionAlert.Kind.ON_TIME));
        assertThat(late.late()).isEmpty();
        assertThat(sent).hasSize(2);
    }

    // a firing replaces its one-shot trigger with a new, WAITING one: a pause that landed on the old
    // trigger while the firing ran was lost and the schedule went on firing (3-member cluster IT)
    @Test
    void should_keep_a_pause_that_lands_while_the_schedule_is_firing() {
        quartzThreads = 1;
        open();
        scheduleBackToBack("held");
        scheduleBackToBack("witness");
        scheduler.start();
        await(heldFiring);

        assertThat(scheduler.pause("held@none", true)).isTrue();
        releaseFiring.countDown();

        Poll.until(WAIT, "the held schedule's new trigger paused", () -> "PAUSED".equals(triggerState("held@none")));
        Instant next = store.find("held@none").orElseThrow().nextFireTime();
        int witnessed = runs.of("witness").size();
        // the witness fires back to back as the held one would, were it not paused
        Poll.until(WAIT, "the witness firing three more times", () -> runs.of("witness").size() >= witnessed + 3);
        assertThat(runs.of("held")).hasSize(1);
        assertThat(triggerState("held@none")).isEqualTo("PAUSED");
        assertThat(store.find("held@none").orElseThrow().nextFireTime()).isEqualTo(next).isBefore(Instant.now());
        assertThat(scheduler.find("held@none").orElseThrow().paused()).isTrue();
    }

    // the firing reads "paused" after it rescheduled; a resume that lands before it pauses the new trigger
    // finds that trigger not paused yet (its resume does nothing): the firing must not pause over it
    @Test
    void should_keep_a_resume_that_lands_while_a_firing_pauses_its_new_trigger() {
        testThread = Thread.currentThread();
        quartzThreads = 1;
        open();
        scheduleBackToBack("held");
        scheduler.start();
        await(heldFiring);
        assertThat(scheduler.pause("held@none", true)).isTrue();
        readArmed = true;
        releaseFiring.countDown();
        await(heldRead); // the firing rescheduled and read the schedule, paused; it has not paused the trigger yet

        assertThat(scheduler.pause("held@none", false)).isTrue();
        releaseRead.countDown();

        Poll.until(WAIT, "the resumed schedule firing again", () -> runs.of("held").size() >= 3);
        assertThat(triggerState("held@none")).isNotIn("PAUSED", "PAUSED_BLOCKED");
        assertThat(scheduler.find("held@none").orElseThrow().paused()).isFalse();
    }

    /** The WARN lines of the scheduler, captured from its logger while a test runs. */
    List<String> warnings(ListAppender<ILoggingEvent> lines) {
        return lines.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    ListAppender<ILoggingEvent> captureSchedulerLog() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        ((Logger) LoggerFactory.getLogger(QuartzRunScheduler.class)).addAppender(lines);
        return lines;
    }

    void releaseSchedulerLog(ListAppender<ILoggingEvent> lines) {
        ((Logger) LoggerFactory.getLogger(QuartzRunScheduler.class)).detachAppender(lines);
    }

    // Quartz's shutdown interrupts its scheduler thread, which back-to-back firings keep writing to the
    // store: on H2's file: system the interrupt closed the database, Quartz retried its write forever
    // and the stop hung (the pause tests above hung CI that way)
    @Test
    void should_stop_while_firing_back_to_back_within_its_deadline_and_leave_the_store_open() {
        // one Quartz thread, as every back-to-back test here (see quartzThreads): on two, a firing could
        // start before the previous one completed, whose completion then deleted the trigger, and the
        // schedule fired no more (the "no firing for 90 s" this test failed with now and then)
        quartzThreads = 1;
        ListAppender<ILoggingEvent> lines = captureSchedulerLog();
        try {
            for (int stop = 0; stop < 3; stop++) {
                // a new schedule each time: on clustered PostgreSQL, a trigger the stopped scheduler held is
                // recovered only once the store counts it gone
                String busy = "busy" + stop;
                open();
                if (stop > 0) {
                    // the previous one may be left mid-firing; the start would give it its next time back, and with
                    // the clock five days behind that is back to back too: one busy schedule per stop
                    scheduler.delete("busy" + (stop - 1) + "@none");
                }
                scheduleBackToBack(busy);
                scheduler.start();
                Poll.until(WAIT, "three firings", () -> runs.of(busy).size() >= 3);

                long t0 = System.nanoTime();
                scheduler.close();
                Duration took = Duration.ofNanos(System.nanoTime() - t0);

                assertThat(took).isLessThan(QuartzRunScheduler.CLOSE_DEADLINE);
                assertThat(warnings(lines)).isEmpty();
                assertThat(db.isAvailable()).isTrue();
                assertThat(store.find(busy + "@none")).isPresent();
                scheduler = null;
                db.close();
                db = null;
            }
        } finally {
            releaseSchedulerLog(lines);
        }
    }

    // the daemon stops from a shutdown hook: a Quartz thread that never ends (here a firing stuck in its
    // run's submission) costs the deadline and a warning, not a stop that never returns
    @Test
    void should_give_up_a_stop_that_overruns_its_deadline_with_a_warning() {
        quartzThreads = 1;
        open();
        scheduleBackToBack("held");
        scheduler.start();
        await(heldFiring);
        scheduler.setCloseDeadline(Duration.ofSeconds(1));
        ListAppender<ILoggingEvent> lines = captureSchedulerLog();
        try {
            long t0 = System.nanoTime();
            scheduler.close();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(took).isBetween(Duration.ofSeconds(1),
                    Duration.ofSeconds(1).plus(QuartzRunScheduler.ABORT_GRACE).plusSeconds(10));
            assertThat(warnings(lines)).anySatisfy(w -> assertThat(w).contains("did not stop within PT1S"));

            // while it is still stuck, the next scheduler opened in this JVM is a new one, not the one left
            // behind on the closed store (Quartz keeps schedulers by name until their shutdown ends)
            db.close();
            open();
            scheduleDaily6("after-stuck");
            assertThat(scheduler.list()).extracting(s -> s.collector()).contains("after-stuck");
        } finally {
            releaseSchedulerLog(lines);
            releaseFiring.countDown();
        }
    }
}
