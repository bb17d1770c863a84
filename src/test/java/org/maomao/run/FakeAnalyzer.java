package org.maomao.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.maomao.spike.SeriesAnalyzer;
import org.maomao.spike.SeriesLimitException;
import org.maomao.spike.SpikeRecord;
import org.maomao.spike.TableRows;

/** A detector that finds a spike in every table whose rows hold {@code value}, and may refuse by series limits. */
final class FakeAnalyzer implements SeriesAnalyzer {
    static final String SPIKY = "900";

    /** Runs whose committed rows were analysed. */
    final List<String> analysedRuns = new ArrayList<>();
    /** The lines of the runs' own figures ({@link RunSeries}), which go to the reserved dataset. */
    final List<String> figures = new ArrayList<>();
    /** When set, {@link #checkLimits} refuses with it. */
    String limit;
    /** When set, analysing a dataset's rows throws it (as the heap running out did). */
    Error failWith;

    @Override
    public synchronized List<SpikeRecord> analyze(String dataset, String collector, List<TableRows> tables, String runId,
                                                  String commit) {
        if (RunSeries.DATASET.equals(dataset)) {
            tables.forEach(t -> figures.addAll(t.rows()));
            return List.of();
        }
        if (failWith != null) {
            throw failWith;
        }
        analysedRuns.add(runId);
        List<SpikeRecord> out = new ArrayList<>();
        for (TableRows t : tables) {
            for (String row : t.rows()) {
                if (row.endsWith("," + SPIKY)) {
                    out.add(new SpikeRecord(out.size() + 1, dataset, collector + "/" + t.file() + "#v", row.split(",")[0],
                            900, 100, 1, 800, 1, runId, commit, Instant.EPOCH));
                }
            }
        }
        return out;
    }

    @Override
    public void checkLimits(String dataset, String collector, List<TableRows> tables, int maxSeriesPerFile, int maxSeries)
            throws SeriesLimitException {
        if (limit != null) {
            throw new SeriesLimitException(limit);
        }
    }
}
