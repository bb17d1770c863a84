package org.maomao.run;

import java.util.List;

/** Feeds the rows a run added to the spike detector of each series and stores what it finds. */
public interface SeriesAnalyzer {
    List<SpikeRecord> analyze(String dataset, String collector, List<DatasetWriter.TableRows> tables, String runId,
                              String commit);
}
