package org.maomao.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.maomao.collector.Names;
import org.maomao.spike.TableRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector pointed at collection itself: each ended run adds a point to four series of
 * its collector, in the reserved dataset {@value #DATASET} (kept in the store, never a git
 * dataset; a dataset name cannot start with '_'): {@code <collector>/runs.csv#duration_s},
 * {@code #rows}, {@code #bytes} (what the run added to its dataset) and {@code #exit_code}.
 * A collector that suddenly writes 0 rows, or runs ten times longer than usual, raises a
 * spike like any data series. Recorded after the run's end is stored, off the path a client
 * waits on; a failure here never changes the run.
 */
final class RunSeries {
    private static final Logger log = LoggerFactory.getLogger(RunSeries.class);
    /** The reserved dataset of the runs' own series. */
    static final String DATASET = Names.RUNS_DATASET;
    static final String FILE = "runs.csv";
    static final String HEADER = "timestamp,duration_s,rows,bytes,exit_code";

    private final RunStore store;
    private final Analysis analysis;

    RunSeries(RunStore store, Analysis analysis) {
        this.store = store;
        this.analysis = analysis;
    }

    /** Records run {@code runId} if it has ended succeeded, failed or timed out; {@code added} are the rows it committed. */
    void ended(String runId, List<String> added) {
        try {
            Run r = store.find(runId).orElse(null);
            if (r == null || r.startedAt() == null || r.finishedAt() == null || !(r.state() == RunState.SUCCEEDED
                    || r.state() == RunState.FAILED || r.state() == RunState.TIMED_OUT)) {
                return;
            }
            analysis.analyseFigures(r, new TableRows(FILE, HEADER, List.of(line(r, added))));
        } catch (RuntimeException e) {
            log.warn("run {}: its own figures were not analysed: {}", runId, e.getMessage());
        }
    }

    static String line(Run r, List<String> added) {
        double seconds = Duration.between(r.startedAt(), r.finishedAt()).toMillis() / 1000.0;
        long bytes = 0;
        for (String row : added) {
            bytes += row.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        int exit = r.exitCode() == null ? -1 : r.exitCode();
        return r.finishedAt() + "," + String.format(Locale.ROOT, "%.3f", seconds) + "," + added.size() + "," + bytes
                + "," + exit;
    }
}
