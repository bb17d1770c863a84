package org.maomao.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.maomao.run.DatasetWriter.IngestException;
import org.maomao.run.DatasetWriter.IngestRequest;
import org.maomao.run.DatasetWriter.IngestResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ingest in cluster mode, where every member keeps its own clone of a dataset and the
 * remote is the dataset: under the dataset's cluster-wide lock, fetch the remote, fast-forward
 * the clone to it, ingest and commit here, push (never forced), release.
 *
 * <p>Exactly once across members: a commit is pushed only onto the remote branch as it was
 * fetched (a push is a compare-and-swap of the remote branch), and the fetched branch is
 * searched for the run's {@code Run-Id} before anything is written. A member that lost the
 * lock while paused and pushes late is refused as not a fast-forward; it fetches again, finds
 * the run's commit made by the member that took over, and commits nothing. A commit that could
 * not be pushed is taken back from the clone, so a clone never holds what its remote lacks. A
 * member killed between its commit and its push leaves that commit in its clone: the remote's
 * branch as the ingest found it is kept in {@code .git/maomao-ingest-base} until the push is
 * answered, and the next ingest first takes the clone back there (the run's commit lives only on
 * the remote, which the run's recovery reads: {@link #commitOnRemote}).
 */
final class ClusteredIngest {
    private static final Logger log = LoggerFactory.getLogger(ClusteredIngest.class);
    /** How often a refused push is tried again (fetch, check, commit, push) before the ingest fails. */
    static final int ROUNDS = 5;
    private static final int GIT_TIMEOUT_SECONDS = 60;
    /** Where the remote's branch as an unfinished ingest found it is kept ("none": the remote had no branch). */
    static final String BASE_MARK = "maomao-ingest-base";

    /** The ingest into this member's clone. */
    @FunctionalInterface
    interface Here {
        IngestResult ingest() throws IngestException;
    }

    private final DatasetFolders folders;
    private final ClusterDatasetLock lock;
    private final Supplier<TransportConfigCallback> transport;

    ClusteredIngest(DatasetFolders folders, ClusterDatasetLock lock, Supplier<TransportConfigCallback> transport) {
        this.folders = folders;
        this.lock = lock;
        this.transport = transport;
    }

    /** The sentence for a dataset without a remote in cluster mode. */
    static String needsRemote(String dataset) {
        return "dataset \"" + dataset + "\" has no remote, and in cluster mode every dataset needs one that all members "
                + "fetch from and push to: add it with `maomao datasets add " + dataset + " URL` (POST /datasets with "
                + "{\"name\":\"" + dataset + "\",\"url\":\"URL\"}) on this member, URL being a git repository "
                + "[git] allowed_remotes allows";
    }

    /** Whether the dataset has a clone here with a remote. */
    boolean hasRemote(String dataset) {
        Path dir = folders.datasetDir(dataset);
        if (!Files.isDirectory(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Git git = Git.open(dir.toFile())) {
            return git.getRepository().getConfig().getString("remote", "origin", "url") != null;
        } catch (IOException e) {
            return false;
        }
    }

    IngestResult ingest(IngestRequest req, Here here) throws IngestException {
        String name = req.dataset();
        if (!hasRemote(name)) {
            throw new IngestException(needsRemote(name) + "; nothing was committed", null);
        }
        Path dir = folders.datasetDir(name);
        DatasetPaths.requireRealRepository(dir);
        ClusterDatasetLock.Held held;
        try {
            held = lock.acquire(name);
        } catch (IOException e) {
            throw new IngestException("cannot take the cluster lock of dataset " + name + ": " + e.getMessage()
                    + "; nothing was committed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException("interrupted while waiting for the cluster lock of dataset " + name
                    + "; nothing was committed", e);
        }
        try (held; Git git = Git.open(dir.toFile())) {
            Repository repo = git.getRepository();
            String branch = repo.getBranch();
            takeBackUnfinished(git, name, branch);
            for (int round = 1; ; round++) {
                ObjectId remote = fetch(git, name, branch);
                Optional<String> there = RunCommits.find(repo, remote, req.runId(), req.submittedAt());
                fastForward(git, name, branch, remote);
                if (there.isPresent()) {
                    // another member (or this one, before a crash or a lost answer) pushed this run's commit
                    log.warn("run {} of {} had already committed {} to the remote of dataset {}; not committing again",
                            req.runId(), req.collector(), there.get(), name);
                    return new IngestResult(there.get(), CommittedTables.of(repo, there.get(), req.collector()), true);
                }
                mark(repo, remote);
                IngestResult done = here.ingest();
                if (done.commit() == null || done.earlier()) {
                    unmark(repo);
                    return done;
                }
                String refused = push(git, name, branch);
                if (refused == null) {
                    unmark(repo);
                    return done;
                }
                takeBack(git, branch, remote);
                unmark(repo);
                if (round >= ROUNDS) {
                    throw new IngestException("cannot push to the remote of dataset " + name + " (" + refused + ", "
                            + ROUNDS + " times); nothing was committed, and the run's next attempt tries again", null);
                }
                log.warn("dataset {}: push refused ({}); fetching again to see whether run {} is there (round {} of {})",
                        name, refused, req.runId(), round + 1, ROUNDS);
            }
        } catch (IOException | GitAPIException e) {
            throw new IngestException("dataset " + name + ": " + RemoteUrls.maskAll(GitFailures.rootMessage(e))
                    + "; nothing was committed", e);
        }
    }

    /**
     * Fast-forwards this member's clone to the remote (no cluster lock: a fetch only reads the
     * remote, and the caller holds this member's lock of the dataset, so no ingest here moves
     * the clone meanwhile). A dataset without a remote is left as it is: its ingest is refused.
     */
    void catchUp(String name) throws IngestException {
        if (!hasRemote(name)) {
            return;
        }
        Path dir = folders.datasetDir(name);
        DatasetPaths.requireRealRepository(dir);
        try (Git git = Git.open(dir.toFile())) {
            String branch = git.getRepository().getBranch();
            takeBackUnfinished(git, name, branch);
            fastForward(git, name, branch, fetch(git, name, branch));
        } catch (IOException | GitAPIException e) {
            throw new IngestException("cannot bring this member's clone of dataset " + name + " up to its remote: "
                    + RemoteUrls.maskAll(GitFailures.rootMessage(e)), e);
        }
    }

    /**
     * The commit of run {@code runId} on the dataset's remote, fetched now: in cluster mode a run's
     * commit counts once it is on the remote, and a member that took a run over has not seen it in
     * its own clone (the member that pushed it died before storing it).
     */
    Optional<String> commitOnRemote(String name, String runId, java.time.Instant submittedAt) {
        Path dir = folders.datasetDir(name);
        if (!hasRemote(name)) {
            return Optional.empty();
        }
        try (Git git = Git.open(dir.toFile())) {
            ObjectId remote = fetch(git, name, git.getRepository().getBranch());
            return RunCommits.find(git.getRepository(), remote, runId, submittedAt);
        } catch (IOException | IngestException e) {
            throw new java.io.UncheckedIOException(new IOException(e.getMessage(), e));
        }
    }

    /** Records where the remote's branch was as this ingest began (see the class comment). */
    private static void mark(Repository repo, ObjectId remote) throws IOException {
        Files.writeString(repo.getDirectory().toPath().resolve(BASE_MARK), remote == null ? "none" : remote.name());
    }

    private static void unmark(Repository repo) throws IOException {
        Files.deleteIfExists(repo.getDirectory().toPath().resolve(BASE_MARK));
    }

    /**
     * An ingest of this member that did not finish (the member was killed between its commit and
     * the answer to its push) may have left a commit the remote lacks: the clone goes back to
     * where the remote was then, and the fetch that follows brings whatever was pushed.
     */
    private static void takeBackUnfinished(Git git, String name, String branch) throws IOException, GitAPIException {
        Repository repo = git.getRepository();
        Path mark = repo.getDirectory().toPath().resolve(BASE_MARK);
        if (!Files.isRegularFile(mark, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        String base = Files.readString(mark).trim();
        ObjectId id = base.equals("none") ? null : ObjectId.fromString(base);
        log.warn("dataset {}: an ingest of this member did not finish (killed before its push was answered); "
                + "taking its commit back to {}", name, base);
        takeBack(git, branch, id);
        unmark(repo);
    }

    /** Fetches the remote; returns its branch, or null while the remote has none (an empty repository). */
    private ObjectId fetch(Git git, String name, String branch) throws IngestException {
        try {
            git.fetch().setRemote("origin").setTransportConfigCallback(transport.get()).setTimeout(GIT_TIMEOUT_SECONDS)
                    .call();
            return git.getRepository().resolve("refs/remotes/origin/" + branch);
        } catch (GitAPIException | IOException | RuntimeException e) {
            throw new IngestException("cannot fetch the remote of dataset " + name + " ("
                    + RemoteUrls.maskAll(GitFailures.rootMessage(e)) + "); nothing was committed, and the run's next "
                    + "attempt tries again", e);
        }
    }

    /**
     * Moves the clone's branch and work tree to the remote's, which must contain the clone's:
     * a clone never holds commits its remote lacks here. What the remote holds is checked as a
     * clone is: no links, no submodules.
     */
    private static void fastForward(Git git, String name, String branch, ObjectId remote) throws IOException,
            GitAPIException, IngestException {
        Repository repo = git.getRepository();
        ObjectId head = repo.resolve("HEAD");
        if (remote == null || remote.equals(head)) {
            return;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit theirs = walk.parseCommit(remote);
            if (head != null && !walk.isMergedInto(walk.parseCommit(head), theirs)) {
                throw new IngestException("the clone of dataset " + name + " on this member holds commits its remote "
                        + "lacks (made before cluster mode, or pushed nowhere): push them by hand (git -C "
                        + folders(repo) + " push origin " + branch + ") or remove the clone and add the dataset again; "
                        + "nothing was committed", null);
            }
            String bad = LinkFreeTree.problem(repo, theirs.getTree());
            if (bad != null) {
                throw new IngestException("the remote of dataset " + name + " now holds " + bad + ", which maomao never "
                        + "checks out; remove it from the repository (git rm); nothing was committed", null);
            }
        }
        if (head == null) {
            RefUpdate u = repo.updateRef("refs/heads/" + branch);
            u.setNewObjectId(remote);
            u.setExpectedOldObjectId(ObjectId.zeroId());
            RefUpdate.Result r = u.update();
            if (r != RefUpdate.Result.NEW) {
                throw new IOException("cannot start branch " + branch + " at the remote's: " + r);
            }
        }
        git.reset().setMode(ResetCommand.ResetType.HARD).setRef(remote.name()).call();
    }

    private static String folders(Repository repo) {
        return repo.getWorkTree().toString();
    }

    /** Pushes the branch, never forced; returns null once pushed, else why it was not. */
    private String push(Git git, String name, String branch) {
        try {
            Iterable<PushResult> results = git.push().setRemote("origin").add(branch).setForce(false)
                    .setTransportConfigCallback(transport.get()).setTimeout(GIT_TIMEOUT_SECONDS).call();
            for (PushResult r : results) {
                for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                    if (u.getStatus() != RemoteRefUpdate.Status.OK && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                        return u.getStatus() + (u.getMessage() == null ? "" : ": " + u.getMessage());
                    }
                }
            }
            log.info("dataset {}: pushed {}", name, branch);
            return null;
        } catch (GitAPIException | RuntimeException e) {
            return RemoteUrls.maskAll(GitFailures.rootMessage(e));
        }
    }

    /** Takes a commit that was not pushed back out of the clone: branch and work tree as {@code base} (null: unborn). */
    private static void takeBack(Git git, String branch, ObjectId base) throws IOException, GitAPIException {
        Repository repo = git.getRepository();
        if (base != null) {
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef(base.name()).call();
            return;
        }
        // the remote had no branch yet: the branch goes back to unborn; the files are left to the
        // next ingest, which discards what no commit holds
        // git refuses to delete the branch HEAD is on: HEAD looks elsewhere meanwhile
        String own = "refs/heads/" + branch;
        repo.updateRef("HEAD").link(own + "-unpushed");
        try {
            RefUpdate u = repo.updateRef(own);
            u.setForceUpdate(true);
            RefUpdate.Result r = u.delete();
            if (r != RefUpdate.Result.FORCED && r != RefUpdate.Result.NO_CHANGE) {
                throw new IOException("cannot take back the unpushed commit of " + branch + ": " + r);
            }
        } finally {
            repo.updateRef("HEAD").link(own);
        }
    }
}
