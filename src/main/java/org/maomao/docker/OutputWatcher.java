package org.maomao.docker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.maomao.collector.RunPolicy;
import org.maomao.run.OutputLimit;

/**
 * Measures each running container's /output every few hundred milliseconds and stops
 * the container as soon as it passes max_output or max_output_files, so the host holds
 * little more than max_output per run (checking only after the exit let a collector
 * fill the disk first). Between two checks a single file cannot grow past max_output
 * either: the container's RLIMIT_FSIZE is max_output (see {@link ContainerHardening}).
 */
final class OutputWatcher {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final Duration every;
    private final ScheduledExecutorService timer;

    OutputWatcher(Duration every) {
        this.every = every;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(2, r -> {
            Thread th = new Thread(r, "output-watch-" + THREADS.incrementAndGet());
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    /** Watches {@code dir} against {@code policy}; runs {@code stop} once when it goes over. */
    Watch watch(Path dir, RunPolicy policy, Runnable stop) {
        return new Watch(dir, policy, stop);
    }

    /** One run's watch; closing it ends the checks. */
    final class Watch implements AutoCloseable {
        private final Path dir;
        private final RunPolicy policy;
        private final Runnable stop;
        private final AtomicReference<String> over = new AtomicReference<>();
        private final ScheduledFuture<?> task;

        private Watch(Path dir, RunPolicy policy, Runnable stop) {
            this.dir = dir;
            this.policy = policy;
            this.stop = stop;
            this.task = timer.scheduleWithFixedDelay(this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void check() {
            if (over.get() != null) {
                return;
            }
            String problem = OutputLimit.check(dir, policy);
            if (problem != null && over.compareAndSet(null, problem + "; the container was stopped")) {
                stop.run();
            }
        }

        /** Ends the checks and measures once more; null when the output stayed within bounds. */
        String finalCheck() {
            task.cancel(false);
            String seen = over.get();
            if (seen != null) {
                return seen;
            }
            String problem = OutputLimit.check(dir, policy);
            return problem == null ? null : problem + " when the collector exited";
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }
}
