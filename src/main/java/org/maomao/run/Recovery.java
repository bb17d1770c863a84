package org.maomao.run;

import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.maomao.collector.Names;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the runs a previous daemon process left to a proper state. A run that was running
 * either committed just before the stop (then it succeeded, with that commit, and its rows
 * are analysed unless that was done too) or lost its attempt (retried by its policy). Its
 * containers are removed; queued runs are queued again. Retrying runs need nothing here:
 * they are in the store with their time, and the {@link RetryTimer} takes them.
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final RunStore store;
    private final DatasetWriter datasets;
    private final ContainerRunner runner;
    private final Analysis analysis;
    private final FailureHandler failures;
    private final Endings endings;
    private final Clock clock;
    private final Consumer<String> enqueue;
    /** The event a cancel of a running run stores before it is answered. */
    static final String CANCEL_REQUESTED = "cancel_requested";
    /** Where each run's folder is (its output and input snapshot, which an ended run no longer needs). */
    private final Path runsDir;

    Recovery(RunStore store, DatasetWriter datasets, ContainerRunner runner, Analysis analysis, FailureHandler failures,
             Endings endings, Clock clock, Consumer<String> enqueue, Path runsDir) {
        this.store = store;
        this.datasets = datasets;
        this.runner = runner;
        this.analysis = analysis;
        this.failures = failures;
        this.endings = endings;
        this.clock = clock;
        this.enqueue = enqueue;
        this.runsDir = runsDir;
    }

    void recover() {
        recover(r -> true);
    }

    /**
     * As {@link #recover()} for the running runs {@code ours} accepts (in cluster mode: this member's
     * from its last start, and those of members that are gone; the others run elsewhere).
     */
    void recover(java.util.function.Predicate<Run> ours) {
        for (Run r : store.findByStates(EnumSet.of(RunState.RUNNING))) {
            if (ours.test(r)) {
                recoverRunning(r, "the daemon stopped during attempt " + r.attempt());
            }
        }
        int removed = runner.removeLeftovers(Set.of());
        if (removed > 0) {
            log.info("removed {} container(s) left by an earlier daemon", removed);
        }
        for (Run r : store.findByStates(EnumSet.of(RunState.QUEUED))) {
            enqueue.accept(r.id());
        }
    }

    /**
     * A run whose attempt nobody runs any more (its daemon stopped, or its member is gone): it
     * ends with the commit it made, or its attempt counts as failed and is retried by its policy.
     * Every write is fenced by the attempt read, so of two daemons recovering it, one does.
     */
    void recoverRunning(Run r, String msg) {
        if (endIfCommitted(r)) {
            return;
        }
        // the attempt's output was never committed, and the next attempt starts from an empty one; a run into
        // no dataset keeps it, as its output is what it delivers
        removeAttemptFolders(r, !Names.NO_DATASET.equals(r.dataset()));
        if (store.events(r.id()).stream().anyMatch(e -> CANCEL_REQUESTED.equals(e.type()))) {
            // the operator's cancel was answered before the daemon stopped: it holds, and the run is not retried
            log.warn("run {} of {}: cancelled before the daemon stopped; it stays cancelled", r.id(), r.collector());
            endings.end(r, RunState.CANCELLED, null, "cancelled (the daemon stopped before its container did)");
            return;
        }
        log.warn("run {} of {}: {}", r.id(), r.collector(), msg);
        failures.onFailure(r.withOutcome(null, msg, clock.instant()), RunState.FAILED, msg, true);
    }

    /**
     * A run that was running when the daemon stopped may have committed its output just
     * before: then it succeeded, and running it again would commit twice. Ends it with
     * that commit and returns true.
     */
    private boolean endIfCommitted(Run r) {
        if (Names.NO_DATASET.equals(r.dataset())) {
            return false;
        }
        Optional<String> commit;
        try {
            commit = datasets.commitOf(r.dataset(), r.id(), r.createdAt());
        } catch (RuntimeException e) {
            log.warn("run {} of {}: cannot look for its commit in dataset {} ({}); retrying it, and its ingest "
                    + "checks again", r.id(), r.collector(), r.dataset(), e.getMessage());
            return false;
        }
        if (commit.isEmpty()) {
            return false;
        }
        log.warn("run {} of {} had committed {} to dataset {} before the daemon stopped; it succeeded",
                r.id(), r.collector(), commit.get(), r.dataset());
        // the pipeline may have stored its "committed" before the daemon stopped: the commit is not told twice
        boolean told = commit.get().equals(r.commit());
        boolean claimed = told ? store.update(r, RunState.RUNNING)
                : store.update(r.withCommit(commit.get()), RunState.RUNNING, "committed",
                        EventJson.of(Map.of("dataset", r.dataset(), "commit", commit.get(), "earlier", true)));
        if (!claimed) {
            return true; // another daemon recovered it first
        }
        try {
            analysis.analyse(r, commit.get(), datasets.tablesOf(r.dataset(), r.collector(), commit.get()), true);
        } catch (RuntimeException e) {
            log.warn("run {} of {}: the rows of commit {} were not analysed: {}", r.id(), r.collector(), commit.get(),
                    e.getMessage());
        }
        endings.end(r.withCommit(commit.get()), RunState.SUCCEEDED, 0, null);
        // the daemon stopped between the commit and the ingest's clean-up: the output is in the dataset now,
        // and would otherwise stay (up to max_output) until keep_runs removed the run
        removeAttemptFolders(r, true);
        return true;
    }

    /** Removes the input snapshot of {@code r}'s last attempt, and its output when {@code output}. */
    private void removeAttemptFolders(Run r, boolean output) {
        Path dir = runsDir.resolve(r.id());
        if (output) {
            FileTrees.delete(dir.resolve("output"));
        }
        FileTrees.delete(dir.resolve("input"));
    }
}
