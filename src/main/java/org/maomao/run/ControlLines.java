package org.maomao.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.LongSupplier;

import org.maomao.collector.ControlLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines a collector prints during one attempt: each goes to the run's log, and what its
 * {@code ::progress} and {@code ::result} lines say is stored on the run, coalesced (see
 * {@link ProgressCoalescer}) so that their number does not set the number of store writes.
 * Keeps the run as last stored, for the steps after the attempt.
 */
final class ControlLines implements ContainerRunner.LineSink {
    private static final Logger log = LoggerFactory.getLogger(ControlLines.class);
    /** The largest {@code ::result} JSON stored (its column holds 64 Ki characters); a bigger one is ignored. */
    static final int MAX_RESULT_BYTES = 64 << 10;

    private final RunStore store;
    private final RunLog runLog;
    private final ProgressCoalescer coalescer;
    private volatile Run current;

    /** @param earlierProgressEvents progress events the run's earlier attempts stored (they are bounded per run) */
    ControlLines(RunStore store, Run running, RunLog runLog, int earlierProgressEvents, LongSupplier millis) {
        this.store = store;
        this.current = running;
        this.runLog = runLog;
        this.coalescer = new ProgressCoalescer(earlierProgressEvents, millis);
    }

    /** The run as last stored. */
    Run current() {
        return current;
    }

    @Override
    public void line(String stream, String line) {
        runLog.append(line);
        Integer p = ControlLine.progress(line);
        if (p != null) {
            synchronized (coalescer) {
                ProgressCoalescer.Write w = coalescer.progress(p);
                if (w != ProgressCoalescer.Write.NONE) {
                    storeProgress(p, w == ProgressCoalescer.Write.ROW_AND_EVENT);
                }
            }
            return;
        }
        String result = ControlLine.result(line);
        if (result == null) {
            return;
        }
        // a character is at most 3 bytes: only a long line needs encoding to be measured
        if (result.length() > MAX_RESULT_BYTES / 3 && result.getBytes(StandardCharsets.UTF_8).length > MAX_RESULT_BYTES) {
            log.warn("run {}: ignoring a ::result line of more than {} bytes", current.id(), MAX_RESULT_BYTES);
            return;
        }
        try {
            EventJson.JSON.readTree(result);
        } catch (IOException e) {
            log.warn("run {}: ignoring a ::result line that is not JSON", current.id());
            return;
        }
        synchronized (coalescer) {
            if (coalescer.result(result)) {
                storeResult(result);
            }
        }
    }

    /** Stores what was held back when the attempt's output has ended: the last values printed. */
    void finish() {
        synchronized (coalescer) {
            ProgressCoalescer.Pending left = coalescer.finish();
            if (left.progress() != null) {
                storeProgress(left.progress(), left.progressEvent());
            }
            if (left.result() != null) {
                storeResult(left.result());
            }
        }
    }

    private void storeProgress(int percent, boolean event) {
        Run next = current.withProgress(percent);
        // fenced, the row and its event in one write: an attempt that lost its run changes neither
        if (event ? store.update(next, RunState.RUNNING, "progress", EventJson.of(Map.of("percent", percent)))
                : store.update(next, RunState.RUNNING)) {
            current = next;
        }
    }

    private void storeResult(String result) {
        Run next = current.withResult(result);
        if (store.update(next, RunState.RUNNING)) {
            current = next;
        }
    }
}
