package org.maomao.run;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.maomao.collector.Collector;
import org.maomao.collector.CollectorRegistry;
import org.maomao.spike.SeriesAnalyzer;
import org.maomao.spike.SpikeNotifier;
import org.maomao.spike.SpikeRecord;

/**
 * The runs of this daemon, as the API, the scheduler and the daemon see them: submit, skip,
 * cancel, wait for the end, recover after a crash, shut down. It wires the steps of
 * {@link RunPipeline} (read that class for what happens to a run) to a bounded queue: at most
 * {@code maxConcurrentRuns} containers run at once; the rest wait queued.
 */
public final class RunExecutor implements AutoCloseable {
    private final RunStore store;
    private final Clock clock;
    private final Path runsDir;
    private final MetricsRelay metrics = new MetricsRelay();
    private final ActiveRuns active = new ActiveRuns();
    private final RunQueue queue;
    private final RunPipeline pipeline;
    private final Endings endings;
    private final FailureStreaks streaks;
    private final AlertFanOut alerts = new AlertFanOut();
    private final Analysis analysis;
    private final Submissions submissions;
    private final RetryTimer retries;
    private final Recovery recovery;
    private final boolean timerThread;
    private final ContainerRunner runner;
    /** The most runs executing at once here. */
    private final int slots;
    /** How runs are shared with the other members in cluster mode; null for a lone daemon. */
    private volatile ClusterRuns cluster;

    public RunExecutor(RunStore store, CollectorRegistry registry, ContainerRunner runner, DatasetWriter datasets,
                       SeriesAnalyzer analyzer, Path runsDir, Clock clock, int maxConcurrentRuns) {
        this(store, registry, runner, datasets, analyzer, runsDir, clock, runPool(maxConcurrentRuns), true);
    }

    /**
     * @param pool        executes runs (its size bounds the runs at once); tests pass one they drive
     * @param timerThread whether {@link #recover()} starts the retry timer's thread; tests fire it by hand
     */
    RunExecutor(RunStore store, CollectorRegistry registry, ContainerRunner runner, DatasetWriter datasets,
                SeriesAnalyzer analyzer, Path runsDir, Clock clock, ExecutorService pool, boolean timerThread) {
        this.store = store;
        this.clock = clock;
        this.runsDir = runsDir;
        this.timerThread = timerThread;
        this.runner = runner;
        this.slots = pool instanceof ThreadPoolExecutor t ? t.getMaximumPoolSize() : 1;
        this.queue = new RunQueue(pool);
        this.retries = new RetryTimer(store, clock, this::enqueue);
        this.streaks = new FailureStreaks(store, registry, clock, alerts);
        this.endings = new Endings(store, clock, metrics, new Retention(store, registry, runsDir), streaks);
        this.analysis = new Analysis(store, analyzer, metrics);
        FailureHandler failures = new FailureHandler(store, registry, clock, endings, retries::wake);
        this.pipeline = new RunPipeline(store, clock, active, new Admission(registry),
                new Attempt(store, runner, datasets, runsDir, clock, metrics), failures,
                new Ingest(store, datasets, analyzer), analysis, endings, metrics, new RunSeries(store, analysis));
        this.submissions = new Submissions(store, registry, clock, endings, this::enqueue);
        this.recovery = new Recovery(store, datasets, runner, analysis, failures, endings, clock, this::enqueue, runsDir);
    }

    private static ExecutorService runPool(int size) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "run-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Queues the execution of a queued run; when it ends, the run that waited for it (overlap = queue)
     * follows. In cluster mode the run is taken only into a free slot (else it waits in the store for
     * whichever member frees one first).
     */
    private void enqueue(String runId) {
        ClusterRuns c = cluster;
        if (c != null) {
            c.offer(runId);
            return;
        }
        queue.execute(runId, () -> pipeline.execute(runId).ifPresent(this::enqueue));
    }

    /**
     * Makes this executor member {@code memberId} of a cluster sharing its store: its attempts are
     * owned by the member (in the store, the events and the container labels), queued runs are
     * taken only into free slots, and runs of members gone from {@code liveMembers} are taken over.
     * Call before {@link #recover()}.
     */
    public void joinCluster(String memberId, Supplier<Set<String>> liveMembers) {
        pipeline.setMember(memberId);
        ClusterRuns[] self = new ClusterRuns[1];
        self[0] = new ClusterRuns(store, memberId, liveMembers, active, recovery, runner, slots,
                id -> queue.execute(id, () -> {
                    try {
                        pipeline.execute(id).ifPresent(this::enqueue);
                    } finally {
                        self[0].done(id);
                    }
                }));
        cluster = self[0];
    }

    /** Reports runs, spikes and component errors (Prometheus). */
    public void setMetrics(RunMetrics metrics) {
        this.metrics.target = metrics;
    }

    /** Runs queued in this process, waiting for a free slot. */
    public int queueDepth() {
        return queue.depth();
    }

    /** Adds a receiver of every spike found in a run's new rows (webhook, etcd). */
    public void addSpikeNotifier(SpikeNotifier notifier) {
        analysis.addNotifier(notifier);
    }

    /**
     * The datasets {@code collector} is failing into: at least {@code alert_after_failures}
     * failed runs in a row and no success since, with their number.
     */
    public Map<String, Integer> failing(String collector) {
        return streaks.failing(collector);
    }

    /** Adds a receiver of collection alerts: failure streaks and their recovery (webhook, etcd). */
    public void addAlertNotifier(AlertNotifier notifier) {
        alerts.add(notifier);
    }

    /** Adds a receiver of every run that ends here, in any final state (skipped included): etcd, watchers. */
    public void addRunEndNotifier(RunEndNotifier notifier) {
        endings.addNotifier(notifier);
    }

    /** Where collection alerts go: every receiver added by {@link #addAlertNotifier} (also for late schedules). */
    public AlertNotifier alerts() {
        return alerts;
    }

    /**
     * Queues a run of {@code collectorName} into {@code dataset} (null: the collector's
     * own dataset). Validates first: an unknown collector or a bad dataset name stores nothing.
     */
    public Run submit(String collectorName, String dataset, String trigger, String scheduleId) {
        return submissions.submit(collectorName, dataset, trigger, scheduleId);
    }

    /**
     * Queues a scheduled firing, by the collector's overlap policy: with {@code skip}, a
     * firing while an earlier run of the collector into the dataset is still queued,
     * running or retrying is recorded as a skipped run with the reason.
     */
    public Run submitScheduled(String collectorName, String dataset, String scheduleId) {
        return submissions.submitScheduled(collectorName, dataset, scheduleId, null);
    }

    /** As {@link #submitScheduled(String, String, String)}; {@code fireTime} goes into its {@code submitted} event. */
    public Run submitScheduled(String collectorName, String dataset, String scheduleId, java.time.Instant fireTime) {
        return submissions.submitScheduled(collectorName, dataset, scheduleId, fireTime);
    }

    /** Records a firing that does not run, as a run in state {@code skipped} with the reason. */
    public Run skip(Collector c, String dataset, String scheduleId, String reason) {
        return submissions.skip(c, dataset, scheduleId, reason);
    }

    /** Puts a retrying run back into the queue now, whatever its retry time. */
    public void resume(String runId) {
        store.find(runId).filter(r -> r.state() == RunState.RETRYING).ifPresent(retries::claim);
    }

    /**
     * Cancels a queued, retrying or running run. Returns false if it had already
     * ended (or does not exist).
     */
    public boolean cancel(String runId) {
        if (active.cancel(runId)) {
            cancelRequested(runId);
            return true;
        }
        for (RunState from : List.of(RunState.QUEUED, RunState.RETRYING)) {
            Optional<Run> found = store.find(runId);
            // a retrying run needs nothing more: the timer's claim then fails
            if (found.isPresent() && found.get().state() == from
                    && endings.endWithoutAttempt(found.get(), from, RunState.CANCELLED, "cancelled")) {
                return true;
            }
        }
        // it may have started between the looks above
        if (active.cancel(runId)) {
            cancelRequested(runId);
            return true;
        }
        // in cluster mode it may run on another member: its end is stored fenced by its attempt, and
        // that member sees its attempt lost and stops the container
        Optional<Run> running = store.find(runId);
        return cluster != null && running.isPresent() && running.get().state() == RunState.RUNNING
                && endings.endWithoutAttempt(running.get(), RunState.RUNNING, RunState.CANCELLED, "cancelled");
    }

    /**
     * Stores that the running run {@code runId} was asked to stop, before the answer says so: its container
     * is being stopped, but a daemon killed before the attempt ended would otherwise retry the run (and
     * commit what the operator cancelled); the recovery ends such a run cancelled ({@link Recovery}).
     */
    private void cancelRequested(String runId) {
        if (store.find(runId).map(Run::state).orElse(null) == RunState.RUNNING) {
            store.addEvent(runId, Recovery.CANCEL_REQUESTED, null);
        }
    }

    /**
     * Brings runs left over by a previous daemon process to a proper state (see {@link Recovery}),
     * then starts the retry timer, which queues each retrying run when its time comes.
     */
    public void recover() {
        ClusterRuns c = cluster;
        if (c == null) {
            recovery.recover();
        } else {
            Set<String> live = c.liveMembers();
            recovery.recover(r -> c.recoverable(r, live));
        }
        if (timerThread) {
            retries.start();
            if (c != null) {
                c.start();
            }
        }
    }

    /** The cluster's sharing of runs, for tests that poll it by hand; null for a lone daemon. */
    ClusterRuns cluster() {
        return cluster;
    }

    /** The retry timer, for tests that fire it by hand. */
    RetryTimer retryTimer() {
        return retries;
    }

    /**
     * Blocks until the run has ended or {@code max} has passed, and returns it as it is
     * then (for {@code GET /runs/{id}?wait=}: a client learns the end without polling).
     */
    public Optional<Run> awaitEnd(String runId, Duration max) throws InterruptedException {
        return endings.awaitEnd(runId, max);
    }

    /** The folder of one run: its log and, for dataset {@code none}, its output. */
    public Path runDir(String runId) {
        return runsDir.resolve(runId);
    }

    /** Ids of runs whose container is running in this process. */
    public Set<String> activeRunIds() {
        return active.ids();
    }

    /**
     * Stops the retry timer and taking runs, and waits up to {@code grace} for running ones;
     * then interrupts them, which stops their containers and stores each as a failed attempt
     * to retry. Queued and retrying runs stay in the store and go on at the next start.
     */
    public void shutdown(Duration grace) {
        retries.close();
        ClusterRuns c = cluster;
        if (c != null) {
            c.close();
        }
        queue.shutdown(grace, active::ids);
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }

    /** The metrics, set after wiring (they read the queue depth of this executor). */
    private static final class MetricsRelay implements RunMetrics {
        volatile RunMetrics target = RunMetrics.NONE;

        @Override
        public void ended(Run run, Duration duration) {
            target.ended(run, duration);
        }

        @Override
        public void spike(SpikeRecord spike, String collector) {
            target.spike(spike, collector);
        }

        @Override
        public void error(String component) {
            target.error(component);
        }
    }
}
