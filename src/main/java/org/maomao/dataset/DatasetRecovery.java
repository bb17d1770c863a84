package org.maomao.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.maomao.run.DatasetWriter.IngestException;
import org.maomao.run.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts datasets back in order after something stopped half-way: at start, the lock files
 * and unfinished clones a killed daemon left; before an ingest, the files an interrupted
 * ingest wrote but never committed; after a failed ingest, the files it wrote.
 */
final class DatasetRecovery {
    private static final Logger log = LoggerFactory.getLogger(DatasetRecovery.class);

    private DatasetRecovery() {
    }

    /**
     * Removes what a daemon killed in the middle of a git operation leaves behind: lock
     * files ({@code *.lock} under each dataset's {@code .git}), while which git refuses to
     * commit, and unfinished clones. Only called at start, before any run, when no git
     * operation of this daemon can hold them. Returns how many were removed.
     */
    static int clearStaleLocks(DatasetFolders folders) {
        Path root = folders.root();
        int removed = 0;
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(root)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith(DatasetFolders.PARTIAL_CLONE)).toList()) {
                    FileTrees.delete(p);
                    log.warn("removed {}, a clone a stopped daemon did not finish", p.getFileName());
                    removed++;
                }
            } catch (IOException e) {
                log.warn("cannot look for unfinished clones in {}: {}", root, e.getMessage());
            }
        }
        for (String name : folders.list()) {
            Path git = folders.datasetDir(name).resolve(".git");
            // git's locks sit beside what they lock: index, HEAD, config, packed-refs at the top, refs and
            // their logs below; objects (possibly many thousands of files) are never locked, so not walked
            List<Stream<Path>> places = new ArrayList<>();
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
            removed += clearTemporaryObjects(name, git);
        }
        return removed;
    }

    /**
     * Removes the temporary files an object write cut short leaves (JGit writes each loose object to
     * {@code objects/noz*.tmp} and renames it when whole; packs arrive as {@code objects/pack/*.tmp} or
     * {@code incoming_*}): no git tool counts them as garbage, so each kill during a large ingest leaked up
     * to max_output bytes for good. Only the top of {@code objects} and {@code objects/pack} are listed.
     */
    private static int clearTemporaryObjects(String name, Path git) {
        int removed = 0;
        for (Path dir : List.of(git.resolve("objects"), git.resolve("objects/pack"))) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    String file = p.getFileName().toString();
                    if ((file.endsWith(".tmp") || file.startsWith("incoming_"))
                            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        Files.delete(p);
                        log.warn("dataset {}: removed {} left by an interrupted object write", name, git.relativize(p));
                        removed++;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                log.warn("dataset {}: cannot clear temporary object files: {}", name, e.getMessage());
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
    static void discardUncommitted(Git git, String collector) throws GitAPIException, IOException, IngestException {
        Status status = git.status().call();
        if (!status.getAdded().isEmpty() || !status.getChanged().isEmpty() || !status.getRemoved().isEmpty()) {
            log.warn("dataset {}: unstaging changes no commit holds (left by an interrupted ingest)",
                    git.getRepository().getWorkTree().getName());
            if (git.getRepository().resolve("HEAD") != null) {
                git.reset().setMode(ResetCommand.ResetType.MIXED).setRef("HEAD").call();
            } else {
                DirCache index = git.getRepository().lockDirCache();
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
        boolean dirty = Stream.of(status.getModified(), status.getMissing(), status.getUntracked(),
                status.getUntrackedFolders()).flatMap(Set::stream)
                .anyMatch(p -> p.equals(collector) || p.startsWith(prefix));
        if (dirty) {
            // an ingest never writes a link: one here was put in by hand, and is refused, never followed or tidied away
            for (String p : (Iterable<String>) Stream.of(status.getModified(), status.getUntracked(),
                    status.getUntrackedFolders()).flatMap(Set::stream)
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
            Set<String> untracked = new HashSet<>(status.getUntracked());
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
    static void restore(Git git, List<String> written) {
        Repository repo = git.getRepository();
        try {
            ObjectId tree = repo.resolve("HEAD^{tree}");
            for (String path : written) {
                boolean committed = false;
                if (tree != null) {
                    try (TreeWalk w = TreeWalk.forPath(repo, path, tree)) {
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
}
