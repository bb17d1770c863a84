package org.maomao.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.eclipse.jgit.api.TransportConfigCallback;
import org.maomao.collector.Names;
import org.maomao.run.DatasetWriter;
import org.maomao.run.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final Logger log = LoggerFactory.getLogger(GitDatasets.class);
    private final DatasetFolders folders;
    private final DatasetLocks locks;
    private final DatasetHistory history;
    private final DatasetClones clones;
    private final DatasetPushes pushes;
    private final DatasetIngest ingest;
    private volatile TransportConfigCallback transport = t -> { };
    private volatile RemoteUrls remotes;
    private volatile ClusteredIngest clustered;
    private volatile DatasetCatalog catalog;

    /**
     * @param push whether to push each commit of a dataset that has a remote
     */
    public GitDatasets(Path root, String authorName, String authorEmail, boolean push) {
        this.locks = new DatasetLocks();
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
     * {@link ClusteredIngest}. A dataset added through any member is in {@code catalog}, and is
     * cloned here the first time this member needs it. Commits are then pushed whatever {@code [git] push} says: the
     * remote is what the members share.
     */
    public void enableCluster(ClusterDatasetLock lock, DatasetCatalog catalog) {
        ClusteredIngest c = new ClusteredIngest(folders, lock, () -> this.transport);
        this.catalog = catalog;
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
        if (c == null || Names.NO_DATASET.equals(dataset) || c.hasRemote(dataset)) {
            return null;
        }
        String failed = ensureLocal(dataset);
        return failed != null ? failed : c.hasRemote(dataset) ? null : ClusteredIngest.needsRemote(dataset) + ".";
    }

    /**
     * Cluster mode: clones a dataset another member added, when this member has no clone of it
     * yet. Returns null when there is a clone (or nothing to clone), else why the clone failed.
     */
    private String ensureLocal(String name) {
        DatasetCatalog cat = catalog;
        if (cat == null || !Names.isValid(name) || Files.exists(folders.datasetDir(name), LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Optional<String> url;
        try {
            url = cat.remoteOf(name);
        } catch (RuntimeException e) {
            log.warn("cannot look dataset {} up in etcd: {}", name, e.getMessage());
            return "dataset \"" + name + "\" is not on this member yet, and the cluster's datasets cannot be read from "
                    + "etcd now (" + e.getMessage() + "); check [etcd] endpoints and that etcd is up.";
        }
        if (url.isEmpty()) {
            return null;
        }
        try {
            clones.create(name, url.get());
            log.info("dataset {}, added through another member, cloned here from {}", name, RemoteUrls.mask(url.get()));
            return null;
        } catch (DatasetExistsException e) {
            return null; // cloned meanwhile by another thread of this member
        } catch (IOException | RuntimeException e) {
            String why = "dataset \"" + name + "\" was added through another member, but this member cannot clone it: "
                    + RemoteUrls.maskAll(String.valueOf(e.getMessage()));
            log.warn("{}", why);
            return why.endsWith(".") ? why : why + ".";
        }
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

        DatasetExistsException(String name, String remote) {
            super("dataset \"" + name + "\" already exists in the cluster with remote " + RemoteUrls.mask(remote)
                    + "; GET /datasets/" + name + " shows it, or choose another name.");
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
        DatasetCatalog cat = catalog;
        if (cat == null) {
            return clones.create(name, url);
        }
        if (url == null) {
            throw new IllegalArgumentException(ClusteredIngest.needsRemote(name) + ".");
        }
        Names.require("dataset", name);
        remotes.check(url);
        Optional<String> there = cat.remoteOf(name);
        if (there.isPresent() && !there.get().equals(url)) {
            throw new DatasetExistsException(name, there.get());
        }
        DatasetInfo made = clones.create(name, url);
        String recorded = cat.register(name, url);
        if (!recorded.equals(url)) {
            // another member added the name with another remote at the same moment: its remote stands
            FileTrees.delete(folders.datasetDir(name));
            throw new DatasetExistsException(name, recorded);
        }
        return made;
    }

    /** The dataset's remote, branch, head and how far it is ahead of the remote. */
    public Optional<DatasetInfo> info(String name) throws IOException {
        ensureLocal(name);
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
        DatasetCatalog cat = catalog;
        if (cat == null) {
            return folders.list();
        }
        java.util.TreeSet<String> all = new java.util.TreeSet<>(folders.list());
        try {
            all.addAll(cat.all().keySet().stream().filter(Names::isValid).toList());
        } catch (RuntimeException e) {
            log.warn("cannot list the cluster's datasets in etcd: {}; listing this member's", e.getMessage());
        }
        return List.copyOf(all);
    }

    @Override
    public IngestResult ingest(IngestRequest req) throws IngestException {
        String failed = clustered == null ? null : ensureLocal(req.dataset());
        if (failed != null) {
            throw new IngestException(failed + " Nothing was committed.", null);
        }
        return ingest.ingest(req);
    }

    @Override
    public void catchUp(String dataset) throws IngestException {
        String failed = clustered == null ? null : ensureLocal(dataset);
        if (failed != null) {
            throw new IngestException(failed, null);
        }
        ingest.catchUp(dataset);
    }

    @Override
    public Optional<String> commitOf(String dataset, String runId, Instant submittedAt) {
        ClusteredIngest c = clustered;
        if (c == null) {
            return history.commitOf(dataset, runId, submittedAt);
        }
        // in cluster mode a run's commit is the one on the remote: the member that pushed it may have
        // died before storing it, and a commit only in this clone was never pushed
        String failed = ensureLocal(dataset);
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
        java.util.concurrent.locks.ReentrantLock lock = locks.of(dataset);
        lock.lock();
        try {
            return c.commitOnRemote(dataset, runId, submittedAt);
        } finally {
            lock.unlock();
        }
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
