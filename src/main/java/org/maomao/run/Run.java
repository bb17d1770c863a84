package org.maomao.run;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * One run of a collector: every attempt of it, its state, and where its output went.
 *
 * @param trigger  {@code manual}, {@code schedule} or {@code startup}
 * @param result   the JSON of the collector's {@code ::result} line, if it printed one
 * @param commit   the dataset commit the run made, if any
 * @param member   the cluster member that runs (or ran) its current (or last) attempt; null for a lone daemon
 * @param fence    the token of its current attempt, drawn when the attempt claimed it: a write of the running
 *                 run counts only while the stored fence is still this one (see {@link RunStore#update})
 */
public record Run(String id, String collector, String dataset, String image, String trigger, String scheduleId,
                  RunState state, int attempt, int maxAttempts, Integer exitCode, String message, Integer progress,
                  String result, String commit, Instant createdAt, Instant startedAt, Instant finishedAt,
                  Instant nextRetryAt, String member, String fence) {

    /** A run without an owner (as stored before an attempt claims it). */
    public Run(String id, String collector, String dataset, String image, String trigger, String scheduleId,
               RunState state, int attempt, int maxAttempts, Integer exitCode, String message, Integer progress,
               String result, String commit, Instant createdAt, Instant startedAt, Instant finishedAt,
               Instant nextRetryAt) {
        this(id, collector, dataset, image, trigger, scheduleId, state, attempt, maxAttempts, exitCode, message,
                progress, result, commit, createdAt, startedAt, finishedAt, nextRetryAt, null, null);
    }

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
        return copy(c -> c.state = next);
    }

    /** A new attempt: its number and start; the last attempt's outcome, progress and retry time are cleared. */
    public Run withAttempt(int attempt, Instant startedAt) {
        return copy(c -> {
            c.attempt = attempt;
            c.startedAt = startedAt;
            c.exitCode = null;
            c.message = null;
            c.progress = null;
            c.finishedAt = null;
            c.nextRetryAt = null;
        });
    }

    /** This run owned by {@code member} (null: a lone daemon) under the attempt's {@code fence}. */
    public Run withOwner(String member, String fence) {
        return copy(c -> {
            c.member = member;
            c.fence = fence;
        });
    }

    public Run withOutcome(Integer exitCode, String message, Instant finishedAt) {
        return copy(c -> {
            c.exitCode = exitCode;
            c.message = message;
            c.finishedAt = finishedAt;
        });
    }

    public Run withProgress(Integer progress) {
        return copy(c -> c.progress = progress);
    }

    public Run withResult(String result) {
        return copy(c -> c.result = result);
    }

    public Run withCommit(String commit) {
        return copy(c -> c.commit = commit);
    }

    public Run withNextRetryAt(Instant nextRetryAt) {
        return copy(c -> c.nextRetryAt = nextRetryAt);
    }

    /** This run with {@code change} applied to a copy of its fields: the one place the constructor is repeated. */
    private Run copy(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new Run(id, collector, dataset, image, trigger, scheduleId, f.state, f.attempt, maxAttempts, f.exitCode,
                f.message, f.progress, f.result, f.commit, createdAt, f.startedAt, f.finishedAt, f.nextRetryAt, f.member,
                f.fence);
    }

    /** The fields a run changes over its life (its identity and creation never change). */
    private static final class Fields {
        RunState state;
        int attempt;
        Integer exitCode;
        String message;
        Integer progress;
        String result;
        String commit;
        Instant startedAt;
        Instant finishedAt;
        Instant nextRetryAt;
        String member;
        String fence;

        Fields(Run r) {
            state = r.state;
            attempt = r.attempt;
            exitCode = r.exitCode;
            message = r.message;
            progress = r.progress;
            result = r.result;
            commit = r.commit;
            startedAt = r.startedAt;
            finishedAt = r.finishedAt;
            nextRetryAt = r.nextRetryAt;
            member = r.member;
            fence = r.fence;
        }
    }
}
