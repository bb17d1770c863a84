package org.maomao.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.maomao.collector.Names;
import org.maomao.collector.RunPolicy;
import org.maomao.spike.SeriesAnalyzer;
import org.maomao.spike.SeriesLimitException;
import org.maomao.spike.TableRows;

/**
 * Takes a successful attempt's {@code /output}: within {@code max_output} and
 * {@code max_output_files}, and within the series limits, it is committed into the dataset
 * (at most once per run) and a {@code committed} event is stored. Output over a limit is
 * deleted and nothing is committed. Dataset {@code none} keeps the output in the run's folder.
 */
final class Ingest {
    /**
     * What the ingest did.
     *
     * @param tables  the tables that grew, for the detector; null for dataset none (nothing to analyse)
     * @param earlier whether the commit was made by an attempt whose end the daemon did not store
     */
    record Ingested(Run run, String commit, List<TableRows> tables, boolean earlier) {
    }

    private final RunStore store;
    private final DatasetWriter datasets;
    private final SeriesAnalyzer analyzer;

    Ingest(RunStore store, DatasetWriter datasets, SeriesAnalyzer analyzer) {
        this.store = store;
        this.datasets = datasets;
        this.analyzer = analyzer;
    }

    Ingested ingest(Run r, Path output, RunPolicy policy, String imageId) throws DatasetWriter.IngestException {
        String over = OutputLimit.check(output, policy);
        if (over != null) {
            FileTrees.delete(output);
            throw new DatasetWriter.IngestException(over + "; nothing was committed and the output was deleted", null);
        }
        if (Names.NO_DATASET.equals(r.dataset())) {
            return new Ingested(r, null, null, false);
        }
        DatasetWriter.IngestResult ingest = datasets.ingest(new DatasetWriter.IngestRequest(r.dataset(),
                r.collector(), output, policy.output(), r.id(), r.attempt(), r.image(), imageId, r.createdAt(),
                tables -> checkSeriesLimits(r, policy, tables)));
        Run done = r;
        if (ingest.commit() != null) {
            done = done.withCommit(ingest.commit());
            // fenced with the commit id on the row: an attempt that lost its run records nothing (its end fails too)
            store.update(done, RunState.RUNNING, "committed", EventJson.of(ingest.earlier()
                    ? Map.of("dataset", r.dataset(), "commit", ingest.commit(), "earlier", true)
                    : Map.of("dataset", r.dataset(), "commit", ingest.commit())));
        }
        FileTrees.delete(output);
        return new Ingested(done, ingest.commit(), ingest.tables(), ingest.earlier());
    }

    private void checkSeriesLimits(Run r, RunPolicy policy, List<TableRows> tables) throws DatasetWriter.IngestException {
        try {
            analyzer.checkLimits(r.dataset(), r.collector(), tables, policy.maxSeriesPerFile(), policy.maxSeries());
        } catch (SeriesLimitException e) {
            throw new DatasetWriter.IngestException(e.getMessage(), e);
        }
    }
}
