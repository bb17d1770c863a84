package org.maomao.run;

import java.time.Instant;

/**
 * One run of a collector: every attempt of it, its state, and where its output went.
 *
 * @param trigger  {@code manual}, {@code schedule} or {@code startup}
 * @param result   the JSON of the collector's {@code ::result} line, if it printed one
 * @param commit   the dataset commit the run made, if any
 */
public record Run(String id, String collector, String dataset, String image, String trigger, String scheduleId,
                  RunState state, int attempt, int maxAttempts, Integer exitCode, String message, Integer progress,
                  String result, String commit, Instant createdAt, Instant startedAt, Instant finishedAt,
                  Instant nextRetryAt) {

    /** A new queued run. */
    public static Run queued(String id, String collector, String dataset, String image, String trigger,
                             String scheduleId, int maxAttempts, Instant now) {
        return new Run(id, collector, dataset, image, trigger, scheduleId, RunState.QUEUED, 0, maxAttempts,
                null, null, null, null, null, now, null, null, null);
    }

    /** This run in {@code next}, checked against the state table. */
    public Run moveTo(RunState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("run " + id + " cannot move from " + state.id() + " to " + next.id());
        }
        return new Run(id, collector, dataset, image, trigger, scheduleId, next, attempt, maxAttempts, exitCode,
                message, progress, result, commit, createdAt, startedAt, finishedAt, nextRetryAt);
    }

    public Run withAttempt(int attempt, Instant startedAt) {
        return new Run(id, collector, dataset, image, trigger, scheduleId, state, attempt, maxAttempts, null,
                null, null, result, commit, createdAt, startedAt, null, null);
    }

    public Run withOutcome(Integer exitCode, String message, Instant finishedAt) {
        return new Run(id, collector, dataset, image, trigger, scheduleId, state, attempt, maxAttempts, exitCode,
                message, progress, result, commit, createdAt, startedAt, finishedAt, nextRetryAt);
    }

    public Run withProgress(Integer progress) {
        return new Run(id, collector, dataset, image, trigger, scheduleId, state, attempt, maxAttempts, exitCode,
                message, progress, result, commit, createdAt, startedAt, finishedAt, nextRetryAt);
    }

    public Run withResult(String result) {
        return new Run(id, collector, dataset, image, trigger, scheduleId, state, attempt, maxAttempts, exitCode,
                message, progress, result, commit, createdAt, startedAt, finishedAt, nextRetryAt);
    }

    public Run withCommit(String commit) {
        return new Run(id, collector, dataset, image, trigger, scheduleId, state, attempt, maxAttempts, exitCode,
                message, progress, result, commit, createdAt, startedAt, finishedAt, nextRetryAt);
    }

    public Run withNextRetryAt(Instant nextRetryAt) {
        return new Run(id, collector, dataset, image, trigger, scheduleId, state, attempt, maxAttempts, exitCode,
                message, progress, result, commit, createdAt, startedAt, finishedAt, nextRetryAt);
    }
}
