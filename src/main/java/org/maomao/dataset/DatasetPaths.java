package org.maomao.dataset;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import org.maomao.run.DatasetWriter.IngestException;

/**
 * Where a run may write in a dataset: only through real folders that lie inside it. Each
 * component is looked at with lstat (no-follow), so a symbolic link in the dataset (an old
 * clone, a hand edit) can never send a write to the host.
 */
final class DatasetPaths {
    private DatasetPaths() {
    }

    /** Whether a path component is one of git's own names, in any case or NTFS/HFS+ spelling. */
    static boolean isGitControlName(String component) {
        return OutputNames.isGitControlName(component);
    }

    /**
     * Checks that {@code datasetDir} is a real folder, that every folder from it down to
     * {@code target} is a real folder or absent, and that {@code target} is a regular file or
     * absent; else throws with a sentence.
     */
    static void requireNoLinks(Path datasetDir, Path target) throws IngestException {
        check(datasetDir, target, false);
    }

    /** Checks that {@code folder} and every folder above it up to {@code datasetDir} are real folders (or absent). */
    static void requireRealFolder(Path datasetDir, Path folder) throws IngestException {
        check(datasetDir, folder, true);
    }

    private static void check(Path datasetDir, Path target, boolean folder) throws IngestException {
        Path rel = datasetDir.relativize(target);
        if (rel.startsWith("..") || rel.isAbsolute()) {
            throw new IngestException("output path " + rel + " leaves the dataset; nothing was committed", null);
        }
        BasicFileAttributes top = lstat(datasetDir);
        if (top != null && !top.isDirectory()) {
            throw refused(datasetDir.getFileName().toString(), "the dataset folder");
        }
        Path at = datasetDir;
        int n = rel.getNameCount();
        for (int i = 0; i < n; i++) {
            at = at.resolve(rel.getName(i).toString());
            BasicFileAttributes a = lstat(at);
            if (a == null) {
                return; // made by the write, as a real folder
            }
            boolean last = i == n - 1 && !folder;
            if (last && a.isDirectory() || !last && a.isRegularFile()) {
                // a real folder where the output has a file, or the other way round: no link involved
                String rel2 = datasetDir.relativize(at).toString();
                throw new IngestException("the output writes " + rel2 + " as a " + (last ? "file" : "folder")
                        + " but the dataset has a " + (last ? "folder" : "file") + " there; rename one of them, or "
                        + "remove it from the dataset (git rm -r " + rel2 + "); nothing was committed", null);
            }
            if (last ? !a.isRegularFile() : !a.isDirectory()) {
                throw refused(datasetDir.relativize(at).toString(), last ? "a file" : "a folder");
            }
        }
    }

    /** Creates the folders of {@code dir} below {@code datasetDir} one by one, refusing any that is not a real folder. */
    static void createFolders(Path datasetDir, Path dir) throws IOException {
        Path at = datasetDir;
        for (Path part : datasetDir.relativize(dir)) {
            at = at.resolve(part.toString());
            try {
                Files.createDirectory(at);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("the dataset's " + datasetDir.relativize(at) + " is not a real folder (a link?); "
                            + "maomao never writes through links");
                }
            }
        }
    }

    /** Checks that a dataset's folder and its {@code .git}, where they exist, are real folders and not links. */
    static void requireRealRepository(Path datasetDir) throws IngestException {
        for (Path p : new Path[] {datasetDir, datasetDir.resolve(".git")}) {
            BasicFileAttributes a = lstat(p);
            if (a != null && !a.isDirectory()) {
                throw refused(datasetDir.getParent().relativize(p).toString(), "a folder");
            }
        }
    }

    private static BasicFileAttributes lstat(Path p) throws IngestException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new IngestException("cannot look at the dataset's " + p.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static IngestException refused(String rel, String what) {
        return new IngestException("the dataset's " + rel + " is not " + what + " but a symbolic link or a special file; "
                + "maomao never writes through links: remove it from the dataset (git rm " + rel + ") and run again; "
                + "nothing was committed", null);
    }
}
