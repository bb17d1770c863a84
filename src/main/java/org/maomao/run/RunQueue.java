package org.maomao.run;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs waiting for a free slot, and the slots: at most the pool's size of runs execute
 * at once. Only ids travel through the queue: the store is the truth about each run.
 */
final class RunQueue {
    private static final Logger log = LoggerFactory.getLogger(RunQueue.class);
    /** Time for interrupted runs to stop their containers and store their state at shutdown. */
    private static final Duration DOCKER_STOP_ALLOWANCE = Duration.ofSeconds(15);

    private final ExecutorService pool;

    RunQueue(ExecutorService pool) {
        this.pool = pool;
    }

    /** Queues {@code task} (the execution of run {@code runId}); at shutdown the run stays queued in the store. */
    void execute(String runId, Runnable task) {
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("run {} failed inside maomao", runId, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.info("run {} stays queued: the daemon is stopping; it starts at the next start", runId);
        }
    }

    /** Runs waiting for a slot (0 when the pool is not a thread pool, as in tests). */
    int depth() {
        return pool instanceof ThreadPoolExecutor t ? t.getQueue().size() : 0;
    }

    /**
     * Stops taking runs and waits up to {@code grace} for running ones; then interrupts them,
     * which stops their containers (each is stored as a failed attempt to retry).
     */
    void shutdown(Duration grace, Supplier<Set<String>> stillActive) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} run(s) still running after {}; stopping them to retry after restart", stillActive.get().size(), grace);
                pool.shutdownNow();
                if (!pool.awaitTermination(DOCKER_STOP_ALLOWANCE.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("runs {} did not stop; they are recovered at the next start", stillActive.get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }
}
