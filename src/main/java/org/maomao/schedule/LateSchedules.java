package org.maomao.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.maomao.run.AlertNotifier;
import org.maomao.run.CollectionAlert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices schedules that stopped firing: a schedule, not paused, whose next fire time passed
 * more than {@code late_after} ago (its trigger is stuck, in error, or gone) is late. Each
 * schedule that becomes late raises one alert, and one more when it fires again; the late
 * ones are listed for {@code /health} and the status page. Checked every quarter of
 * {@code late_after} (between 1 and 30 seconds).
 */
public final class LateSchedules implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LateSchedules.class);

    private final Supplier<List<Schedule>> schedules;
    private final Clock clock;
    private final Duration lateAfter;
    private final AlertNotifier alerts;
    /** Late schedules by id, as last seen. */
    private final Map<String, Schedule> late = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    public LateSchedules(Supplier<List<Schedule>> schedules, Clock clock, Duration lateAfter, AlertNotifier alerts) {
        this.schedules = schedules;
        this.clock = clock;
        this.lateAfter = lateAfter;
        this.alerts = alerts;
    }

    /** Starts checking in the background. */
    public synchronized LateSchedules start() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "late-schedules");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(1_000, Math.min(30_000, lateAfter.toMillis() / 4));
            timer.scheduleWithFixedDelay(this::checkQuietly, every, every, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** The schedules late at the last check, by id. */
    public List<Schedule> late() {
        return late.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    }

    /** Whether {@code s} is late now: not paused, and its fire time (if any) passed more than {@code late_after} ago. */
    boolean isLate(Schedule s, Instant now) {
        if (s.paused()) {
            return false;
        }
        // no next fire time: the trigger is gone, and a schedule without one never fires
        return s.nextFireTimes().isEmpty() || s.nextFireTimes().get(0).plus(lateAfter).isBefore(now);
    }

    /** Looks at every schedule now; raises and returns the alerts of those that became late or fire again. */
    public List<CollectionAlert> check() {
        Instant now = clock.instant();
        List<Schedule> all = schedules.get();
        Set<String> known = all.stream().map(Schedule::id).collect(Collectors.toSet());
        List<CollectionAlert> raised = new ArrayList<>();
        for (Schedule s : all) {
            boolean isLate = isLate(s, now);
            boolean wasLate = late.containsKey(s.id());
            if (isLate) {
                late.put(s.id(), s);
            } else {
                late.remove(s.id());
            }
            if (isLate && !wasLate) {
                String due = s.nextFireTimes().isEmpty() ? "it has no next fire time"
                        : "it was due at " + s.nextFireTimes().get(0) + " and has not fired";
                raised.add(new CollectionAlert(CollectionAlert.Kind.LATE, s.collector(), s.dataset(), 0, null,
                        "schedule " + s.id() + " is late: " + due + " (late_after " + lateAfter + ")", now));
            } else if (!isLate && wasLate && !s.paused()) {
                raised.add(new CollectionAlert(CollectionAlert.Kind.ON_TIME, s.collector(), s.dataset(), 0, null,
                        "schedule " + s.id() + " fires again; next at " + s.nextFireTimes().get(0), now));
            }
        }
        late.keySet().retainAll(known); // a removed schedule is no longer late
        for (CollectionAlert a : raised) {
            if (a.kind() == CollectionAlert.Kind.LATE) {
                log.warn("collection alert: {}", a.message());
            } else {
                log.info("collection recovered: {}", a.message());
            }
            alerts.alert(a);
        }
        return raised;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("cannot check the schedules for lateness: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
