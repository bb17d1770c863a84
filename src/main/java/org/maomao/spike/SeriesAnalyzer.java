package org.maomao.spike;

import java.util.List;

/** Feeds the rows a run added to the spike detector of each series and stores what it finds. */
public interface SeriesAnalyzer {
    List<SpikeRecord> analyze(String dataset, String collector, List<TableRows> tables, String runId,
                              String commit);

    /**
     * Refuses tables that would give a file more than {@code maxSeriesPerFile} series, or the
     * collector more than {@code maxSeries} series in the dataset; called before the commit.
     */
    void checkLimits(String dataset, String collector, List<TableRows> tables, int maxSeriesPerFile,
                     int maxSeries) throws SeriesLimitException;
}
