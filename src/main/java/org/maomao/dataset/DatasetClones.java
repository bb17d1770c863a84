package org.maomao.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.maomao.collector.Names;
import org.maomao.run.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a dataset: a new local repository, or a clone of a remote that passed
 * {@code [git] allowed_remotes}. A clone is made beside the datasets and renamed into
 * place, never makes symbolic links, and is refused when its tree holds a link or a
 * submodule; on any failure nothing is left behind.
 */
final class DatasetClones {
    private static final Logger log = LoggerFactory.getLogger(DatasetClones.class);
    private static final int CLONE_TIMEOUT_SECONDS = 300;

    private final DatasetFolders folders;
    private final DatasetLocks locks;
    private final DatasetHistory history;
    private final Supplier<RemoteUrls> remotes;
    private final Supplier<TransportConfigCallback> transport;

    DatasetClones(DatasetFolders folders, DatasetLocks locks, DatasetHistory history, Supplier<RemoteUrls> remotes,
                  Supplier<TransportConfigCallback> transport) {
        this.folders = folders;
        this.locks = locks;
        this.history = history;
        this.remotes = remotes;
        this.transport = transport;
    }

    DatasetInfo create(String name, String url) throws IOException {
        Names.require("dataset", name);
        if (Names.NO_DATASET.equals(name)) {
            throw new IllegalArgumentException("dataset name \"none\" is reserved for runs that keep their output.");
        }
        RemoteUrls.Remote remote = url == null ? null : remotes.get().check(url);
        ReentrantLock lock = locks.of(name);
        lock.lock();
        try {
            Path dir = folders.datasetDir(name);
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new GitDatasets.DatasetExistsException(name);
            }
            if (url == null) {
                try {
                    DatasetFolders.openOrInit(dir).close();
                } catch (GitAPIException | RuntimeException e) {
                    FileTrees.delete(dir);
                    throw new IOException("cannot create dataset " + name + ": " + GitFailures.rootMessage(e), e);
                }
            } else {
                Files.createDirectories(folders.root());
                // cloned beside, then renamed into place: a crash mid-clone never leaves a half dataset
                Path partial = folders.root().resolve(DatasetFolders.PARTIAL_CLONE + name + "-" + UUID.randomUUID());
                clone(name, url, remote, partial);
                try {
                    Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    FileTrees.delete(partial);
                    throw e;
                }
            }
            return history.info(name).orElseThrow();
        } finally {
            lock.unlock();
        }
    }

    private void clone(String name, String url, RemoteUrls.Remote remote, Path dir) throws IOException {
        String shown = RemoteUrls.mask(url);
        try (Git git = Git.cloneRepository().setURI(remote.cloneUrl()).setDirectory(dir.toFile()).setNoCheckout(true)
                .setCloneSubmodules(false).setTransportConfigCallback(transport.get()).setTimeout(CLONE_TIMEOUT_SECONDS)
                .call()) {
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
                    throw new GitDatasets.RefusedDatasetException("dataset " + name + " is refused: its files hold " + bad
                            + ", which maomao never checks out; remove it from the repository (git rm) and create the "
                            + "dataset again");
                }
                String tooBig = CheckoutSize.problem(repo, tree);
                if (tooBig != null) {
                    throw new GitDatasets.RefusedDatasetException("dataset " + name + " is refused: " + tooBig);
                }
                DirCacheCheckout co = new DirCacheCheckout(repo, repo.lockDirCache(), repo.parseCommit(repo.resolve("HEAD")).getTree());
                co.setFailOnConflict(true);
                co.checkout();
            }
            log.info("dataset {} cloned from {}", name, shown);
        } catch (GitDatasets.RefusedDatasetException e) {
            FileTrees.delete(dir);
            log.warn("{}", e.getMessage());
            throw e;
        } catch (GitAPIException | IOException | RuntimeException e) {
            FileTrees.delete(dir);
            // the client learns only that it failed: whether a host or port answered is no business of an API client
            log.warn("dataset {}: cannot clone {}: {}", name, shown, RemoteUrls.maskAll(GitFailures.rootMessage(e)));
            throw new IOException("cannot clone " + shown + ": the remote did not answer as a git repository the daemon "
                    + "may read (it may be unreachable, missing, or refuse the daemon's credentials; the daemon's log "
                    + "says which)" + GitFailures.sshHint(url), e);
        }
    }
}
