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

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.maomao.collector.Names;
import org.maomao.run.DatasetWriter;
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

    private final Path root;
    private final String authorName;
    private final String authorEmail;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public GitDatasets(Path root, String authorName, String authorEmail) {
        this.root = root;
        this.authorName = authorName;
        this.authorEmail = authorEmail;
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
            try (Git git = openOrInit(dir)) {
                OutputIngest.Plan plan = OutputIngest.plan(req.outputDir(), collectorFolder(req.dataset(), req.collector()),
                        req.mode());
                try {
                    plan.apply();
                } catch (IOException | RuntimeException e) {
                    restore(git, req.collector());
                    throw new IngestException("cannot write the output into dataset " + req.dataset() + ": " + e.getMessage(), e);
                }
                return new IngestResult(commit(git, req), plan.tables());
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
