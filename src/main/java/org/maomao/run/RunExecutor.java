package org.maomao.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.maomao.collector.Collector;
import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.Names;
import org.maomao.collector.RunPolicy;
import org.maomao.spike.SeriesAnalyzer;
import org.maomao.spike.SeriesLimitException;
import org.maomao.spike.SpikeJson;
import org.maomao.spike.SpikeNotifier;
import org.maomao.spike.SpikeRecord;
import org.maomao.spike.TableRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The run pipeline: queue a run, start its container, stream its log, ingest its
 * output into the dataset, detect spikes in the new rows, and retry a failed attempt
 * by the collector's policy. Every step is stored as an event of the run.
 * At most {@code maxConcurrentRuns} containers run at once; the rest wait queued.
 */
public final class RunExecutor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Time for interrupted runs to stop their containers and store their state at shutdown. */
    private static final Duration DOCKER_STOP_ALLOWANCE = Duration.ofSeconds(15);
    /** The largest {@code ::result} JSON stored (its column holds 64 Ki characters); a bigger one is ignored. */
    static final int MAX_RESULT_BYTES = 64 << 10;

    private final RunStore store;
    private final CollectorRegistry registry;
    private final ContainerRunner runner;
    private final DatasetWriter datasets;
    private final SeriesAnalyzer analyzer;
    private final Path runsDir;
    private final Clock clock;
    private final ExecutorService pool;
    private final Map<String, Cancellation> active = new ConcurrentHashMap<>();
    /** Notified whenever a run ends, for {@link #awaitEnd}. */
    private final Object endings = new Object();
    /** Runs per collector@dataset executing in this process, and runs waiting for them (overlap = queue). */
    private final Map<String, Integer> busyKeys = new HashMap<>();
    private final Map<String, Deque<String>> waiting = new HashMap<>();
    private volatile RetryScheduler retries;
    private volatile RunMetrics metrics = RunMetrics.NONE;
    private final List<SpikeNotifier> notifiers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RunExecutor(RunStore store, CollectorRegistry registry, ContainerRunner runner, DatasetWriter datasets,
                       SeriesAnalyzer analyzer, Path runsDir, Clock clock, int maxConcurrentRuns) {
        this.store = store;
        this.registry = registry;
        this.runner = runner;
        this.datasets = datasets;
        this.analyzer = analyzer;
        this.runsDir = runsDir;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(maxConcurrentRuns, maxConcurrentRuns, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "run-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Reports runs, spikes and component errors (Prometheus). */
    public void setMetrics(RunMetrics metrics) {
        this.metrics = metrics;
    }

    /** Runs queued in this process, waiting for a free slot. */
    public int queueDepth() {
        return ((ThreadPoolExecutor) pool).getQueue().size();
    }

    /** Adds a receiver of every spike found in a run's new rows (webhook, etcd). */
    public void addSpikeNotifier(SpikeNotifier notifier) {
        notifiers.add(notifier);
    }

    /** Wires the persistent retry scheduler (it needs this executor, hence not a constructor argument). */
    public void setRetryScheduler(RetryScheduler retries) {
        this.retries = retries;
    }

    /**
     * Queues a run of {@code collectorName} into {@code dataset} (null: the collector's
     * own dataset). Validates first: an unknown collector or a bad dataset name stores nothing.
     */
    public Run submit(String collectorName, String dataset, String trigger, String scheduleId) {
        Collector c = registry.find(collectorName).orElseThrow(() -> new UnknownCollectorException(collectorName));
        String ds = dataset == null ? c.dataset() : Names.require("dataset", dataset);
        RunPolicy policy = c.policy(registry.defaults());
        Run run = Run.queued(UUID.randomUUID().toString(), c.name(), ds, c.image(), trigger, scheduleId,
                policy.retries() + 1, clock.instant());
        store.insert(run);
        store.addEvent(run.id(), "submitted", json(Map.of("trigger", trigger, "dataset", ds, "image", c.image())));
        log.info("run {} of {} queued (dataset {}, trigger {})", run.id(), c.name(), ds, trigger);
        enqueue(run.id());
        return run;
    }

    /**
     * Queues a scheduled firing, by the collector's overlap policy: with {@code skip}, a
     * firing while an earlier run of the collector into the dataset is still queued,
     * running or retrying is recorded as a skipped run with the reason.
     */
    public Run submitScheduled(String collectorName, String dataset, String scheduleId) {
        Collector c = registry.find(collectorName).orElseThrow(() -> new UnknownCollectorException(collectorName));
        RunPolicy policy = c.policy(registry.defaults());
        if (policy.overlap() == RunPolicy.Overlap.SKIP) {
            Run busy = activeRunOf(c.name(), dataset);
            if (busy != null) {
                return skip(c, dataset, scheduleId, "skipped: run " + busy.id() + " of " + c.name() + " into " + dataset
                        + " is still " + busy.state().id() + " (overlap = skip)");
            }
        }
        return submit(collectorName, dataset, "schedule", scheduleId);
    }

    /** Records a firing that does not run, as a run in state {@code skipped} with the reason. */
    public Run skip(Collector c, String dataset, String scheduleId, String reason) {
        Instant now = clock.instant();
        Run run = Run.queued(UUID.randomUUID().toString(), c.name(), dataset, c.image(), "schedule", scheduleId, 1, now)
                .moveTo(RunState.SKIPPED).withOutcome(null, reason, now);
        store.insert(run);
        store.addEvent(run.id(), "skipped", json(Map.of("reason", reason)));
        synchronized (endings) {
            endings.notifyAll();
        }
        log.info("schedule {}: {}", scheduleId, reason);
        return run;
    }

    private Run activeRunOf(String collector, String dataset) {
        for (Run r : store.findByStates(EnumSet.of(RunState.QUEUED, RunState.RUNNING, RunState.RETRYING))) {
            if (r.collector().equals(collector) && r.dataset().equals(dataset)) {
                return r;
            }
        }
        return null;
    }

    /** Puts a retrying run back into the queue; called when its retry time has come. */
    public void resume(String runId) {
        store.find(runId).filter(r -> r.state() == RunState.RETRYING).ifPresent(r -> {
            if (store.update(r.moveTo(RunState.QUEUED).withNextRetryAt(null), RunState.RETRYING)) {
                enqueue(runId);
            }
        });
    }

    /**
     * Cancels a queued, retrying or running run. Returns false if it had already
     * ended (or does not exist).
     */
    public boolean cancel(String runId) {
        Cancellation running = active.get(runId);
        if (running != null) {
            running.cancel();
            return true;
        }
        for (RunState from : List.of(RunState.QUEUED, RunState.RETRYING)) {
            var found = store.find(runId);
            if (found.isPresent() && found.get().state() == from) {
                Run done = found.get().moveTo(RunState.CANCELLED).withOutcome(null, "cancelled", clock.instant());
                if (store.update(done, from)) {
                    if (from == RunState.RETRYING && retries != null) {
                        retries.cancelRetry(runId);
                    }
                    finishedEvent(done);
                    return true;
                }
            }
        }
        Cancellation late = active.get(runId);
        if (late != null) {
            late.cancel();
            return true;
        }
        return false;
    }

    /**
     * Brings runs left over by a previous daemon process to a proper state: queued runs
     * are queued again; a run that was running lost its attempt (its container is
     * removed) and is retried by its policy. A retrying run keeps its persisted trigger,
     * or gets one again if the daemon stopped before it was stored.
     */
    public void recover() {
        Set<String> keep = new HashSet<>();
        for (Run r : store.findByStates(EnumSet.of(RunState.RUNNING))) {
            if (endIfCommitted(r)) {
                continue;
            }
            String msg = "the daemon stopped during attempt " + r.attempt();
            Run failed = r.withOutcome(null, msg, clock.instant());
            log.warn("run {} of {} was running when the daemon stopped", r.id(), r.collector());
            retryOrEnd(failed, RunState.FAILED, msg, true);
        }
        for (Run r : store.findByStates(EnumSet.of(RunState.RETRYING))) {
            if (!retries.hasRetry(r.id())) {
                Instant at = r.nextRetryAt() == null || r.nextRetryAt().isBefore(clock.instant()) ? clock.instant() : r.nextRetryAt();
                log.info("run {} of {}: its retry was not stored; retrying at {}", r.id(), r.collector(), at);
                retries.scheduleRetry(r.id(), at);
            }
        }
        int removed = runner.removeLeftovers(keep);
        if (removed > 0) {
            log.info("removed {} container(s) left by an earlier daemon", removed);
        }
        for (Run r : store.findByStates(EnumSet.of(RunState.QUEUED))) {
            enqueue(r.id());
        }
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
        java.util.Optional<String> commit;
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
        store.addEvent(r.id(), "committed", json(Map.of("dataset", r.dataset(), "commit", commit.get(), "earlier", true)));
        try {
            analyse(r, commit.get(), datasets.tablesOf(r.dataset(), r.collector(), commit.get()), true);
        } catch (RuntimeException e) {
            log.warn("run {} of {}: the rows of commit {} were not analysed: {}", r.id(), r.collector(), commit.get(),
                    e.getMessage());
        }
        end(r.withCommit(commit.get()), RunState.SUCCEEDED, 0, null);
        return true;
    }

    private void enqueue(String runId) {
        try {
            pool.execute(() -> {
                try {
                    execute(runId);
                } catch (RuntimeException e) {
                    log.error("run {} failed inside maomao", runId, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.info("run {} stays queued: the daemon is stopping; it starts at the next start", runId);
        }
    }

    private void execute(String runId) {
        Run queued = store.find(runId).orElse(null);
        if (queued == null || queued.state() != RunState.QUEUED) {
            return; // cancelled while it waited
        }
        Collector c = registry.find(queued.collector()).orElse(null);
        String key = queued.collector() + "@" + queued.dataset();
        RunPolicy policy = null;
        String refused = null;
        if (c != null) {
            try {
                policy = c.policy(registry.defaults());
                // the operator may have tightened allowed_images or [docker] since the collector was registered
                registry.checkRunnable(c, policy);
            } catch (IllegalArgumentException e) {
                refused = e.getMessage();
            }
        }
        boolean serial = policy != null && refused == null && "schedule".equals(queued.trigger())
                && policy.overlap() == RunPolicy.Overlap.QUEUE;
        synchronized (busyKeys) {
            if (serial && busyKeys.containsKey(key)) {
                // overlap = queue: wait for the running one; it hands this run back to the pool when it ends
                waiting.computeIfAbsent(key, k -> new ArrayDeque<>()).add(runId);
                return;
            }
            busyKeys.merge(key, 1, Integer::sum);
        }
        Cancellation cancellation = new Cancellation();
        active.put(runId, cancellation);
        try {
            int attempt = queued.attempt() + 1;
            Run running = queued.moveTo(RunState.RUNNING).withAttempt(attempt, clock.instant());
            if (!store.update(running, RunState.QUEUED)) {
                return;
            }
            if (c == null) {
                end(running, RunState.FAILED, null, "collector " + queued.collector() + " was removed before the run started");
                return;
            }
            if (refused != null) {
                end(running, RunState.FAILED, null, refused); // no container is created
                return;
            }
            store.addEvent(runId, "started", json(Map.of("attempt", attempt, "image", running.image())));
            attempt(running, policy, cancellation);
        } finally {
            active.remove(runId);
            String next;
            synchronized (busyKeys) {
                busyKeys.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
                Deque<String> q = waiting.get(key);
                next = q == null ? null : q.poll();
                if (q != null && q.isEmpty()) {
                    waiting.remove(key);
                }
            }
            if (next != null) {
                enqueue(next);
            }
        }
    }

    private void attempt(Run running, RunPolicy policy, Cancellation cancellation) {
        AtomicReference<Run> current = new AtomicReference<>(running);
        Path runDir = runDir(running.id());
        Path output = runDir.resolve("output");
        try (RunLog runLog = new RunLog(runDir.resolve("log"), policy.maxLogBytes())) {
            runLog.append("=== maomao: attempt " + running.attempt() + " of " + running.maxAttempts() + " at "
                    + clock.instant() + " ===");
            resetDirectory(output);
            // /input is a run-private snapshot, never a path inside the dataset: a link there cannot redirect the mount
            Path input = runDir.resolve("input");
            if (Names.NO_DATASET.equals(running.dataset())) {
                resetDirectory(input);
            } else {
                try {
                    InputSnapshot.build(datasets.datasetDir(running.dataset()), running.collector(), input);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot take the input of " + running.collector(), e);
                }
            }
            String imageId = runner.imageId(running.image());
            Map<String, String> env = new LinkedHashMap<>(policy.env());
            env.put("MAOMAO_RUN_ID", running.id());
            env.put("MAOMAO_COLLECTOR", running.collector());
            env.put("MAOMAO_DATASET", running.dataset());
            env.put("MAOMAO_ATTEMPT", Integer.toString(running.attempt()));
            ContainerSpec spec = new ContainerSpec(running.id(), running.collector(), running.image(),
                    running.attempt(), env, output, input, policy);
            // progress events are bounded per run, so a retry counts those of the attempts before it
            int earlierEvents = running.attempt() == 1 ? 0 : (int) store.events(running.id()).stream()
                    .filter(e -> "progress".equals(e.type())).count();
            ProgressCoalescer coalescer = new ProgressCoalescer(earlierEvents, clock::millis);
            ContainerResult result;
            try {
                result = runner.run(spec, (stream, line) -> onLine(current, runLog, coalescer, line), cancellation);
            } finally {
                flushControlLines(current, coalescer);
            }
            FileTrees.delete(input);
            store.addEvent(running.id(), "exited", json(Map.of("exit_code", result.exitCode(),
                    "timed_out", result.timedOut(), "cancelled", result.cancelled())));
            Run r = current.get();
            if (result.outputOverLimit() != null) {
                // not retried: the next attempt would write as much; the partial output is never committed
                FileTrees.delete(output);
                String msg = result.outputOverLimit() + "; nothing was committed and the output was deleted";
                runLog.append("=== maomao: " + msg + " ===");
                end(r.withOutcome(result.exitCode(), msg, clock.instant()), RunState.FAILED, result.exitCode(), msg);
            } else if (result.cancelled() || cancellation.isCancelled()) {
                end(r, RunState.CANCELLED, result.exitCode(), "cancelled");
            } else if (result.timedOut()) {
                runLog.append("=== maomao: timed out after " + policy.timeout() + " ===");
                retryOrEnd(r.withOutcome(result.exitCode(), "timed out after " + policy.timeout(), clock.instant()),
                        RunState.TIMED_OUT, "timed out after " + policy.timeout(), true);
            } else if (result.exitCode() != 0) {
                String msg = "the collector exited with code " + result.exitCode();
                retryOrEnd(r.withOutcome(result.exitCode(), msg, clock.instant()), RunState.FAILED, msg, true);
            } else {
                succeed(r, output, policy, imageId);
            }
        } catch (ContainerRunner.ContainerException e) {
            log.warn("run {} of {}: {}", running.id(), running.collector(), e.getMessage());
            metrics.error("docker");
            Run r = current.get().withOutcome(null, e.getMessage(), clock.instant());
            retryOrEnd(r, RunState.FAILED, e.getMessage(), e.retryable());
        } catch (DatasetWriter.IngestException e) {
            log.warn("run {} of {}: output not ingested: {}", running.id(), running.collector(), e.getMessage());
            metrics.error("git");
            end(current.get(), RunState.FAILED, 0, e.getMessage());
        } catch (RuntimeException e) {
            log.error("run {} of {} failed inside maomao", running.id(), running.collector(), e);
            end(current.get(), RunState.FAILED, null, "maomao failed to run it: " + e);
        }
    }

    private void succeed(Run r, Path output, RunPolicy policy, String imageId) throws DatasetWriter.IngestException {
        String over = OutputLimit.check(output, policy);
        if (over != null) {
            FileTrees.delete(output);
            throw new DatasetWriter.IngestException(over + "; nothing was committed and the output was deleted", null);
        }
        Run done = r;
        if (!Names.NO_DATASET.equals(r.dataset())) {
            DatasetWriter.IngestResult ingest = datasets.ingest(new DatasetWriter.IngestRequest(r.dataset(),
                    r.collector(), output, policy.output(), r.id(), r.attempt(), r.image(), imageId, r.createdAt(),
                    tables -> {
                        try {
                            analyzer.checkLimits(r.dataset(), r.collector(), tables, policy.maxSeriesPerFile(),
                                    policy.maxSeries());
                        } catch (SeriesLimitException e) {
                            throw new DatasetWriter.IngestException(e.getMessage(), e);
                        }
                    }));
            if (ingest.commit() != null) {
                store.addEvent(r.id(), "committed", json(ingest.earlier()
                        ? Map.of("dataset", r.dataset(), "commit", ingest.commit(), "earlier", true)
                        : Map.of("dataset", r.dataset(), "commit", ingest.commit())));
                done = done.withCommit(ingest.commit());
            }
            FileTrees.delete(output);
            analyse(r, ingest.commit(), ingest.tables(), ingest.earlier());
        }
        end(done, RunState.SUCCEEDED, 0, null);
    }

    /**
     * Feeds the rows a commit added to the detector and notifies each spike, then records
     * an {@code analysed} event. For a commit made before a crash ({@code earlier}), a
     * recorded {@code analysed} event means it was done then, and is not done twice.
     */
    private void analyse(Run r, String commit, List<TableRows> tables, boolean earlier) {
        if (earlier && store.events(r.id()).stream().anyMatch(e -> "analysed".equals(e.type()))) {
            return;
        }
        List<SpikeRecord> spikes = analyzer.analyze(r.dataset(), r.collector(), tables, r.id(), commit);
        for (SpikeRecord s : spikes) {
            metrics.spike(s, r.collector());
            for (SpikeNotifier n : notifiers) {
                try {
                    n.notify(s);
                } catch (RuntimeException e) {
                    log.warn("spike notifier {} failed: {}", n.getClass().getSimpleName(), e.getMessage());
                }
            }
            store.addEvent(r.id(), "spike", SpikeJson.text(s));
        }
        int rows = tables.stream().mapToInt(t -> t.rows().size()).sum();
        store.addEvent(r.id(), "analysed", json(Map.of("tables", tables.size(), "rows", rows, "spikes", spikes.size())));
    }

    /**
     * Logs one line of the collector and stores what its {@code ::progress} and {@code ::result}
     * lines say, coalesced (see {@link ProgressCoalescer}) so that their number does not set the
     * number of store writes.
     */
    private void onLine(AtomicReference<Run> current, RunLog runLog, ProgressCoalescer coalescer, String line) {
        runLog.append(line);
        Integer p = RunLog.progress(line);
        if (p != null) {
            synchronized (coalescer) {
                ProgressCoalescer.Write w = coalescer.progress(p);
                if (w != ProgressCoalescer.Write.NONE) {
                    storeProgress(current, p, w == ProgressCoalescer.Write.ROW_AND_EVENT);
                }
            }
            return;
        }
        String result = RunLog.result(line);
        if (result == null) {
            return;
        }
        // a character is at most 3 bytes: only a long line needs encoding to be measured
        if (result.length() > MAX_RESULT_BYTES / 3
                && result.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_RESULT_BYTES) {
            log.warn("run {}: ignoring a ::result line of more than {} bytes", current.get().id(), MAX_RESULT_BYTES);
            return;
        }
        try {
            JSON.readTree(result);
        } catch (IOException e) {
            log.warn("run {}: ignoring a ::result line that is not JSON", current.get().id());
            return;
        }
        synchronized (coalescer) {
            if (coalescer.result(result)) {
                storeResult(current, result);
            }
        }
    }

    /** Stores what the coalescer held back when the attempt's output has ended: the last values printed. */
    private void flushControlLines(AtomicReference<Run> current, ProgressCoalescer coalescer) {
        synchronized (coalescer) {
            ProgressCoalescer.Pending left = coalescer.finish();
            if (left.progress() != null) {
                storeProgress(current, left.progress(), left.progressEvent());
            }
            if (left.result() != null) {
                storeResult(current, left.result());
            }
        }
    }

    private void storeProgress(AtomicReference<Run> current, int percent, boolean event) {
        Run next = current.get().withProgress(percent);
        if (store.update(next, RunState.RUNNING)) {
            current.set(next);
            if (event) {
                store.addEvent(next.id(), "progress", json(Map.of("percent", percent)));
            }
        }
    }

    private void storeResult(AtomicReference<Run> current, String result) {
        Run next = current.get().withResult(result);
        if (store.update(next, RunState.RUNNING)) {
            current.set(next);
        }
    }

    private void retryOrEnd(Run r, RunState terminal, String message, boolean retryable) {
        if (retryable && r.attempt() < r.maxAttempts() && retries != null) {
            Duration backoff = registry.find(r.collector()).map(c -> c.policy(registry.defaults()))
                    .orElse(registry.defaults()).backoff(r.attempt());
            Instant at = clock.instant().plus(backoff);
            Run retrying = r.moveTo(RunState.RETRYING).withNextRetryAt(at);
            if (store.update(retrying, RunState.RUNNING)) {
                store.addEvent(r.id(), "retry_scheduled", json(Map.of("attempt", r.attempt() + 1,
                        "at", at.toString(), "reason", message)));
                log.info("run {} of {}: attempt {} {}; retry at {}", r.id(), r.collector(), r.attempt(), message, at);
                retries.scheduleRetry(r.id(), at);
            }
            return;
        }
        end(r, terminal, r.exitCode(), message);
    }

    private void end(Run r, RunState state, Integer exitCode, String message) {
        Run done = r.moveTo(state).withOutcome(exitCode, message, clock.instant());
        if (store.update(done, r.state())) {
            // counted before waiters hear of the end, so a client told "ended" finds it in /metrics
            metrics.ended(done, done.startedAt() == null ? Duration.ZERO : Duration.between(done.startedAt(), done.finishedAt()));
            finishedEvent(done);
            prune(done.collector());
            if (state == RunState.SUCCEEDED) {
                log.info("run {} of {} succeeded{}", r.id(), r.collector(),
                        done.commit() == null ? "" : " (commit " + done.commit() + ")");
            } else {
                log.warn("run {} of {} ended {}: {}", r.id(), r.collector(), state.id(), message);
            }
        }
    }

    /** Deletes the oldest ended runs of a collector beyond its {@code keep_runs}, with their logs. */
    private void prune(String collector) {
        int keep = registry.find(collector).map(c -> c.policy(registry.defaults()).keepRuns()).orElse(0);
        if (keep <= 0) {
            return;
        }
        try {
            List<String> old = store.deleteEndedBeyond(collector, keep);
            for (String id : old) {
                FileTrees.delete(runDir(id));
            }
            if (!old.isEmpty()) {
                log.info("pruned {} old run(s) of {} (keep_runs = {})", old.size(), collector, keep);
            }
        } catch (RuntimeException e) {
            log.warn("cannot prune old runs of {}: {}", collector, e.getMessage());
        }
    }

    /**
     * Blocks until the run has ended or {@code max} has passed, and returns it as it is
     * then (for {@code GET /runs/{id}?wait=}: a client learns the end without polling).
     */
    public java.util.Optional<Run> awaitEnd(String runId, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (endings) {
            while (true) {
                java.util.Optional<Run> r = store.find(runId);
                long left = deadline - System.nanoTime();
                if (r.isEmpty() || r.get().state().isFinal() || left <= 0) {
                    return r;
                }
                TimeUnit.NANOSECONDS.timedWait(endings, left);
            }
        }
    }

    private void finishedEvent(Run done) {
        synchronized (endings) {
            endings.notifyAll();
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("state", done.state().id());
        p.put("exit_code", done.exitCode());
        p.put("message", done.message());
        store.addEvent(done.id(), "finished", json(p));
    }

    /** The folder of one run: its log and, for dataset {@code none}, its output. */
    public Path runDir(String runId) {
        return runsDir.resolve(runId);
    }

    /** Ids of runs whose container is running in this process. */
    public Set<String> activeRunIds() {
        return Set.copyOf(active.keySet());
    }

    /**
     * Stops taking runs and waits up to {@code grace} for running ones; then interrupts
     * them, which stops their containers and stores each as a failed attempt to retry.
     * Queued runs stay queued in the store and start at the next start.
     */
    public void shutdown(Duration grace) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} run(s) still running after {}; stopping them to retry after restart", active.size(), grace);
                pool.shutdownNow();
                if (!pool.awaitTermination(DOCKER_STOP_ALLOWANCE.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("runs {} did not stop; they are recovered at the next start", active.keySet());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }

    private static void resetDirectory(Path dir) {
        FileTrees.delete(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static String json(Map<String, ?> payload) {
        try {
            return JSON.writeValueAsString(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
