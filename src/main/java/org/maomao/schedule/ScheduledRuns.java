package org.maomao.schedule;

import java.time.Instant;

import org.maomao.collector.Collector;
import org.maomao.run.RunExecutor;

/** Where a schedule's firings put their runs; the daemon's {@link RunExecutor}, or a recorder in a test. */
public interface ScheduledRuns {
    /** A firing's run; the collector's {@code overlap} applies (it may record a skipped run instead). */
    void submit(String collector, String dataset, String scheduleId);

    /** As {@link #submit(String, String, String)}, for the fire time {@code fireTime} (kept in the run's events). */
    default void submit(String collector, String dataset, String scheduleId, Instant fireTime) {
        submit(collector, dataset, scheduleId);
    }

    /** One run for a missed firing being caught up; {@code overlap} does not skip it (it would skip all but one). */
    void catchUp(String collector, String dataset, String scheduleId);

    /** Records the firing as a skipped run with {@code reason}. */
    void skip(Collector collector, String dataset, String scheduleId, String reason);

    /** The runs of the daemon's executor. */
    static ScheduledRuns of(RunExecutor executor) {
        return new ScheduledRuns() {
            @Override
            public void submit(String collector, String dataset, String scheduleId) {
                executor.submitScheduled(collector, dataset, scheduleId);
            }

            @Override
            public void submit(String collector, String dataset, String scheduleId, Instant fireTime) {
                executor.submitScheduled(collector, dataset, scheduleId, fireTime);
            }

            @Override
            public void catchUp(String collector, String dataset, String scheduleId) {
                executor.submit(collector, dataset, "schedule", scheduleId);
            }

            @Override
            public void skip(Collector collector, String dataset, String scheduleId, String reason) {
                executor.skip(collector, dataset, scheduleId, reason);
            }
        };
    }
}
