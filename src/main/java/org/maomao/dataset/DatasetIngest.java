package org.maomao.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.eclipse.jgit.api.AddCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.maomao.run.DatasetWriter.IngestException;
import org.maomao.run.DatasetWriter.IngestRequest;
import org.maomao.run.DatasetWriter.IngestResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a run's output into its dataset as one commit, at most once per run: a commit
 * already carrying the run's {@code Run-Id} is the result; leftovers of an interrupted
 * ingest are discarded first; output is checked and planned ({@link OutputIngest})
 * before anything is written, and a failed write is undone. Commits carry {@code Run-Id},
 * {@code Collector}, {@code Image} and {@code Attempt} trailers.
 */
final class DatasetIngest {
    private static final Logger log = LoggerFactory.getLogger(DatasetIngest.class);

    private final DatasetFolders folders;
    private final DatasetLocks locks;
    private final DatasetPushes pushes;
    private final String authorName;
    private final String authorEmail;

    DatasetIngest(DatasetFolders folders, DatasetLocks locks, DatasetPushes pushes, String authorName,
                  String authorEmail) {
        this.folders = folders;
        this.locks = locks;
        this.pushes = pushes;
        this.authorName = authorName;
        this.authorEmail = authorEmail;
    }

    /** In cluster mode: ingests go through the dataset's remote under the cluster's lock; null: alone. */
    private volatile ClusteredIngest clustered;

    void setClustered(ClusteredIngest clustered) {
        this.clustered = clustered;
    }

    /** In cluster mode, fast-forwards this member's clone to the remote, under this member's lock of the dataset. */
    void catchUp(String dataset) throws IngestException {
        ClusteredIngest c = clustered;
        if (c == null) {
            return;
        }
        ReentrantLock lock = locks.of(dataset);
        lock.lock();
        try {
            c.catchUp(dataset);
        } finally {
            lock.unlock();
        }
    }

    IngestResult ingest(IngestRequest req) throws IngestException {
        ReentrantLock lock = locks.of(req.dataset());
        lock.lock();
        try {
            ClusteredIngest c = clustered;
            if (c != null) {
                return c.ingest(req, () -> ingestHere(req, false));
            }
            return ingestHere(req, pushes.enabled());
        } finally {
            lock.unlock();
        }
    }

    /** What one ingest into this member's clone does: at most one commit, pushed when {@code push}. */
    IngestResult ingestHere(IngestRequest req, boolean push) throws IngestException {
        ReentrantLock lock = locks.of(req.dataset());
        lock.lock();
        try {
            Path dir = folders.datasetDir(req.dataset());
            DatasetPaths.requireRealRepository(dir);
            Path folder = folders.collectorFolder(req.dataset(), req.collector());
            DatasetPaths.requireRealFolder(dir, folder);
            if (Files.isDirectory(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
                try (Git git = Git.open(dir.toFile())) {
                    // exactly once: an attempt whose end the daemon did not store before a crash may
                    // already have committed; that commit is the run's, and nothing is written again
                    Optional<String> earlier = RunCommits.find(git.getRepository(), req.runId(), req.submittedAt());
                    if (earlier.isPresent()) {
                        log.warn("run {} of {} had already committed {} to dataset {}; not committing again",
                                req.runId(), req.collector(), earlier.get(), req.dataset());
                        return new IngestResult(earlier.get(),
                                CommittedTables.of(git.getRepository(), earlier.get(), req.collector()), true);
                    }
                    // a crash between writing files and committing leaves them in the work tree: never
                    // let them ride along in this run's commit
                    DatasetRecovery.discardUncommitted(git, req.collector());
                }
            }
            OutputIngest.Plan plan = OutputIngest.plan(req.outputDir(), folder, req.mode());
            req.check().check(plan.tables()); // refused output leaves no trace, not even a new repository
            try (Git git = DatasetFolders.openOrInit(dir)) {
                try {
                    plan.apply();
                } catch (IOException | RuntimeException e) {
                    DatasetRecovery.restore(git, plan.written());
                    String why = String.valueOf(e.getMessage());
                    why = why.length() > 300 ? why.substring(0, 297) + "..." : why;
                    throw new IngestException("cannot write the output into dataset " + req.dataset() + ": " + why
                            + "; nothing was committed", e);
                }
                String commit = commit(git, req, plan.written());
                if (commit != null && push) {
                    pushes.pushIfAhead(req.dataset());
                }
                return new IngestResult(commit, plan.tables());
            }
        } catch (IOException | GitAPIException e) {
            throw new UncheckedIOException(new IOException("dataset " + req.dataset() + ": " + e.getMessage(), e));
        } finally {
            lock.unlock();
        }
    }

    private String commit(Git git, IngestRequest req, List<String> written) throws GitAPIException, IOException,
            IngestException {
        if (written.isEmpty()) {
            log.info("run {} of {} wrote nothing into dataset {}", req.runId(), req.collector(), req.dataset());
            return null;
        }
        // only what the run wrote is staged: nothing else in the work tree (a stray link, say) rides along
        AddCommand add = git.add();
        written.forEach(add::addFilepattern);
        add.call();
        // the dataset's ignore rules (.gitignore, .git/info/exclude) must not make a run "succeed" with its data unstaged
        DirCache index = git.getRepository().readDirCache();
        for (String path : written) {
            if (index.findEntry(path) < 0) {
                DatasetRecovery.restore(git, written);
                throw new IngestException("git ignores " + path + " in dataset " + req.dataset() + " (a .gitignore or "
                        + ".git/info/exclude of the dataset hides it), so it cannot be committed; remove the rule that "
                        + "matches it from the dataset; nothing was committed", null);
            }
        }
        Status staged = git.status().call();
        // only staged changes count: an untracked file elsewhere in the work tree is no reason for a commit
        if (staged.getAdded().isEmpty() && staged.getChanged().isEmpty() && staged.getRemoved().isEmpty()) {
            log.info("run {} of {} changed nothing in dataset {}", req.runId(), req.collector(), req.dataset());
            return null;
        }
        PersonIdent who = new PersonIdent(authorName, authorEmail);
        String message = req.collector() + ": run " + req.runId() + "\n\n"
                + "Run-Id: " + req.runId() + "\n"
                + "Collector: " + req.collector() + "\n"
                + "Image: " + req.image() + (req.imageId() == null ? "" : "@" + req.imageId()) + "\n"
                + "Attempt: " + req.attempt() + "\n";
        RevCommit c = git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
        log.info("dataset {}: committed {} for run {} of {}", req.dataset(), c.getName(), req.runId(), req.collector());
        return c.getName();
    }
}
