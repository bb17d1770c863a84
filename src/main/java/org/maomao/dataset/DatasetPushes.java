package org.maomao.dataset;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes datasets to their remotes. A push that fails or is refused is logged, counted
 * (the failure callback) and left for the next one: the local commit is never lost.
 */
final class DatasetPushes {
    private static final Logger log = LoggerFactory.getLogger(DatasetPushes.class);
    private static final int PUSH_TIMEOUT_SECONDS = 60;

    private final DatasetFolders folders;
    private final DatasetLocks locks;
    private final boolean push;
    private final Supplier<TransportConfigCallback> transport;
    private volatile Runnable onPushFailure = () -> { };

    /**
     * @param push whether to push at all ({@code [git] push}); {@link #pushPending} does nothing without it
     */
    DatasetPushes(DatasetFolders folders, DatasetLocks locks, boolean push, Supplier<TransportConfigCallback> transport) {
        this.folders = folders;
        this.locks = locks;
        this.push = push;
        this.transport = transport;
    }

    boolean enabled() {
        return push;
    }

    void setOnPushFailure(Runnable onPushFailure) {
        this.onPushFailure = onPushFailure;
    }

    /** Pushes the dataset's branch to its remote if it has one and is ahead. */
    boolean pushIfAhead(String name) {
        ReentrantLock lock = locks.of(name);
        lock.lock();
        try (Git git = Git.open(folders.datasetDir(name).toFile())) {
            String branch = git.getRepository().getBranch();
            if (git.getRepository().getConfig().getString("remote", "origin", "url") == null
                    || DatasetHistory.aheadBy(git.getRepository(), branch) == 0) {
                return true;
            }
            Iterable<PushResult> results = git.push().setRemote("origin").add(branch)
                    .setTransportConfigCallback(transport.get()).setTimeout(PUSH_TIMEOUT_SECONDS).call();
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
                    RemoteUrls.maskAll(GitFailures.rootMessage(e)),
                    GitFailures.sshHint(String.valueOf(remoteOf(name))));
            onPushFailure.run();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Pushes every dataset that is ahead of its remote; the daemon calls this periodically. */
    void pushPending() {
        if (!push) {
            return;
        }
        // runs on a scheduled executor, which silently stops repeating a task that throws
        try {
            for (String name : folders.list()) {
                pushIfAhead(name);
            }
        } catch (RuntimeException | Error e) {
            log.error("pushing pending dataset commits failed; trying again at the next interval", e);
        }
    }

    private String remoteOf(String name) {
        try (var repo = new FileRepositoryBuilder().setGitDir(folders.datasetDir(name).resolve(".git").toFile()).build()) {
            return repo.getConfig().getString("remote", "origin", "url");
        } catch (IOException e) {
            return null;
        }
    }
}
