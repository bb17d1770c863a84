package org.maomao.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.maomao.collector.Names;
import org.maomao.run.DatasetWriter.IngestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where datasets live: {@code <root>/<name>}, each a git work tree with its own
 * {@code .git}, and a collector's output under {@code <name>/<collector>}. Names are
 * checked before they become paths, and a folder or {@code .git} that is a link is no dataset.
 */
final class DatasetFolders {
    private static final Logger log = LoggerFactory.getLogger(DatasetFolders.class);

    /** Prefix of a clone in progress; dataset names cannot start with a dot. */
    static final String PARTIAL_CLONE = ".clone-";

    private final Path root;

    DatasetFolders(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** The work tree of a dataset. */
    Path datasetDir(String dataset) {
        return root.resolve(Names.require("dataset", dataset));
    }

    Path collectorFolder(String dataset, String collector) {
        return datasetDir(dataset).resolve(Names.require("collector", collector));
    }

    /** A dataset folder and its .git that are real folders, not links to a repository elsewhere. */
    static boolean isRepository(Path dir) {
        return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether {@code file} lies inside the dataset, reached through real folders only, and
     * is a regular file or absent: reading it cannot read the host through a link.
     */
    boolean isDataFile(String dataset, Path file) {
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
    List<String> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            // only folders named like datasets: a clone in progress (.clone-*) is not one yet
            return s.filter(p -> Names.isValid(p.getFileName().toString())).filter(DatasetFolders::isRepository)
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Git openOrInit(Path dir) throws IOException, GitAPIException {
        if (Files.isDirectory(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
            return Git.open(dir.toFile());
        }
        Files.createDirectories(dir);
        log.info("initialised dataset repository {}", dir);
        return Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
    }
}
