package org.maomao.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's {@code /input}: a private snapshot of the collector's folder of its dataset,
 * under the run's own folder. The dataset is walked from descriptors opened with
 * no-follow, so every file in the snapshot really lies inside the dataset: symbolic
 * links and special files are skipped, a collector folder that is a link gives an empty
 * input, and a folder swapped for a link during or after the walk changes nothing the
 * container sees (Docker mounts the snapshot, never a path inside the dataset). Files
 * are hard links where the file system allows (the mount is read-only), copies otherwise.
 */
public final class InputSnapshot {
    private static final Logger log = LoggerFactory.getLogger(InputSnapshot.class);
    /** Folders deeper than this are left out: a walk holds one descriptor per level. */
    static final int MAX_DEPTH = 64;

    /** Called before each step on an entry, "look" or "link" (tests use it to swap folders under the walk). */
    interface Hook {
        void before(String step, Path relative) throws IOException;
    }

    private final Hook hook;
    private int skipped;

    InputSnapshot(Hook hook) {
        this.hook = hook;
    }

    /** What was taken: files, and entries left out (links, special files, too deep). */
    public record Result(int files, int skipped) {
    }

    /**
     * Replaces {@code target} with a snapshot of {@code datasetDir/collector}; an empty
     * folder when the dataset or the collector's folder does not exist or is not a real
     * folder.
     */
    public static Result build(Path datasetDir, String collector, Path target) throws IOException {
        return new InputSnapshot((step, p) -> { }).take(datasetDir, collector, target);
    }

    Result take(Path datasetDir, String collector, Path target) throws IOException {
        FileTrees.delete(target);
        Files.createDirectories(target);
        Path abs = datasetDir.toAbsolutePath();
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return new Result(0, 0);
        }
        try (DirectoryStream<Path> top = Files.newDirectoryStream(parent)) {
            if (!(top instanceof SecureDirectoryStream<Path> datasets)) {
                throw new IOException("this platform cannot open folders without following links; maomao needs Linux or "
                        + "another POSIX system for /input");
            }
            try (SecureDirectoryStream<Path> dataset = datasets.newDirectoryStream(abs.getFileName(), LinkOption.NOFOLLOW_LINKS);
                 SecureDirectoryStream<Path> folder = dataset.newDirectoryStream(Path.of(collector), LinkOption.NOFOLLOW_LINKS)) {
                int files = copy(folder, abs.resolve(collector), target, Path.of(""), 0);
                if (skipped > 0) {
                    log.warn("input of {} in {}: left out {} link(s), special file(s) or too deep folder(s)", collector,
                            abs, skipped);
                }
                return new Result(files, skipped);
            } catch (NoSuchFileException e) {
                return empty(target, 0);
            } catch (NotDirectoryException e) {
                log.warn("input of {} in {}: not a folder, the run gets an empty /input", collector, abs);
                return empty(target, 1);
            } catch (FileSystemException e) {
                // ELOOP: the dataset or the collector's folder is a symbolic link
                log.warn("input of {} in {}: {} ({}); the run gets an empty /input", collector, abs, e.getReason(),
                        e.getFile());
                return empty(target, 1);
            }
        }
    }

    /** An empty /input: whatever a walk cut short had taken is dropped. */
    private static Result empty(Path target, int skipped) throws IOException {
        FileTrees.delete(target);
        Files.createDirectories(target);
        return new Result(0, skipped);
    }

    private int copy(SecureDirectoryStream<Path> dir, Path dirPath, Path into, Path rel, int depth) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path p : dir) {
            names.add(p.getFileName());
        }
        int files = 0;
        for (Path name : names) {
            Path relative = rel.resolve(name);
            hook.before("look", relative);
            BasicFileAttributes a;
            try {
                a = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
            } catch (NoSuchFileException e) {
                continue;
            }
            Path out = into.resolve(name.toString());
            if (a.isDirectory() && depth < MAX_DEPTH && !name.toString().equalsIgnoreCase(".git")) {
                SecureDirectoryStream<Path> sub;
                try {
                    sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                } catch (FileSystemException e) {
                    skipped++; // swapped for a link since the look above
                    continue;
                }
                try (sub) {
                    Files.createDirectory(out);
                    files += copy(sub, dirPath.resolve(name.toString()), out, relative, depth + 1);
                }
            } else if (a.isRegularFile()) {
                if (take(dir, name, a, dirPath.resolve(name.toString()), out, relative)) {
                    files++;
                } else {
                    skipped++;
                }
            } else {
                skipped++;
            }
        }
        return files;
    }

    /**
     * Takes one regular file: a hard link when it names the very file the descriptor
     * sees (a path is resolved again by link(2), so a folder swapped in between would
     * give another file: then it is copied from the descriptor instead).
     */
    private boolean take(SecureDirectoryStream<Path> dir, Path name, BasicFileAttributes seen, Path source, Path out,
                         Path relative) throws IOException {
        hook.before("link", relative);
        try {
            Files.createLink(out, source);
            Object linked = Files.readAttributes(out, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (seen.fileKey() != null && Objects.equals(linked, seen.fileKey())
                    && Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
            Files.delete(out);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            Files.deleteIfExists(out);
            // another file system or a protected link: copy
        }
        try (SeekableByteChannel ch = dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
             InputStream in = Channels.newInputStream(ch);
             OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            BasicFileAttributes now = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            if (!now.isRegularFile()) {
                return false;
            }
            in.transferTo(o);
            return true;
        } catch (FileSystemException e) {
            Files.deleteIfExists(out);
            return false; // swapped for a link or removed since the look above
        }
    }
}
