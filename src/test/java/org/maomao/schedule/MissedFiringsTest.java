package org.maomao.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.maomao.collector.RunPolicy.OnMissed;
import org.maomao.testing.MutableClock;

/** The scheduler's decisions about late firings and next times, on a clock the test sets: no Quartz, no store. */
class MissedFiringsTest {
    static final CronSchedule DAILY_6 = new CronSchedule("0 0 6 * * ?", ZoneOffset.UTC);
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant DUE = Instant.parse("2026-06-05T06:00:00Z");

    final MutableClock clock = new MutableClock(DUE);
    final MissedFirings rules = new MissedFirings(clock);

    static Instant at(String t) {
        return Instant.parse(t);
    }

    @Test
    void should_run_a_firing_on_time_by_every_policy_and_fire_next_at_the_following_time() {
        clock.set(DUE.plusMillis(300));
        for (OnMissed p : OnMissed.values()) {
            Firing f = rules.judge(DUE, DAILY_6, p, 3);
            assertThat(f.kind()).as(p.name()).isEqualTo(Firing.Kind.ON_TIME);
            assertThat(f.runs()).containsExactly(DUE);
            assertThat(f.missed()).isZero();
        }
        assertThat(rules.next(DUE, DAILY_6)).contains(at("2026-06-06T06:00:00Z"));
    }

    @Test
    void should_count_a_firing_late_by_up_to_missed_after_as_on_time_and_one_millisecond_more_as_missed() {
        clock.set(DUE.plus(MissedFirings.MISSED_AFTER));
        assertThat(rules.judge(DUE, DAILY_6, OnMissed.SKIP, 3).kind()).isEqualTo(Firing.Kind.ON_TIME);
        clock.advance(Duration.ofMillis(1));
        assertThat(rules.judge(DUE, DAILY_6, OnMissed.SKIP, 3).kind()).isEqualTo(Firing.Kind.SKIP);
        assertThat(rules.judge(DUE, DAILY_6, OnMissed.RUN_ONCE, 3).kind()).isEqualTo(Firing.Kind.RUN_ONCE);
        assertThat(rules.judge(DUE, DAILY_6, OnMissed.ALL, 3).kind()).isEqualTo(Firing.Kind.CATCH_UP);
    }

    @Test
    void should_take_a_firing_quartz_delivers_early_as_on_time_and_not_fire_that_time_again() {
        clock.set(DUE.minusMillis(5));
        assertThat(rules.judge(DUE, DAILY_6, OnMissed.SKIP, 3).kind()).isEqualTo(Firing.Kind.ON_TIME);
        assertThat(rules.next(DUE, DAILY_6)).contains(at("2026-06-06T06:00:00Z"));
    }

    @Test
    void should_run_once_for_five_missed_days_with_run_once_and_fire_next_after_now() {
        clock.set(at("2026-06-10T12:00:00Z"));
        Firing f = rules.judge(DUE, DAILY_6, OnMissed.RUN_ONCE, 3);
        assertThat(f.kind()).isEqualTo(Firing.Kind.RUN_ONCE);
        assertThat(f.runs()).containsExactly(DUE);
        // the missed times are not fired again: the schedule is back on time
        assertThat(rules.next(DUE, DAILY_6)).contains(at("2026-06-11T06:00:00Z"));
    }

    @Test
    void should_skip_five_missed_days_with_skip_and_say_which_firing_and_why() {
        clock.set(at("2026-06-10T12:00:00Z"));
        Firing f = rules.judge(DUE, DAILY_6, OnMissed.SKIP, 3);
        assertThat(f.kind()).isEqualTo(Firing.Kind.SKIP);
        assertThat(f.runs()).isEmpty();
        assertThat(f.reason()).isEqualTo("missed the firing at 2026-06-05T06:00:00Z while no daemon ran (on_missed = skip)");
        assertThat(rules.next(DUE, DAILY_6)).contains(at("2026-06-11T06:00:00Z"));
    }

    @Test
    void should_catch_up_the_latest_catch_up_max_of_six_missed_days_with_all() {
        clock.set(at("2026-06-10T12:00:00Z")); // due 06-05 .. 06-10 at 06:00: six firings missed
        Firing three = rules.judge(DUE, DAILY_6, OnMissed.ALL, 3);
        assertThat(three.kind()).isEqualTo(Firing.Kind.CATCH_UP);
        assertThat(three.runs()).containsExactly(at("2026-06-08T06:00:00Z"), at("2026-06-09T06:00:00Z"),
                at("2026-06-10T06:00:00Z"));
        assertThat(three.missed()).isEqualTo(6);
        assertThat(rules.judge(DUE, DAILY_6, OnMissed.ALL, 1).runs()).containsExactly(at("2026-06-10T06:00:00Z"));

        Firing all = rules.judge(DUE, DAILY_6, OnMissed.ALL, 24);
        assertThat(all.missed()).isEqualTo(6);
        assertThat(all.runs()).containsExactlyElementsOf(IntStream.range(0, 6).mapToObj(i -> DUE.plus(Duration.ofDays(i))).toList());
        assertThat(rules.next(DUE, DAILY_6)).contains(at("2026-06-11T06:00:00Z"));
    }

    @Test
    void should_catch_up_one_run_for_a_firing_just_past_missed_after_with_no_other_time_missed() {
        clock.set(DUE.plus(Duration.ofMinutes(2)));
        Firing f = rules.judge(DUE, DAILY_6, OnMissed.ALL, 24);
        assertThat(f.runs()).containsExactly(DUE);
        assertThat(f.missed()).isEqualTo(1);
    }

    @Test
    void should_catch_up_each_missed_day_once_across_the_spring_jump_on_the_wall_clock() {
        CronSchedule at0230 = new CronSchedule("0 30 2 * * ?", BERLIN); // 2026-03-29: 02:00 CET -> 03:00 CEST
        clock.set(at("2026-03-31T12:00:00Z"));
        Firing f = rules.judge(at("2026-03-27T01:30:00Z"), at0230, OnMissed.ALL, 24);
        assertThat(f.runs()).containsExactly(at("2026-03-27T01:30:00Z"), at("2026-03-28T01:30:00Z"),
                at("2026-03-29T01:30:00Z") /* 03:30 CEST, right after the jump */,
                at("2026-03-30T00:30:00Z"), at("2026-03-31T00:30:00Z"));
    }

    @Test
    void should_catch_up_an_hourly_schedule_by_real_hours_over_the_25_hour_autumn_day() {
        CronSchedule hourly = new CronSchedule("0 0 * * * ?", BERLIN); // 2026-10-25 has 25 hours in Berlin
        Instant midnight = at("2026-10-24T22:00:00Z"); // 00:00 CEST
        clock.set(at("2026-10-25T22:30:00Z")); // 23:30 CET
        List<Instant> runs = rules.judge(midnight, hourly, OnMissed.ALL, 1000).runs();
        assertThat(runs).hasSize(25).doesNotHaveDuplicates();
        assertThat(runs).containsExactlyElementsOf(IntStream.range(0, 25).mapToObj(i -> midnight.plus(Duration.ofHours(i))).toList());
    }

    @Test
    void should_have_no_next_time_for_an_expression_that_never_fires_again() {
        CronSchedule past = new CronSchedule("0 0 6 1 1 ? 2020", ZoneOffset.UTC);
        assertThat(rules.next(at("2020-01-01T06:00:00Z"), past)).isEmpty();
    }
}
