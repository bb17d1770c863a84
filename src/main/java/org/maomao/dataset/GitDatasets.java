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
import org.eclipse.jgit.dircache.DirCacheCheckout;
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
import org.maomao.spike.TableRows;
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
    private volatile RemoteUrls remotes;

    /**
     * @param push whether to push each commit of a dataset that has a remote
     */
    public GitDatasets(Path root, String authorName, String authorEmail, boolean push) {
        this.root = root;
        this.authorName = authorName;
        this.authorEmail = authorEmail;
        this.push = push;
        this.remotes = new RemoteUrls(RemoteUrls.DEFAULT_ALLOWED, root);
    }

    /** Which remotes a dataset may be cloned from ({@code [git] allowed_remotes}). */
    public void setRemotes(RemoteUrls remotes) {
        this.remotes = remotes;
    }

    /** Checks a remote before anything is written; see {@link RemoteUrls#check}. */
    public RemoteUrls.Remote checkRemote(String url) {
        return remotes.check(url);
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
     * {@code url} is null. A remote must pass {@code [git] allowed_remotes}; a clone
     * never makes symbolic links ({@code core.symlinks = false}), and one whose tree holds
     * a symbolic link or a submodule is refused. On failure nothing is left behind.
     */
    public DatasetInfo create(String name, String url) throws IOException {
        Names.require("dataset", name);
        if (Names.NO_DATASET.equals(name)) {
            throw new IllegalArgumentException("dataset name \"none\" is reserved for runs that keep their output.");
        }
        RemoteUrls.Remote remote = url == null ? null : remotes.check(url);
        ReentrantLock lock = locks.computeIfAbsent(name, k -> new ReentrantLock());
        lock.lock();
        try {
            Path dir = datasetDir(name);
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new DatasetExistsException(name);
            }
            if (url == null) {
                try {
                    openOrInit(dir).close();
                } catch (GitAPIException | RuntimeException e) {
                    FileTrees.delete(dir);
                    throw new IOException("cannot create dataset " + name + ": " + rootMessage(e), e);
                }
            } else {
                Files.createDirectories(root);
                // cloned beside, then renamed into place: a crash mid-clone never leaves a half dataset
                Path partial = root.resolve(PARTIAL_CLONE + name + "-" + java.util.UUID.randomUUID());
                clone(name, url, remote, partial);
                try {
                    Files.move(partial, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    FileTrees.delete(partial);
                    throw e;
                }
            }
            return info(name).orElseThrow();
        } finally {
            lock.unlock();
        }
    }

    /** Prefix of a clone in progress; dataset names cannot start with a dot. */
    private static final String PARTIAL_CLONE = ".clone-";

    private void clone(String name, String url, RemoteUrls.Remote remote, Path dir) throws IOException {
        String shown = RemoteUrls.mask(url);
        try (Git git = Git.cloneRepository().setURI(remote.cloneUrl()).setDirectory(dir.toFile()).setNoCheckout(true)
                .setCloneSubmodules(false).setTransportConfigCallback(transport).setTimeout(CLONE_TIMEOUT_SECONDS).call()) {
            Repository repo = git.getRepository();
            // a checkout writes a link's target as a plain file, whatever the remote holds
            repo.getConfig().setBoolean("core", null, "symlinks", false);
            repo.getConfig().save();
            ObjectId tree = repo.resolve("HEAD^{tree}");
            if (tree == null) {
                // an empty remote: JGit would start on "master"; datasets start on main
                repo.updateRef("HEAD").link("refs/heads/main");
            } else {
                String bad = LinkFreeTree.problem(repo, tree);
                if (bad != null) {
                    throw new RefusedDatasetException("dataset " + name + " is refused: its files hold " + bad
                            + ", which maomao never checks out; remove it from the repository (git rm) and create the "
                            + "dataset again");
                }
                DirCacheCheckout co = new DirCacheCheckout(repo, repo.lockDirCache(), repo.parseCommit(repo.resolve("HEAD")).getTree());
                co.setFailOnConflict(true);
                co.checkout();
            }
            log.info("dataset {} cloned from {}", name, shown);
        } catch (RefusedDatasetException e) {
            FileTrees.delete(dir);
            log.warn("{}", e.getMessage());
            throw e;
        } catch (GitAPIException | IOException | RuntimeException e) {
            FileTrees.delete(dir);
            // the client learns only that it failed: whether a host or port answered is no business of an API client
            log.warn("dataset {}: cannot clone {}: {}", name, shown, RemoteUrls.maskAll(rootMessage(e)));
            throw new IOException("cannot clone " + shown + ": the remote did not answer as a git repository the daemon "
                    + "may read (it may be unreachable, missing, or refuse the daemon's credentials; the daemon's log "
                    + "says which)" + sshHint(url), e);
        }
    }

    /** A clone that worked but holds what a dataset may not (links, submodules). */
    public static final class RefusedDatasetException extends IOException {
        public RefusedDatasetException(String message) {
            super(message);
        }
    }

    /** The dataset's remote, branch, head and how far it is ahead of the remote. */
    public Optional<DatasetInfo> info(String name) throws IOException {
        Path dir = datasetDir(name);
        if (!isRepository(dir)) {
            return Optional.empty();
        }
        try (Repository repo = new FileRepositoryBuilder().setWorkTree(dir.toFile()).setGitDir(dir.resolve(".git").toFile())
                .build()) {
            String branch = repo.getBranch();
            String remote = RemoteUrls.mask(repo.getConfig().getString("remote", "origin", "url"));
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
            log.warn("dataset {}: push failed ({}{}); the commit stays local and is pushed later", name,
                    RemoteUrls.maskAll(rootMessage(e)),
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
        // runs on a scheduled executor, which silently stops repeating a task that throws
        try {
            for (String name : list()) {
                pushIfAhead(name);
            }
        } catch (RuntimeException | Error e) {
            log.error("pushing pending dataset commits failed; trying again at the next interval", e);
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
    @Override
    public Path datasetDir(String dataset) {
        return root.resolve(Names.require("dataset", dataset));
    }

    @Override
    public Path collectorFolder(String dataset, String collector) {
        return datasetDir(dataset).resolve(Names.require("collector", collector));
    }

    /** A dataset folder and its .git that are real folders, not links to a repository elsewhere. */
    private static boolean isRepository(Path dir) {
        return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether {@code file} lies inside the dataset, reached through real folders only, and
     * is a regular file or absent: reading it cannot read the host through a link.
     */
    public boolean isDataFile(String dataset, Path file) {
        Path dir = datasetDir(dataset);
        Path f = file.toAbsolutePath().normalize();
        if (!f.startsWith(dir.toAbsolutePath()) || f.equals(dir.toAbsolutePath()) || !isRepository(dir)) {
            return false;
        }
        try {
            DatasetPaths.requireNoLinks(dir.toAbsolutePath(), f);
        } catch (IngestException e) {
            return false;
        }
        return true;
    }

    /** Dataset names present on disk. */
    public List<String> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            // only folders named like datasets: a clone in progress (.clone-*) is not one yet
            return s.filter(p -> Names.isValid(p.getFileName().toString())).filter(GitDatasets::isRepository)
                    .map(p -> p.getFileName().toString()).sorted().toList();
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
            DatasetPaths.requireRealRepository(dir);
            DatasetPaths.requireRealFolder(dir, collectorFolder(req.dataset(), req.collector()));
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
                    discardUncommitted(git, req.collector());
                }
            }
            OutputIngest.Plan plan = OutputIngest.plan(req.outputDir(), collectorFolder(req.dataset(), req.collector()),
                    req.mode());
            req.check().check(plan.tables()); // refused output leaves no trace, not even a new repository
            try (Git git = openOrInit(dir)) {
                try {
                    plan.apply();
                } catch (IOException | RuntimeException e) {
                    restore(git, plan.written());
                    String why = String.valueOf(e.getMessage());
                    why = why.length() > 300 ? why.substring(0, 297) + "..." : why;
                    throw new IngestException("cannot write the output into dataset " + req.dataset() + ": " + why
                            + "; nothing was committed", e);
                }
                String commit = commit(git, req, plan.written());
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

    private String commit(Git git, IngestRequest req, List<String> written) throws GitAPIException, IOException,
            IngestException {
        if (written.isEmpty()) {
            log.info("run {} of {} wrote nothing into dataset {}", req.runId(), req.collector(), req.dataset());
            return null;
        }
        // only what the run wrote is staged: nothing else in the work tree (a stray link, say) rides along
        org.eclipse.jgit.api.AddCommand add = git.add();
        written.forEach(add::addFilepattern);
        add.call();
        // the dataset's ignore rules (.gitignore, .git/info/exclude) must not make a run "succeed" with its data unstaged
        org.eclipse.jgit.dircache.DirCache index = git.getRepository().readDirCache();
        for (String path : written) {
            if (index.findEntry(path) < 0) {
                restore(git, written);
                throw new IngestException("git ignores " + path + " in dataset " + req.dataset() + " (a .gitignore or "
                        + ".git/info/exclude of the dataset hides it), so it cannot be committed; remove the rule that "
                        + "matches it from the dataset; nothing was committed", null);
            }
        }
        org.eclipse.jgit.api.Status staged = git.status().call();
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

    @Override
    public Optional<String> commitOf(String dataset, String runId, Instant submittedAt) {
        Path dir = datasetDir(dataset);
        if (!Files.isDirectory(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        ReentrantLock lock = locks.computeIfAbsent(dataset, k -> new ReentrantLock());
        lock.lock();
        try (Git git = Git.open(dir.toFile())) {
            return RunCommits.find(git.getRepository(), runId, submittedAt);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("dataset " + dataset + ": " + e.getMessage(), e));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<TableRows> tablesOf(String dataset, String collector, String commit) {
        ReentrantLock lock = locks.computeIfAbsent(dataset, k -> new ReentrantLock());
        lock.lock();
        try (Git git = Git.open(datasetDir(dataset).toFile())) {
            return CommittedTables.of(git.getRepository(), commit, Names.require("collector", collector));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("dataset " + dataset + ": " + e.getMessage(), e));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes what a daemon killed in the middle of a git operation leaves behind: lock
     * files ({@code *.lock} under each dataset's {@code .git}), while which git refuses to
     * commit, and unfinished clones. Only called at start, before any run, when no git
     * operation of this daemon can hold them. Returns how many were removed.
     */
    public int clearStaleLocks() {
        int removed = 0;
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(root)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith(PARTIAL_CLONE)).toList()) {
                    FileTrees.delete(p);
                    log.warn("removed {}, a clone a stopped daemon did not finish", p.getFileName());
                    removed++;
                }
            } catch (IOException e) {
                log.warn("cannot look for unfinished clones in {}: {}", root, e.getMessage());
            }
        }
        for (String name : list()) {
            Path git = datasetDir(name).resolve(".git");
            // git's locks sit beside what they lock: index, HEAD, config, packed-refs at the top, refs and
            // their logs below; objects (possibly many thousands of files) are never locked, so not walked
            List<Stream<Path>> places = new java.util.ArrayList<>();
            try {
                places.add(Files.list(git));
                for (String sub : new String[] {"refs", "logs"}) {
                    if (Files.isDirectory(git.resolve(sub), LinkOption.NOFOLLOW_LINKS)) {
                        places.add(Files.walk(git.resolve(sub))); // walk does not follow links
                    }
                }
                for (Path p : (Iterable<Path>) places.stream().flatMap(x -> x)::iterator) {
                    if (p.getFileName().toString().endsWith(".lock") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        Files.delete(p);
                        log.warn("dataset {}: removed {} left by an interrupted git operation", name, git.relativize(p));
                        removed++;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                log.warn("dataset {}: cannot clear stale git locks: {}", name, e.getMessage());
            } finally {
                places.forEach(Stream::close);
            }
        }
        return removed;
    }

    /**
     * Removes what no commit holds and a crash left behind (files written by an ingest
     * interrupted before its commit). Ingests of a dataset take turns under its lock, so
     * anything staged now, or changed in the collector's folder, is such a leftover: the
     * index goes back to HEAD, and the collector's folder to its last commit.
     */
    private static void discardUncommitted(Git git, String collector) throws GitAPIException, IOException,
            IngestException {
        org.eclipse.jgit.api.Status status = git.status().call();
        if (!status.getAdded().isEmpty() || !status.getChanged().isEmpty() || !status.getRemoved().isEmpty()) {
            log.warn("dataset {}: unstaging changes no commit holds (left by an interrupted ingest)",
                    git.getRepository().getWorkTree().getName());
            if (git.getRepository().resolve("HEAD") != null) {
                git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.MIXED).setRef("HEAD").call();
            } else {
                org.eclipse.jgit.dircache.DirCache index = git.getRepository().lockDirCache();
                try {
                    index.clear();
                    index.write();
                    index.commit();
                } finally {
                    index.unlock();
                }
            }
            status = git.status().call();
        }
        String prefix = collector + "/";
        boolean dirty = java.util.stream.Stream.of(status.getModified(), status.getMissing(), status.getUntracked(),
                status.getUntrackedFolders()).flatMap(java.util.Set::stream)
                .anyMatch(p -> p.equals(collector) || p.startsWith(prefix));
        if (dirty) {
            // an ingest never writes a link: one here was put in by hand, and is refused, never followed or tidied away
            for (String p : (Iterable<String>) java.util.stream.Stream.of(status.getModified(), status.getUntracked(),
                    status.getUntrackedFolders()).flatMap(java.util.Set::stream)
                    .filter(p -> p.equals(collector) || p.startsWith(prefix))::iterator) {
                if (Files.isSymbolicLink(git.getRepository().getWorkTree().toPath().resolve(p))) {
                    throw new IngestException(p + " in the dataset is a symbolic link; maomao never writes through links: "
                            + "remove it from the dataset's work tree; nothing was committed", null);
                }
            }
            log.warn("dataset {}: discarding changes in {} no commit holds (left by an interrupted ingest)",
                    git.getRepository().getWorkTree().getName(), collector);
            restoreFolder(git, collector);
        }
    }

    /** Puts the collector's folder back to the last commit: changed files checked out, new ones removed. */
    private static void restoreFolder(Git git, String collector) {
        try {
            if (git.getRepository().resolve("HEAD") != null) {
                git.checkout().addPath(collector).call();
            }
            var status = git.status().addPath(collector).call();
            java.util.Set<String> untracked = new java.util.HashSet<>(status.getUntracked());
            untracked.addAll(status.getUntrackedFolders());
            if (!untracked.isEmpty()) {
                // clean's paths are the untracked files and folders themselves, not a prefix
                git.clean().setPaths(untracked).setCleanDirectories(true).call();
            }
        } catch (IOException | GitAPIException e) {
            log.error("cannot restore {} after an interrupted ingest", collector, e);
        }
    }

    /**
     * Puts the files a failed ingest wrote back as the last commit has them: a file the
     * commit holds is checked out again, any other is unstaged and deleted.
     */
    private static void restore(Git git, List<String> written) {
        Repository repo = git.getRepository();
        try {
            ObjectId tree = repo.resolve("HEAD^{tree}");
            for (String path : written) {
                boolean committed = false;
                if (tree != null) {
                    try (org.eclipse.jgit.treewalk.TreeWalk w = org.eclipse.jgit.treewalk.TreeWalk.forPath(repo, path, tree)) {
                        committed = w != null;
                    }
                }
                if (committed) {
                    git.checkout().setStartPoint("HEAD").addPath(path).call();
                } else {
                    git.rm().setCached(true).addFilepattern(path).call();
                    Path file = repo.getWorkTree().toPath().resolve(path);
                    Files.deleteIfExists(file); // deletes a link itself, never its target
                    for (Path d = file.getParent(); d != null && !d.equals(repo.getWorkTree().toPath()); d = d.getParent()) {
                        try {
                            Files.delete(d); // folders the write made, while empty
                        } catch (IOException notEmpty) {
                            break;
                        }
                    }
                }
            }
        } catch (IOException | GitAPIException e) {
            log.error("cannot restore {} after a failed ingest", written, e);
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
