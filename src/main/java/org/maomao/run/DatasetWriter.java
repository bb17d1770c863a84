package org.maomao.run;

import java.nio.file.Path;
import java.util.List;

import org.maomao.collector.RunPolicy;

/** Puts a successful run's output into its dataset and commits it. */
public interface DatasetWriter {
    /**
     * What to ingest and how to describe the commit.
     *
     * @param check looks at the tables the output would add before anything is written (series limits)
     */
    record IngestRequest(String dataset, String collector, Path outputDir, RunPolicy.OutputMode mode, String runId,
                         int attempt, String image, String imageId, TablesCheck check) {
        public IngestRequest(String dataset, String collector, Path outputDir, RunPolicy.OutputMode mode, String runId,
                             int attempt, String image, String imageId) {
            this(dataset, collector, outputDir, mode, runId, attempt, image, imageId, TablesCheck.NONE);
        }
    }

    /** Refuses output by the tables it would add; called before the dataset is touched. */
    @FunctionalInterface
    interface TablesCheck {
        TablesCheck NONE = tables -> { };

        /** Throws with a sentence to refuse the output; nothing is then written or committed. */
        void check(List<TableRows> tables) throws IngestException;
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

    /** Output that cannot go into the dataset (bad CSV header, too big); the run fails with the message. */
    final class IngestException extends Exception {
        public IngestException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
