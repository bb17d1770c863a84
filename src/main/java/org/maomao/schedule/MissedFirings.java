package org.maomao.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import org.maomao.collector.RunPolicy.OnMissed;

/**
 * The scheduler's decisions about time, without Quartz or a store: whether a firing is on
 * time or missed, what a missed one does by the collector's {@code on_missed}, and when the
 * schedule fires next. Quartz keeps only a one-shot trigger that never applies its own
 * misfire rule (see {@link QuartzRunScheduler}), so a firing that comes late, because no
 * daemon ran or the schedule was paused, is judged here when it finally runs.
 */
public final class MissedFirings {
    /** A firing later than this after its time counts as missed (the daemon was down or paused). */
    public static final Duration MISSED_AFTER = Duration.ofMinutes(1);

    private final Clock clock;

    public MissedFirings(Clock clock) {
        this.clock = clock;
    }

    /** What the firing due at {@code scheduled} does now. */
    public Firing judge(Instant scheduled, CronSchedule cron, OnMissed onMissed, int catchUpMax) {
        Instant now = clock.instant();
        if (Duration.between(scheduled, now).compareTo(MISSED_AFTER) <= 0) {
            return new Firing(Firing.Kind.ON_TIME, scheduled, List.of(scheduled), 0);
        }
        return switch (onMissed) {
            case RUN_ONCE -> new Firing(Firing.Kind.RUN_ONCE, scheduled, List.of(scheduled), 1);
            case SKIP -> new Firing(Firing.Kind.SKIP, scheduled, List.of(), 1);
            case ALL -> {
                // every fire time from scheduled up to now was missed; the latest catch_up_max get a run
                Deque<Instant> latest = new ArrayDeque<>(List.of(scheduled));
                int missed = 1;
                for (Optional<Instant> t = cron.next(scheduled); t.isPresent() && !t.get().isAfter(now); t = cron.next(t.get())) {
                    missed++;
                    latest.addLast(t.get());
                    if (latest.size() > catchUpMax) {
                        latest.removeFirst();
                    }
                }
                yield new Firing(Firing.Kind.CATCH_UP, scheduled, List.copyOf(latest), missed);
            }
        };
    }

    /**
     * When the schedule fires after the firing due at {@code scheduled}: its first time after now (missed
     * times are never fired again, {@link #judge} accounted for them), or after {@code scheduled} if Quartz
     * fired early. Empty when the expression never fires again.
     */
    public Optional<Instant> next(Instant scheduled, CronSchedule cron) {
        Instant now = clock.instant();
        return cron.next(now.isAfter(scheduled) ? now : scheduled);
    }
}
