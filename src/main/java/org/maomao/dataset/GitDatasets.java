package org.maomao.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.eclipse.jgit.api.TransportConfigCallback;
import org.maomao.collector.Names;
import org.maomao.run.DatasetWriter;
import org.maomao.spike.TableRows;

/**
 * Datasets as git work trees under {@code <data_dir>/datasets/<name>}. A run's output
 * goes to {@code <collector>/<path>}: CSV and JSONL rows are appended (a CSV header
 * must match the existing one), other files replace what was there. One commit per
 * run, only when something changed, with {@code Run-Id}, {@code Collector},
 * {@code Image} and {@code Attempt} trailers. Commits to one dataset are serialised.
 *
 * <p>The one door to datasets for the rest of the daemon, and no JGit type crosses it:
 * making a dataset is {@link DatasetClones}, reading one {@link DatasetHistory}, pushing
 * {@link DatasetPushes}, a run's output {@link DatasetIngest}, and tidying after a crash
 * {@link DatasetRecovery}; they share the per-dataset {@link DatasetLocks}.
 */
public final class GitDatasets implements DatasetWriter {
    private final DatasetFolders folders;
    private final DatasetHistory history;
    private final DatasetClones clones;
    private final DatasetPushes pushes;
    private final DatasetIngest ingest;
    private volatile TransportConfigCallback transport = t -> { };
    private volatile RemoteUrls remotes;
    private volatile ClusteredIngest clustered;

    /**
     * @param push whether to push each commit of a dataset that has a remote
     */
    public GitDatasets(Path root, String authorName, String authorEmail, boolean push) {
        DatasetLocks locks = new DatasetLocks();
        this.folders = new DatasetFolders(root);
        this.remotes = new RemoteUrls(RemoteUrls.DEFAULT_ALLOWED, root);
        this.history = new DatasetHistory(folders, locks);
        this.clones = new DatasetClones(folders, locks, history, () -> this.remotes, () -> this.transport);
        this.pushes = new DatasetPushes(folders, locks, push, () -> this.transport);
        this.ingest = new DatasetIngest(folders, locks, pushes, authorName, authorEmail);
    }

    /**
     * Cluster mode: a dataset needs a remote (one without is refused at create and at ingest),
     * and each ingest fetches, fast-forwards, commits and pushes under {@code lock}; see
     * {@link ClusteredIngest}. Commits are then pushed whatever {@code [git] push} says: the
     * remote is what the members share.
     */
    public void enableCluster(ClusterDatasetLock lock) {
        ClusteredIngest c = new ClusteredIngest(folders, lock, () -> this.transport);
        this.clustered = c;
        ingest.setClustered(c);
    }

    /** Whether this daemon is a cluster member ({@link #enableCluster}). */
    public boolean clustered() {
        return clustered != null;
    }

    /**
     * Null when runs may go into the dataset; else the sentence saying why not and how to fix
     * it (in cluster mode, a dataset needs a remote).
     */
    public String refusal(String dataset) {
        ClusteredIngest c = clustered;
        return c == null || Names.NO_DATASET.equals(dataset) || c.hasRemote(dataset) ? null
                : ClusteredIngest.needsRemote(dataset) + ".";
    }

    /** Which remotes a dataset may be cloned from ({@code [git] allowed_remotes}). */
    public void setRemotes(RemoteUrls remotes) {
        this.remotes = remotes;
    }

    /** Checks a remote before anything is written; see {@link RemoteUrls#check}. */
    public RemoteUrls.Remote checkRemote(String url) {
        return remotes.check(url);
    }

    /** Called on each failed push (for the error metric). */
    public void setOnPushFailure(Runnable onPushFailure) {
        pushes.setOnPushFailure(onPushFailure);
    }

    /** ssh remotes are reached with the daemon's own key (see {@link SshKeys}). */
    public void setTransport(SshKeys keys) {
        this.transport = keys.transport();
    }


    /** Thrown when a dataset of that name already exists. */
    public static final class DatasetExistsException extends IllegalStateException {
        public DatasetExistsException(String name) {
            super("dataset \"" + name + "\" already exists; GET /datasets/" + name + " shows it.");
        }
    }

    /** A clone that worked but holds what a dataset may not (links, submodules). */
    public static final class RefusedDatasetException extends IOException {
        public RefusedDatasetException(String message) {
            super(message);
        }
    }

    /**
     * Creates a dataset: a clone of {@code url}, or a new local repository when
     * {@code url} is null. A remote must pass {@code [git] allowed_remotes}; a clone
     * never makes symbolic links ({@code core.symlinks = false}), and one whose tree holds
     * a symbolic link or a submodule is refused. On failure nothing is left behind.
     */
    public DatasetInfo create(String name, String url) throws IOException {
        if (url == null && clustered != null) {
            throw new IllegalArgumentException(ClusteredIngest.needsRemote(name) + ".");
        }
        return clones.create(name, url);
    }

    /** The dataset's remote, branch, head and how far it is ahead of the remote. */
    public Optional<DatasetInfo> info(String name) throws IOException {
        return history.info(name);
    }

    /** Commits of the dataset, newest first. */
    public List<DatasetCommit> commits(String name, int limit) throws IOException {
        return history.commits(name, limit);
    }

    /**
     * Pushes the dataset's branch to its remote if it has one and is ahead. A failure
     * is logged and left for the next push: the local commit is never lost.
     */
    public boolean pushIfAhead(String name) {
        return pushes.pushIfAhead(name);
    }

    /** Pushes every dataset that is ahead of its remote; the daemon calls this periodically. */
    public void pushPending() {
        pushes.pushPending();
    }

    /** The work tree of a dataset. */
    @Override
    public Path datasetDir(String dataset) {
        return folders.datasetDir(dataset);
    }

    @Override
    public Path collectorFolder(String dataset, String collector) {
        return folders.collectorFolder(dataset, collector);
    }

    /**
     * Whether {@code file} lies inside the dataset, reached through real folders only, and
     * is a regular file or absent: reading it cannot read the host through a link.
     */
    public boolean isDataFile(String dataset, Path file) {
        return folders.isDataFile(dataset, file);
    }

    /** Dataset names present on disk. */
    public List<String> list() {
        return folders.list();
    }

    @Override
    public IngestResult ingest(IngestRequest req) throws IngestException {
        return ingest.ingest(req);
    }

    @Override
    public Optional<String> commitOf(String dataset, String runId, Instant submittedAt) {
        return history.commitOf(dataset, runId, submittedAt);
    }

    @Override
    public List<TableRows> tablesOf(String dataset, String collector, String commit) {
        return history.tablesOf(dataset, collector, commit);
    }

    /**
     * Removes what a daemon killed in the middle of a git operation leaves behind: lock
     * files ({@code *.lock} under each dataset's {@code .git}), while which git refuses to
     * commit, and unfinished clones. Only called at start, before any run, when no git
     * operation of this daemon can hold them. Returns how many were removed.
     */
    public int clearStaleLocks() {
        return DatasetRecovery.clearStaleLocks(folders);
    }
}
