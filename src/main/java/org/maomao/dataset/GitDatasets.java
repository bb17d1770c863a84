package org.maomao.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

import java.time.Instant;
import java.util.Optional;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.maomao.collector.Names;
import org.maomao.run.DatasetWriter;
import org.maomao.run.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datasets as git work trees under {@code <data_dir>/datasets/<name>}. A run's output
 * goes to {@code <collector>/<path>}: CSV and JSONL rows are appended (a CSV header
 * must match the existing one), other files replace what was there. One commit per
 * run, only when something changed, with {@code Run-Id}, {@code Collector},
 * {@code Image} and {@code Attempt} trailers. Commits to one dataset are serialised.
 */
public final class GitDatasets implements DatasetWriter {
    private static final Logger log = LoggerFactory.getLogger(GitDatasets.class);
    private static final int CLONE_TIMEOUT_SECONDS = 300;
    private static final int PUSH_TIMEOUT_SECONDS = 60;

    private final Path root;
    private final String authorName;
    private final String authorEmail;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final boolean push;
    private volatile TransportConfigCallback transport = t -> { };

    /**
     * @param push whether to push each commit of a dataset that has a remote
     */
    public GitDatasets(Path root, String authorName, String authorEmail, boolean push) {
        this.root = root;
        this.authorName = authorName;
        this.authorEmail = authorEmail;
        this.push = push;
    }

    private volatile Runnable onPushFailure = () -> { };

    /** Called on each failed push (for the error metric). */
    public void setOnPushFailure(Runnable onPushFailure) {
        this.onPushFailure = onPushFailure;
    }

    /** How remotes are reached (the daemon's ssh key for ssh remotes). */
    public void setTransport(TransportConfigCallback transport) {
        this.transport = transport;
    }

    /** Thrown when a dataset of that name already exists. */
    public static final class DatasetExistsException extends IllegalStateException {
        public DatasetExistsException(String name) {
            super("dataset \"" + name + "\" already exists; GET /datasets/" + name + " shows it.");
        }
    }

    /**
     * Creates a dataset: a clone of {@code url}, or a new local repository when
     * {@code url} is null. On failure nothing is left behind.
     */
    public DatasetInfo create(String name, String url) throws IOException {
        Names.require("dataset", name);
        if (Names.NO_DATASET.equals(name)) {
            throw new IllegalArgumentException("dataset name \"none\" is reserved for runs that keep their output.");
        }
        if (url != null) {
            RemoteUrls.require(url);
        }
        ReentrantLock lock = locks.computeIfAbsent(name, k -> new ReentrantLock());
        lock.lock();
        try {
            Path dir = datasetDir(name);
            if (Files.exists(dir)) {
                throw new DatasetExistsException(name);
            }
            try {
                if (url == null) {
                    openOrInit(dir).close();
                } else {
                    Files.createDirectories(root);
                    try (Git git = Git.cloneRepository().setURI(url).setDirectory(dir.toFile())
                            .setTransportConfigCallback(transport).setTimeout(CLONE_TIMEOUT_SECONDS).call()) {
                        if (git.getRepository().resolve("HEAD") == null) {
                            // an empty remote: JGit would start on "master"; datasets start on main
                            git.getRepository().updateRef("HEAD").link("refs/heads/main");
                        }
                    }
                    log.info("dataset {} cloned from {}", name, url);
                }
            } catch (GitAPIException | RuntimeException e) {
                FileTrees.delete(dir);
                throw new IOException("cannot clone " + url + ": " + rootMessage(e) + sshHint(url), e);
            }
            return info(name).orElseThrow();
        } finally {
            lock.unlock();
        }
    }

    /** The dataset's remote, branch, head and how far it is ahead of the remote. */
    public Optional<DatasetInfo> info(String name) throws IOException {
        Path dir = datasetDir(name);
        if (!Files.isDirectory(dir.resolve(".git"))) {
            return Optional.empty();
        }
        try (Repository repo = new FileRepositoryBuilder().setWorkTree(dir.toFile()).setGitDir(dir.resolve(".git").toFile())
                .build()) {
            String branch = repo.getBranch();
            String remote = repo.getConfig().getString("remote", "origin", "url");
            ObjectId head = repo.resolve("HEAD");
            return Optional.of(new DatasetInfo(name, remote, branch, head == null ? null : head.getName(),
                    aheadBy(repo, branch)));
        }
    }

    /** Commits of the dataset, newest first. */
    public List<DatasetCommit> commits(String name, int limit) throws IOException {
        Path dir = datasetDir(name);
        List<DatasetCommit> out = new java.util.ArrayList<>();
        try (Git git = Git.open(dir.toFile())) {
            if (git.getRepository().resolve("HEAD") == null) {
                return out;
            }
            for (RevCommit c : git.log().setMaxCount(limit).call()) {
                out.add(new DatasetCommit(c.getName(), c.getShortMessage(), Instant.ofEpochSecond(c.getCommitTime()),
                        trailer(c, "Run-Id"), trailer(c, "Collector"), trailer(c, "Attempt")));
            }
        } catch (GitAPIException e) {
            throw new IOException(e.getMessage(), e);
        }
        return out;
    }

    /**
     * Pushes the dataset's branch to its remote if it has one and is ahead. A failure
     * is logged and left for the next push: the local commit is never lost.
     */
    public boolean pushIfAhead(String name) {
        ReentrantLock lock = locks.computeIfAbsent(name, k -> new ReentrantLock());
        lock.lock();
        try (Git git = Git.open(datasetDir(name).toFile())) {
            String branch = git.getRepository().getBranch();
            if (git.getRepository().getConfig().getString("remote", "origin", "url") == null
                    || aheadBy(git.getRepository(), branch) == 0) {
                return true;
            }
            Iterable<PushResult> results = git.push().setRemote("origin").add(branch).setTransportConfigCallback(transport)
                    .setTimeout(PUSH_TIMEOUT_SECONDS).call();
            for (PushResult r : results) {
                for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                    if (u.getStatus() != RemoteRefUpdate.Status.OK && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                        log.warn("dataset {}: push of {} refused ({}{}); retried later", name, branch, u.getStatus(),
                                u.getMessage() == null ? "" : ": " + u.getMessage());
                        onPushFailure.run();
                        return false;
                    }
                }
            }
            log.info("dataset {}: pushed {}", name, branch);
            return true;
        } catch (IOException | GitAPIException | RuntimeException e) {
            log.warn("dataset {}: push failed ({}{}); the commit stays local and is pushed later", name, rootMessage(e),
                    sshHint(String.valueOf(remoteOf(name))));
            onPushFailure.run();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Pushes every dataset that is ahead of its remote; the daemon calls this periodically. */
    public void pushPending() {
        if (!push) {
            return;
        }
        for (String name : list()) {
            pushIfAhead(name);
        }
    }

    private static int aheadBy(Repository repo, String branch) throws IOException {
        ObjectId head = repo.resolve("HEAD");
        if (head == null || repo.getConfig().getString("remote", "origin", "url") == null) {
            return 0;
        }
        ObjectId remote = repo.resolve("refs/remotes/origin/" + branch);
        try (RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(head));
            if (remote != null) {
                walk.markUninteresting(walk.parseCommit(remote));
            }
            int n = 0;
            for (RevCommit ignored : walk) {
                n++;
            }
            return n;
        }
    }

    private static String trailer(RevCommit c, String key) {
        for (String line : c.getFullMessage().split("\n")) {
            if (line.startsWith(key + ": ")) {
                return line.substring(key.length() + 2).trim();
            }
        }
        return null;
    }

    private String remoteOf(String name) {
        try (Repository repo = new FileRepositoryBuilder().setGitDir(datasetDir(name).resolve(".git").toFile()).build()) {
            return repo.getConfig().getString("remote", "origin", "url");
        } catch (IOException e) {
            return null;
        }
    }

    /** For ssh remotes, where to get the key the remote must accept. */
    private static String sshHint(String url) {
        return url.startsWith("ssh://") || url.matches("[^/:]+@[^/:]+:.*")
                ? " (the remote must accept the daemon's key: GET /keys/ssh shows it, to add as a deploy key)" : "";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? e.getMessage() : t.getMessage();
    }

    /** The work tree of a dataset. */
    public Path datasetDir(String dataset) {
        return root.resolve(Names.require("dataset", dataset));
    }

    @Override
    public Path collectorFolder(String dataset, String collector) {
        return datasetDir(dataset).resolve(Names.require("collector", collector));
    }

    /** Dataset names present on disk. */
    public List<String> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isDirectory(p.resolve(".git"))).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public IngestResult ingest(IngestRequest req) throws IngestException {
        ReentrantLock lock = locks.computeIfAbsent(req.dataset(), k -> new ReentrantLock());
        lock.lock();
        try {
            Path dir = datasetDir(req.dataset());
            OutputIngest.Plan plan = OutputIngest.plan(req.outputDir(), collectorFolder(req.dataset(), req.collector()),
                    req.mode());
            req.check().check(plan.tables()); // refused output leaves no trace, not even a new repository
            try (Git git = openOrInit(dir)) {
                try {
                    plan.apply();
                } catch (IOException | RuntimeException e) {
                    restore(git, req.collector());
                    throw new IngestException("cannot write the output into dataset " + req.dataset() + ": " + e.getMessage(), e);
                }
                String commit = commit(git, req);
                if (commit != null && push) {
                    pushIfAhead(req.dataset());
                }
                return new IngestResult(commit, plan.tables());
            }
        } catch (IOException | GitAPIException e) {
            throw new UncheckedIOException(new IOException("dataset " + req.dataset() + ": " + e.getMessage(), e));
        } finally {
            lock.unlock();
        }
    }

    private String commit(Git git, IngestRequest req) throws GitAPIException {
        git.add().addFilepattern(req.collector()).call();
        if (git.status().call().isClean()) {
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

    /** Puts the collector's folder back to the last commit after a failed write. */
    private static void restore(Git git, String collector) {
        try {
            if (git.getRepository().resolve("HEAD") != null) {
                git.checkout().addPath(collector).call();
            }
            git.clean().setPaths(java.util.Set.of(collector)).setCleanDirectories(true).call();
        } catch (IOException | GitAPIException e) {
            log.error("cannot restore {} after a failed ingest", collector, e);
        }
    }

    private static Git openOrInit(Path dir) throws IOException, GitAPIException {
        if (Files.isDirectory(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
            return Git.open(dir.toFile());
        }
        Files.createDirectories(dir);
        log.info("initialised dataset repository {}", dir);
        return Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
    }
}
