package org.maomao.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.maomao.collector.Collector;
import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.RunPolicy;
import org.maomao.schedule.InMemoryRuns.Call;
import org.maomao.testing.MutableClock;

/**
 * One firing, from the collector's policy to the runs it hands on and the next time, with a real registry,
 * runs recorded in memory and a clock the test sets.
 */
class ScheduleFiringTest {
    static final CronSchedule DAILY_6 = new CronSchedule("0 0 6 * * ?", ZoneOffset.UTC);
    static final Instant DUE = Instant.parse("2026-06-05T06:00:00Z");
    static final Instant FIVE_DAYS_LATER = Instant.parse("2026-06-10T12:00:00Z");
    static final Instant NEXT = Instant.parse("2026-06-11T06:00:00Z");

    final MutableClock clock = new MutableClock(DUE);
    final CollectorRegistry registry = new CollectorRegistry(new InMemoryRuns.Collectors(), RunPolicy.defaults(), clock);
    final InMemoryRuns runs = new InMemoryRuns();
    final ScheduleFiring firing = new ScheduleFiring(registry, runs, new MissedFirings(clock));

    void register(String name, Map<String, String> settings) {
        registry.register(name, "maomao-test/quick:sched", "none", settings, Collector.SOURCE_API);
    }

    @Test
    void should_submit_one_run_of_an_on_time_firing_with_overlap_applied_and_return_the_next_time() {
        register("quick", Map.of());
        clock.set(DUE.plusMillis(20));
        assertThat(firing.fire("quick@none", "quick", "none", DAILY_6, DUE)).contains(Instant.parse("2026-06-06T06:00:00Z"));
        assertThat(runs.calls()).containsExactly(new Call("submit", "quick", "none", "quick@none", null));
    }

    // moved from DaemonEndToEndTest.should_fire_a_daily_schedule_missed_while_down_once_on_restart (no SQL edit)
    @Test
    void should_run_a_schedule_missed_for_days_once_by_default_and_be_back_on_time() {
        register("dummy", Map.of());
        clock.set(FIVE_DAYS_LATER);
        assertThat(firing.fire("dummy@none", "dummy", "none", DAILY_6, DUE)).contains(NEXT);
        assertThat(runs.calls()).containsExactly(new Call("submit", "dummy", "none", "dummy@none", null));
    }

    // moved from SchedulingTest.should_skip_or_catch_up_missed_firings_by_on_missed (no SQL edit)
    @Test
    void should_record_one_skipped_run_for_days_missed_with_on_missed_skip_and_three_runs_with_all_and_catch_up_max_3() {
        register("skipper", Map.of("on_missed", "skip"));
        register("catcher", Map.of("on_missed", "all", "catch_up_max", "3"));
        clock.set(FIVE_DAYS_LATER);
        assertThat(firing.fire("skipper@none", "skipper", "none", DAILY_6, DUE)).contains(NEXT);
        assertThat(firing.fire("catcher@none", "catcher", "none", DAILY_6, DUE)).contains(NEXT);
        assertThat(runs.of("skipper")).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("skip");
            assertThat(c.reason()).contains("on_missed = skip");
        });
        // catch-up runs are not subject to overlap = skip (the default), which would keep only the first
        assertThat(runs.of("catcher")).hasSize(3).allSatisfy(c -> assertThat(c.kind()).isEqualTo("catch_up"));
    }

    @Test
    void should_go_on_to_the_next_time_when_the_collector_is_gone() {
        clock.set(DUE.plusMillis(20));
        assertThat(firing.fire("gone@none", "gone", "none", DAILY_6, DUE)).contains(Instant.parse("2026-06-06T06:00:00Z"));
        assertThat(runs.calls()).isEmpty();
    }

    @Test
    void should_go_on_to_the_next_time_when_the_run_cannot_be_started() {
        register("quick", Map.of());
        ScheduleFiring failing = new ScheduleFiring(registry, new InMemoryRuns() {
            @Override
            public synchronized void submit(String collector, String dataset, String scheduleId) {
                throw new IllegalStateException("the run store is down");
            }
        }, new MissedFirings(clock));
        clock.set(FIVE_DAYS_LATER);
        assertThat(failing.fire("quick@none", "quick", "none", DAILY_6, DUE)).contains(NEXT);
    }
}
