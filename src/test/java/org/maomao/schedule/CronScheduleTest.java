package org.maomao.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.maomao.schedule.Frequency;

class CronScheduleTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    static List<LocalDate> days(List<Instant> times) {
        return times.stream().map(t -> LocalDate.ofInstant(t, BERLIN)).toList();
    }

    @Test
    void should_fire_a_daily_run_in_the_skipped_hour_once_right_after_the_jump() {
        CronSchedule s = new CronSchedule("0 37 2 * * ?", BERLIN); // 2026-03-29 02:00 → 03:00 in Berlin
        List<Instant> t = s.next(Instant.parse("2026-03-27T12:00:00Z"), 5);
        assertThat(days(t)).containsExactly(LocalDate.parse("2026-03-28"), LocalDate.parse("2026-03-29"),
                LocalDate.parse("2026-03-30"), LocalDate.parse("2026-03-31"), LocalDate.parse("2026-04-01"));
        assertThat(t.get(1)).isEqualTo(Instant.parse("2026-03-29T01:37:00Z")); // 03:37 CEST
    }

    @Test
    void should_fire_a_daily_run_in_the_repeated_hour_once() {
        CronSchedule s = new CronSchedule("0 37 2 * * ?", BERLIN); // 2026-10-25 03:00 → 02:00 in Berlin
        List<Instant> t = s.next(Instant.parse("2026-10-23T12:00:00Z"), 5);
        assertThat(days(t)).doesNotHaveDuplicates().hasSize(5).contains(LocalDate.parse("2026-10-25"));
        assertThat(t.get(1)).isEqualTo(Instant.parse("2026-10-25T00:37:00Z")); // the first 02:37, CEST
    }

    @Test
    void should_keep_every_named_daily_schedule_to_one_run_per_day_across_both_changes() {
        for (int i = 0; i < 200; i++) {
            Frequency f = Frequency.parse("daily", "collector-" + i);
            CronSchedule s = new CronSchedule(f.quartzCron(), BERLIN);
            for (String from : new String[] {"2026-03-25T00:00:00Z", "2026-10-21T00:00:00Z"}) {
                List<LocalDate> d = days(s.next(Instant.parse(from), 10));
                Set<LocalDate> distinct = d.stream().collect(Collectors.toSet());
                assertThat(distinct).as(f.quartzCron()).hasSize(10);
                assertThat(d.get(9)).isEqualTo(d.get(0).plusDays(9));
            }
        }
    }

    @Test
    void should_follow_real_time_for_hourly_schedules() {
        CronSchedule s = new CronSchedule("0 15 * * * ?", BERLIN);
        List<Instant> fall = s.next(Instant.parse("2026-10-24T23:30:00Z"), 4);
        assertThat(fall).containsExactly(Instant.parse("2026-10-25T00:15:00Z"), Instant.parse("2026-10-25T01:15:00Z"),
                Instant.parse("2026-10-25T02:15:00Z"), Instant.parse("2026-10-25T03:15:00Z"));
        List<Instant> spring = s.next(Instant.parse("2026-03-28T23:30:00Z"), 3);
        assertThat(spring).containsExactly(Instant.parse("2026-03-29T00:15:00Z"), Instant.parse("2026-03-29T01:15:00Z"),
                Instant.parse("2026-03-29T02:15:00Z"));
    }

    @Test
    void should_list_the_missed_times_up_to_a_limit() {
        CronSchedule s = new CronSchedule("0 0 6 * * ?", ZoneId.of("UTC"));
        assertThat(s.between(Instant.parse("2026-01-01T07:00:00Z"), Instant.parse("2026-01-11T07:00:00Z"), 100)).hasSize(10);
        assertThat(s.between(Instant.parse("2026-01-01T07:00:00Z"), Instant.parse("2026-01-11T07:00:00Z"), 3))
                .containsExactly(Instant.parse("2026-01-09T06:00:00Z"), Instant.parse("2026-01-10T06:00:00Z"),
                        Instant.parse("2026-01-11T06:00:00Z"));
    }
}
