package org.maomao.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.maomao.run.CollectionAlert;
import org.maomao.testing.MutableClock;

/** A schedule that stops firing is late after late_after: one alert, listed until it fires again, then one more. */
class LateSchedulesTest {
    static final Instant DUE = Instant.parse("2026-03-01T10:00:00Z");
    final MutableClock clock = new MutableClock(DUE);
    final List<Schedule> schedules = new ArrayList<>();
    final List<CollectionAlert> sent = new ArrayList<>();
    final LateSchedules late = new LateSchedules(() -> List.copyOf(schedules), clock, Duration.ofMinutes(5), sent::add);

    @Test
    void should_alert_once_when_a_schedule_passes_its_time_by_late_after_and_once_when_it_fires_again() {
        schedules.add(schedule("loadavg", "host", false, DUE));
        clock.set(DUE.plus(Duration.ofMinutes(5)));
        assertThat(late.check()).as("exactly late_after past its time: not yet late").isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(late.check()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(CollectionAlert.Kind.LATE);
            assertThat(a.view()).containsEntry("alert", "late").containsEntry("schedule", "loadavg@host");
            assertThat(a.message()).contains("was due at 2026-03-01T10:00:00Z", "late_after PT5M");
        });
        assertThat(late.late()).extracting(Schedule::id).containsExactly("loadavg@host");
        clock.advance(Duration.ofHours(1));
        assertThat(late.check()).as("still late: said once").isEmpty();
        assertThat(sent).hasSize(1);

        // it fired: its next time is ahead again
        schedules.set(0, schedule("loadavg", "host", false, clock.instant().plus(Duration.ofMinutes(5))));
        assertThat(late.check()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(CollectionAlert.Kind.ON_TIME);
            assertThat(a.view()).containsEntry("alert", "on_time");
        });
        assertThat(late.late()).isEmpty();
        assertThat(late.check()).isEmpty();
        assertThat(sent).hasSize(2);
    }

    @Test
    void should_call_a_schedule_without_a_trigger_late_and_a_paused_or_removed_one_not() {
        schedules.add(schedule("gone", "d", false, null));
        schedules.add(schedule("paused", "d", true, DUE.minus(Duration.ofDays(3))));
        assertThat(late.check()).extracting(a -> a.collector()).containsExactly("gone");
        assertThat(late.late()).extracting(Schedule::id).containsExactly("gone@d");
        schedules.clear();
        assertThat(late.check()).as("removed: no longer late, and no 'on time' either").isEmpty();
        assertThat(late.late()).isEmpty();
    }

    private static Schedule schedule(String collector, String dataset, boolean paused, Instant next) {
        return new Schedule(Schedule.idOf(collector, dataset), collector, dataset, "*/5 * * * *", "0 0/5 * * * ?", "UTC",
                "file", paused, next == null ? List.of() : List.of(next));
    }
}
