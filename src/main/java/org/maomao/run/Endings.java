package org.maomao.run;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a run ends: its final state stored by compare-and-set (a cancel and a finishing run
 * cannot both win), counted in the metrics, the {@code finished} event, the waiters of
 * {@link #awaitEnd} woken, and old runs pruned.
 */
final class Endings {
    private static final Logger log = LoggerFactory.getLogger(Endings.class);

    private final RunStore store;
    private final Clock clock;
    private final RunMetrics metrics;
    private final Retention retention;
    private final FailureStreaks streaks;
    /** Notified whenever a run ends. */
    private final Object ended = new Object();
    /** Told of each run that ends here, in any final state (etcd, watchers). */
    private final List<RunEndNotifier> notifiers = new CopyOnWriteArrayList<>();

    Endings(RunStore store, Clock clock, RunMetrics metrics, Retention retention, FailureStreaks streaks) {
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
        this.retention = retention;
        this.streaks = streaks;
    }

    /** Ends {@code r} in {@code state}, unless another actor moved it first. */
    void end(Run r, RunState state, Integer exitCode, String message) {
        Run done = r.moveTo(state).withOutcome(exitCode, message, clock.instant());
        if (!store.update(done, r.state(), "finished", finishedEvent(done))) {
            return;
        }
        // counted before waiters hear of the end, so a client told "ended" finds it in /metrics
        metrics.ended(done, done.startedAt() == null ? Duration.ZERO : Duration.between(done.startedAt(), done.finishedAt()));
        wakeWaiters();
        announce(done);
        streaks.ended(done);
        retention.prune(done.collector());
        if (state == RunState.SUCCEEDED) {
            log.info("run {} of {} succeeded{}", r.id(), r.collector(),
                    done.commit() == null ? "" : " (commit " + done.commit() + ")");
        } else {
            log.warn("run {} of {} ended {}: {}", r.id(), r.collector(), state.id(), message);
        }
    }

    /**
     * Ends {@code r}, which is in {@code from} and has no container (a cancel of a queued or
     * retrying run): the state and its {@code finished} event in one write. False if another
     * actor moved it first.
     */
    boolean endWithoutAttempt(Run r, RunState from, RunState state, String message) {
        Run done = r.moveTo(state).withOutcome(null, message, clock.instant());
        if (!store.update(done, from, "finished", finishedEvent(done))) {
            return false;
        }
        wakeWaiters();
        announce(done);
        return true;
    }

    void addNotifier(RunEndNotifier n) {
        notifiers.add(n);
    }

    /** Applies {@code keep_runs} to {@code collector}'s history (each end does; a skipped firing, which ends no run, too). */
    void prune(String collector) {
        retention.prune(collector);
    }

    /** Tells every receiver that {@code done} ended; one that fails does not stop the others or the run. */
    void announce(Run done) {
        for (RunEndNotifier n : notifiers) {
            try {
                n.ended(done);
            } catch (RuntimeException e) {
                log.warn("run end receiver {} failed: {}", n.getClass().getSimpleName(), e.getMessage());
            }
        }
    }

    /** The payload of the {@code finished} event, stored with the final state. */
    private static String finishedEvent(Run done) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("state", done.state().id());
        p.put("exit_code", done.exitCode());
        p.put("message", done.message());
        return EventJson.of(p);
    }

    void wakeWaiters() {
        synchronized (ended) {
            ended.notifyAll();
        }
    }

    /** Blocks until the run has ended or {@code max} has passed, and returns it as it is then. */
    Optional<Run> awaitEnd(String runId, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (ended) {
            while (true) {
                Optional<Run> r = store.find(runId);
                long left = deadline - System.nanoTime();
                if (r.isEmpty() || r.get().state().isFinal() || left <= 0) {
                    return r;
                }
                // woken by an end here; a run another member ends is seen at the next look, within a second
                TimeUnit.NANOSECONDS.timedWait(ended, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
        }
    }
}
