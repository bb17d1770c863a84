package org.maomao.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.maomao.collector.Names;
import org.maomao.collector.RunPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a run in its container: a fresh {@code /output}, a private snapshot of the
 * collector's folder as {@code /input}, the collector contract's environment, the log and the
 * control lines while it runs, and how it ended. Never throws: a Docker or maomao failure is
 * an attempt that failed, with a sentence.
 */
final class Attempt {
    private static final Logger log = LoggerFactory.getLogger(Attempt.class);

    /**
     * How the attempt ended.
     *
     * @param run       the run as last stored, with the attempt's outcome unless it exited 0
     * @param state     {@code SUCCEEDED} when the collector exited 0 (its output is to be ingested),
     *                  else the state the run ends in if it is not retried
     * @param retryable whether another attempt may cure a failure
     */
    record Result(Run run, RunState state, boolean retryable, Path output, String imageId) {
    }

    private final RunStore store;
    private final ContainerRunner runner;
    private final DatasetWriter datasets;
    private final Path runsDir;
    private final Clock clock;
    private final RunMetrics metrics;

    Attempt(RunStore store, ContainerRunner runner, DatasetWriter datasets, Path runsDir, Clock clock, RunMetrics metrics) {
        this.store = store;
        this.runner = runner;
        this.datasets = datasets;
        this.runsDir = runsDir;
        this.clock = clock;
        this.metrics = metrics;
    }

    Result run(Run running, RunPolicy policy, Cancellation cancellation) {
        Path runDir = runsDir.resolve(running.id());
        Path output = runDir.resolve("output");
        ControlLines lines = null;
        try (RunLog runLog = new RunLog(runDir.resolve("log"), policy.maxLogBytes())) {
            runLog.append("=== maomao: attempt " + running.attempt() + " of " + running.maxAttempts() + " at "
                    + clock.instant() + " ===");
            resetDirectory(output);
            Path input = input(running, runDir.resolve("input"));
            String imageId = runner.imageId(running.image());
            // progress events are bounded per run, so a retry counts those of the attempts before it
            int earlierEvents = running.attempt() == 1 ? 0 : (int) store.events(running.id()).stream()
                    .filter(e -> "progress".equals(e.type())).count();
            lines = new ControlLines(store, running, runLog, earlierEvents, clock::millis);
            ContainerResult result;
            try {
                result = runner.run(spec(running, policy, output, input), lines, cancellation);
            } finally {
                lines.finish();
            }
            FileTrees.delete(input);
            // fenced: an attempt that lost its run adds nothing to it
            store.update(lines.current(), RunState.RUNNING, "exited", EventJson.of(Map.of("exit_code", result.exitCode(),
                    "timed_out", result.timedOut(), "cancelled", result.cancelled())));
            return verdict(lines.current(), result, cancellation, policy, runLog, output, imageId);
        } catch (ContainerRunner.ContainerException e) {
            log.warn("run {} of {}: {}", running.id(), running.collector(), e.getMessage());
            metrics.error("docker");
            return failed(lines, running, null, e.getMessage(), RunState.FAILED, e.retryable());
        } catch (DatasetWriter.IngestException e) {
            // the clone could not be brought up to the remote: retried, as an ingest that cannot reach it is
            log.warn("run {} of {}: {}", running.id(), running.collector(), e.getMessage());
            return failed(lines, running, null, e.getMessage() + "; the collector was not started", RunState.FAILED, true);
        } catch (RuntimeException e) {
            log.error("run {} of {} failed inside maomao", running.id(), running.collector(), e);
            return failed(lines, running, null, "maomao failed to run it: " + e, RunState.FAILED, false);
        }
    }

    private Result verdict(Run r, ContainerResult result, Cancellation cancellation, RunPolicy policy, RunLog runLog,
                           Path output, String imageId) {
        int exit = result.exitCode();
        if (result.outputOverLimit() != null) {
            // not retried: the next attempt would write as much; the partial output is never committed
            FileTrees.delete(output);
            String msg = result.outputOverLimit() + "; nothing was committed and the output was deleted";
            runLog.append("=== maomao: " + msg + " ===");
            return new Result(r.withOutcome(exit, msg, clock.instant()), RunState.FAILED, false, output, imageId);
        }
        if (result.cancelled() || cancellation.isCancelled()) {
            return new Result(r.withOutcome(exit, "cancelled", clock.instant()), RunState.CANCELLED, false, output, imageId);
        }
        if (result.timedOut()) {
            String msg = "timed out after " + policy.timeout();
            runLog.append("=== maomao: " + msg + " ===");
            return new Result(r.withOutcome(exit, msg, clock.instant()), RunState.TIMED_OUT, true, output, imageId);
        }
        if (exit != 0) {
            String msg = "the collector exited with code " + exit;
            return new Result(r.withOutcome(exit, msg, clock.instant()), RunState.FAILED, true, output, imageId);
        }
        return new Result(r, RunState.SUCCEEDED, false, output, imageId);
    }

    private Result failed(ControlLines lines, Run running, Integer exit, String msg, RunState state, boolean retryable) {
        Run r = lines == null ? running : lines.current();
        return new Result(r.withOutcome(exit, msg, clock.instant()), state, retryable, null, null);
    }

    /** /input is a run-private snapshot, never a path inside the dataset: a link there cannot redirect the mount. */
    private Path input(Run running, Path input) throws DatasetWriter.IngestException {
        if (Names.NO_DATASET.equals(running.dataset())) {
            resetDirectory(input);
            return input;
        }
        datasets.catchUp(running.dataset());
        try {
            InputSnapshot.build(datasets.datasetDir(running.dataset()), running.collector(), input);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the input of " + running.collector(), e);
        }
        return input;
    }

    private static ContainerSpec spec(Run running, RunPolicy policy, Path output, Path input) {
        Map<String, String> env = new LinkedHashMap<>(policy.env());
        env.put("MAOMAO_RUN_ID", running.id());
        env.put("MAOMAO_COLLECTOR", running.collector());
        env.put("MAOMAO_DATASET", running.dataset());
        env.put("MAOMAO_ATTEMPT", Integer.toString(running.attempt()));
        return new ContainerSpec(running.id(), running.collector(), running.image(), running.attempt(), env, output,
                input, policy);
    }

    private static void resetDirectory(Path dir) {
        FileTrees.delete(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
