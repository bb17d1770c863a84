package org.maomao.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.maomao.collector.Names;
import org.maomao.spike.TableRows;

/**
 * What a dataset's repository says about itself, read without changing it: its remote,
 * branch and head, how far it is ahead of the remote, its commits with their trailers,
 * the commit a run made and the rows that commit added.
 */
final class DatasetHistory {
    private final DatasetFolders folders;
    private final DatasetLocks locks;

    DatasetHistory(DatasetFolders folders, DatasetLocks locks) {
        this.folders = folders;
        this.locks = locks;
    }

    /** The dataset's remote, branch, head and how far it is ahead of the remote. */
    Optional<DatasetInfo> info(String name) throws IOException {
        Path dir = folders.datasetDir(name);
        if (!DatasetFolders.isRepository(dir)) {
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
    List<DatasetCommit> commits(String name, int limit) throws IOException {
        Path dir = folders.datasetDir(name);
        List<DatasetCommit> out = new ArrayList<>();
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

    /** The commit that carries the run's {@code Run-Id} trailer, searching back to around {@code submittedAt}. */
    Optional<String> commitOf(String dataset, String runId, Instant submittedAt) {
        Path dir = folders.datasetDir(dataset);
        if (!Files.isDirectory(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        ReentrantLock lock = locks.of(dataset);
        lock.lock();
        try (Git git = Git.open(dir.toFile())) {
            return RunCommits.find(git.getRepository(), runId, submittedAt);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("dataset " + dataset + ": " + e.getMessage(), e));
        } finally {
            lock.unlock();
        }
    }

    /** The CSV rows {@code commit} added under the collector's folder. */
    List<TableRows> tablesOf(String dataset, String collector, String commit) {
        ReentrantLock lock = locks.of(dataset);
        lock.lock();
        try (Git git = Git.open(folders.datasetDir(dataset).toFile())) {
            return CommittedTables.of(git.getRepository(), commit, Names.require("collector", collector));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("dataset " + dataset + ": " + e.getMessage(), e));
        } finally {
            lock.unlock();
        }
    }

    /** How many commits the branch holds that the remote's branch does not (0 without a remote). */
    static int aheadBy(Repository repo, String branch) throws IOException {
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
}
