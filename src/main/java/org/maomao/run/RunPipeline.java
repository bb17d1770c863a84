package org.maomao.run;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.maomao.collector.RunPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a run, in order. Each step is its own class; every step leaves an event.
 * <ol>
 *   <li>{@link Admission}: the collector is still there and allowed; with {@code overlap = queue}
 *       a scheduled run waits for the one running into the same dataset.</li>
 *   <li>Start: {@code queued → running} by compare-and-set (a cancel may have come first), event {@code started}.</li>
 *   <li>{@link Attempt}: the container with {@code /input}, {@code /output}, the environment and the log;
 *       {@code ::progress} and {@code ::result} lines stored as they come ({@link ControlLines}); event {@code exited}.</li>
 *   <li>{@link FailureHandler}, if the attempt failed: retry later ({@code retrying}, then the
 *       {@link RetryTimer} queues it again) or end.</li>
 *   <li>{@link Ingest}: output within its limits committed to the dataset; event {@code committed}.</li>
 *   <li>{@link Analysis}: the new rows through the spike detector; events {@code spike}, {@code analysed}.</li>
 *   <li>{@link Endings}: the final state, metrics, event {@code finished}, waiters woken, then
 *       {@link FailureStreaks} (collection alerts) and {@link Retention} (old runs pruned).</li>
 *   <li>{@link RunSeries}: the run's own figures (duration, rows, bytes, exit code) through the
 *       detector, after the end is stored.</li>
 * </ol>
 * Recovery after a crash ({@link Recovery}) re-enters these steps for the runs the crash interrupted.
 */
final class RunPipeline {
    private static final Logger log = LoggerFactory.getLogger(RunPipeline.class);

    private final RunStore store;
    private final Clock clock;
    private final ActiveRuns active;
    private final Admission admission;
    private final Attempt attempt;
    private final FailureHandler failures;
    private final Ingest ingest;
    private final Analysis analysis;
    private final Endings endings;
    private final RunMetrics metrics;
    private final RunSeries figures;

    RunPipeline(RunStore store, Clock clock, ActiveRuns active, Admission admission, Attempt attempt,
                FailureHandler failures, Ingest ingest, Analysis analysis, Endings endings, RunMetrics metrics,
                RunSeries figures) {
        this.figures = figures;
        this.store = store;
        this.clock = clock;
        this.active = active;
        this.admission = admission;
        this.attempt = attempt;
        this.failures = failures;
        this.ingest = ingest;
        this.analysis = analysis;
        this.endings = endings;
        this.metrics = metrics;
    }

    /** Executes the queued run {@code runId}; returns a run that waited for it to end (overlap = queue), to be queued next. */
    Optional<String> execute(String runId) {
        Run queued = store.find(runId).orElse(null);
        if (queued == null || queued.state() != RunState.QUEUED) {
            return Optional.empty(); // cancelled while it waited
        }
        Admission.Ticket ticket = admission.admit(queued);
        if (ticket.parked()) {
            return Optional.empty(); // handed back when the run ahead of it ends
        }
        Cancellation cancellation = active.add(runId);
        List<String> added = List.of();
        try {
            added = run(queued, ticket, cancellation);
        } finally {
            active.remove(runId);
        }
        figures.ended(runId, added);
        return admission.release(ticket);
    }

    /** Runs one attempt and what follows it; returns the rows it committed (for {@link RunSeries}). */
    private List<String> run(Run queued, Admission.Ticket ticket, Cancellation cancellation) {
        Run running = queued.moveTo(RunState.RUNNING).withAttempt(queued.attempt() + 1, clock.instant());
        if (!store.update(running, RunState.QUEUED)) {
            return List.of();
        }
        if (ticket.refusal() != null) {
            endings.end(running, RunState.FAILED, null, ticket.refusal()); // no container is created
            return List.of();
        }
        store.addEvent(running.id(), "started", EventJson.of(Map.of("attempt", running.attempt(), "image", running.image())));
        RunPolicy policy = ticket.policy();
        Attempt.Result tried = attempt.run(running, policy, cancellation);
        Run r = tried.run();
        if (tried.state() != RunState.SUCCEEDED) {
            failures.onFailure(r, tried.state(), r.message(), tried.retryable());
            return List.of();
        }
        try {
            Ingest.Ingested in = ingest.ingest(r, tried.output(), policy, tried.imageId());
            List<String> added = new ArrayList<>();
            if (in.tables() != null) {
                analysis.analyse(in.run(), in.commit(), in.tables(), in.earlier());
                in.tables().forEach(t -> added.addAll(t.rows()));
            }
            endings.end(in.run(), RunState.SUCCEEDED, 0, null);
            return added;
        } catch (DatasetWriter.IngestException e) {
            log.warn("run {} of {}: output not ingested: {}", r.id(), r.collector(), e.getMessage());
            metrics.error("git");
            endings.end(r, RunState.FAILED, 0, e.getMessage());
        } catch (RuntimeException e) {
            log.error("run {} of {} failed inside maomao", r.id(), r.collector(), e);
            endings.end(r, RunState.FAILED, null, "maomao failed to run it: " + e);
        }
        return List.of();
    }
}
