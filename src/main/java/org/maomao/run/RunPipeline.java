package org.maomao.run;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.maomao.collector.RunPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a run, in order. Each step is its own class; every step leaves an event.
 * <ol>
 *   <li>{@link Admission}: the collector is still there and allowed; with {@code overlap = queue}
 *       a scheduled run waits for the one running into the same dataset.</li>
 *   <li>Claim: {@code queued → running} by compare-and-set (a cancel or another member may have come first),
 *       with this member and a new fence; event {@code started}. Every later write of the attempt is fenced
 *       (see {@link RunStore#update}): an attempt that lost its run changes nothing and is dropped.</li>
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
    /** This daemon's member id in cluster mode; null for a lone daemon. */
    private volatile String member;

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

    void setMember(String member) {
        this.member = member;
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
        Run running = queued.moveTo(RunState.RUNNING).withAttempt(queued.attempt() + 1, clock.instant())
                .withOwner(member, UUID.randomUUID().toString());
        if (!store.claim(running, ticket.serial())) {
            return List.of(); // cancelled, claimed by another member, or waiting for a run of its key elsewhere
        }
        active.claimed(running.id(), running.fence());
        if (ticket.refusal() != null) {
            endings.end(running, RunState.FAILED, null, ticket.refusal()); // no container is created
            return List.of();
        }
        Map<String, Object> started = new LinkedHashMap<>();
        started.put("attempt", running.attempt());
        started.put("image", running.image());
        if (running.member() != null) {
            started.put("member", running.member());
        }
        if (!store.update(running, RunState.RUNNING, "started", EventJson.of(started))) {
            drop(running, "before its container started");
            return List.of();
        }
        RunPolicy policy = ticket.policy();
        Attempt.Result tried = attempt.run(running, policy, cancellation);
        active.containerEnded(running.id());
        Run r = tried.run();
        if (!owns(running)) {
            drop(running, "after its container ended");
            return List.of();
        }
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

    /** Whether the attempt of {@code running} still owns its run: running under its fence, not lost. */
    private boolean owns(Run running) {
        if (active.isLost(running.id())) {
            return false;
        }
        Run now = store.find(running.id()).orElse(null);
        return now != null && now.state() == RunState.RUNNING && Objects.equals(now.fence(), running.fence());
    }

    /** The attempt lost its run (another member took it over, or it was ended elsewhere): nothing more is written. */
    private void drop(Run running, String when) {
        Run now = store.find(running.id()).orElse(null);
        log.warn("run {} of {}: attempt {} on this member lost the run {} (it is now {}{}); its container is stopped "
                        + "and it neither ends nor commits the run", running.id(), running.collector(), running.attempt(),
                when, now == null ? "deleted" : now.state().id(),
                now == null || now.member() == null ? "" : " with member " + now.member());
    }
}
