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

import org.maomao.run.CollectionAlert;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.collector.Collector;
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
    QuartzRunScheduler scheduler;

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
        scheduler = new QuartzRunScheduler(db.dataSource(), db.isPostgres(), db.isPostgres(), runs, registry,
                new JdbcScheduleStore(db.dataSource(), clock, QuartzRunScheduler.SCHEDULER_NAME, QuartzRunScheduler.SCHEDULES),
                ZoneOffset.UTC, clock, 2);
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
}
