package org.maomao.run;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.maomao.collector.RunPolicy;
import org.maomao.spike.TableRows;

/** Puts a successful run's output into its dataset and commits it. */
public interface DatasetWriter {
    /**
     * What to ingest and how to describe the commit. {@code submittedAt} (when the run was
     * queued; null: unknown) bounds how far back the dataset is searched for a commit the
     * run already made.
     *
     * @param check looks at the tables the output would add before anything is written (series limits)
     */
    record IngestRequest(String dataset, String collector, Path outputDir, RunPolicy.OutputMode mode, String runId,
                         int attempt, String image, String imageId, Instant submittedAt, TablesCheck check) {
        public IngestRequest(String dataset, String collector, Path outputDir, RunPolicy.OutputMode mode, String runId,
                             int attempt, String image, String imageId) {
            this(dataset, collector, outputDir, mode, runId, attempt, image, imageId, null, TablesCheck.NONE);
        }
    }

    /** Refuses output by the tables it would add; called before the dataset is touched. */
    @FunctionalInterface
    interface TablesCheck {
        TablesCheck NONE = tables -> { };

        /** Throws with a sentence to refuse the output; nothing is then written or committed. */
        void check(List<TableRows> tables) throws IngestException;
    }

    /**
     * The commit made (null when nothing changed) and the tables that grew. {@code earlier}
     * is true when the run had committed before (an attempt whose end the daemon did not
     * store before it crashed): that commit is returned and nothing new is written.
     */
    record IngestResult(String commit, List<TableRows> tables, boolean earlier) {
        public IngestResult(String commit, List<TableRows> tables) {
            this(commit, tables, false);
        }
    }

    /**
     * Ingests and commits, at most once per run: when the dataset already holds a commit
     * of {@code runId}, that commit is the result. Throws with a sentence when the output
     * cannot be taken, and then commits nothing.
     */
    IngestResult ingest(IngestRequest request) throws IngestException;

    /**
     * The commit of the dataset that carries the run's {@code Run-Id} trailer, searching
     * back to commits made around {@code submittedAt}.
     */
    Optional<String> commitOf(String dataset, String runId, Instant submittedAt);

    /** The CSV rows {@code commit} added under the collector's folder, as its ingest reported them. */
    List<TableRows> tablesOf(String dataset, String collector, String commit);

    /** The collector's current folder of the dataset (may not exist yet). */
    Path collectorFolder(String dataset, String collector);

    /** The dataset's work tree (may not exist yet); a run's /input is a snapshot taken from it. */
    Path datasetDir(String dataset);

    /**
     * Brings the dataset's work tree up to what the dataset holds before a run's /input is
     * taken from it. Alone, the work tree is the dataset and there is nothing to do. In cluster
     * mode the remote is the dataset and this member's clone may be behind it (other members
     * commit there): a collector that reads its earlier output would work from stale rows.
     * Throws with a sentence when that cannot be done (the attempt fails and is retried).
     */
    default void catchUp(String dataset) throws IngestException {
    }

    /** Output that cannot go into the dataset (bad CSV header, too big); the run fails with the message. */
    final class IngestException extends Exception {
        public IngestException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
