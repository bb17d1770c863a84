package org.maomao.run;

import java.nio.file.Path;
import java.util.List;

import org.maomao.collector.RunPolicy;

/** Puts a successful run's output into its dataset and commits it. */
public interface DatasetWriter {
    /** What to ingest and how to describe the commit. */
    record IngestRequest(String dataset, String collector, Path outputDir, RunPolicy.OutputMode mode, String runId,
                         int attempt, String image, String imageId) {
    }

    /** The rows a run added to one CSV file: its header line and the new lines. */
    record TableRows(String file, String header, List<String> rows) {
    }

    /** The commit made (null when nothing changed) and the tables that grew. */
    record IngestResult(String commit, List<TableRows> tables) {
    }

    /** Ingests and commits; throws with a sentence when the output cannot be taken, and then commits nothing. */
    IngestResult ingest(IngestRequest request) throws IngestException;

    /** The collector's current folder of the dataset (may not exist yet). */
    Path collectorFolder(String dataset, String collector);

    /** The dataset's work tree (may not exist yet); a run's /input is a snapshot taken from it. */
    Path datasetDir(String dataset);

    /** Output that cannot go into the dataset (bad CSV header, too big); the run fails with the message. */
    final class IngestException extends Exception {
        public IngestException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
