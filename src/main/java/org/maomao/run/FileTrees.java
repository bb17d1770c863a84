package org.maomao.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Deleting a folder with everything in it (run folders, output, a failed clone), never
 * following a symbolic link: a link is removed, what it points to is left alone. Folders
 * are opened relative to their parent's descriptor with no-follow, so a folder swapped
 * for a link while the delete runs cannot send it elsewhere.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes {@code dir} and everything below it, if it exists. */
    public static void delete(Path dir) {
        Path abs = dir.toAbsolutePath();
        try {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(abs, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return;
            }
            if (!a.isDirectory() || abs.getParent() == null) {
                Files.deleteIfExists(abs); // a file or a link: the entry goes, its target stays
                return;
            }
            try (DirectoryStream<Path> parent = Files.newDirectoryStream(abs.getParent())) {
                if (parent instanceof SecureDirectoryStream<Path> sp) {
                    Path name = abs.getFileName();
                    openToOwner(sp.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS),
                            () -> abs);
                    try (SecureDirectoryStream<Path> sub = sp.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                        deleteBelow(sub, abs);
                    }
                    sp.deleteDirectory(name);
                    return;
                }
            }
            deleteWithoutFollowing(abs);
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** The most folders one delete keeps open at once (one descriptor each). */
    private static final int MAX_OPEN = 64;

    /** One open folder of the walk: its stream, the entries left, and how to name it. */
    private static final class Frame {
        final SecureDirectoryStream<Path> dir;
        final java.util.Deque<Path> names = new java.util.ArrayDeque<>();
        final Frame parent;
        final Path name;
        final Path top;

        Frame(SecureDirectoryStream<Path> dir, Frame parent, Path name, Path top) {
            this.dir = dir;
            this.parent = parent;
            this.name = name;
            this.top = top;
            for (Path p : dir) {
                names.add(p.getFileName());
            }
        }

        /** The folder's path, built only when needed (a chmod by path). */
        Path path() {
            java.util.Deque<String> parts = new java.util.ArrayDeque<>();
            Frame f = this;
            for (; f.parent != null; f = f.parent) {
                parts.push(f.name.toString());
            }
            Path p = f.top;
            for (String part : parts) {
                p = p.resolve(part);
            }
            return p;
        }
    }

    /**
     * Deletes everything in {@code top}, depth first without recursion and with at most
     * {@link #MAX_OPEN} folders open: a collector can nest folders tens of thousands deep,
     * which overflowed the stack of a recursive walk (and would exhaust descriptors). A
     * folder deeper than that is renamed into {@code top} (renameat, no path) and deleted
     * from there.
     */
    private static void deleteBelow(SecureDirectoryStream<Path> top, Path topPath) throws IOException {
        java.util.Deque<Frame> stack = new java.util.ArrayDeque<>();
        stack.push(new Frame(top, null, null, topPath));
        try {
            while (!stack.isEmpty()) {
                Frame f = stack.peek();
                if (f.names.isEmpty()) {
                    stack.pop();
                    if (f.parent != null) {
                        f.dir.close();
                        f.parent.dir.deleteDirectory(f.name);
                    }
                    continue;
                }
                Path name = f.names.poll();
                BasicFileAttributes a = f.dir.getFileAttributeView(name, BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).readAttributes();
                if (a.isDirectory() && stack.size() >= MAX_OPEN) {
                    // deeper than the folders we keep open: move it up to the top, to be deleted from there
                    Path up = Path.of(".maomao-deep-" + System.nanoTime() + "-" + stack.size());
                    f.dir.move(name, top, up);
                    stack.getLast().names.addLast(up);
                } else if (a.isDirectory()) {
                    openToOwner(f.dir.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS),
                            () -> f.path().resolve(name.toString()));
                    SecureDirectoryStream<Path> sub = f.dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                    try {
                        stack.push(new Frame(sub, f, name, null));
                    } catch (RuntimeException | Error e) {
                        sub.close();
                        throw e;
                    }
                } else {
                    f.dir.deleteFile(name);
                }
            }
        } finally {
            for (Frame f : stack) {
                if (f.parent != null) {
                    f.dir.close();
                }
            }
        }
    }

    /**
     * Gives a folder's owner read, write and search on it, so that its entries can be listed
     * and removed: a collector running as the daemon's own uid (a daemon that is not root)
     * can chmod 0 a folder in /output, and the run's output could then never be deleted.
     * Only a folder just seen as a folder (not a link) is changed, when the collector is gone;
     * a root daemon never needs it (its reads ignore modes).
     */
    private static void openToOwner(PosixFileAttributeView view, java.util.function.Supplier<Path> folderPath)
            throws IOException {
        if (view == null) {
            return;
        }
        // read relative to the parent's descriptor (fstatat): no path length limit, no link followed
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        Set<PosixFilePermission> owner = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        if (perms.containsAll(owner)) {
            return;
        }
        perms.addAll(owner);
        try {
            view.setPermissions(perms);
        } catch (IOException e) {
            // no-follow chmod opens the folder first, which its mode forbids: chmod by path, the
            // folder having just been seen as no link (its writer, the collector, is gone)
            try {
                Path folder = folderPath.get();
                if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(folder, perms);
                }
            } catch (IOException | java.nio.file.InvalidPathException again) {
                // left as it is (a folder of another owner, say): listing it reports the problem
            }
        }
    }

    /** Where the platform has no descriptor-relative folders: a walk that does not follow links. */
    private static void deleteWithoutFollowing(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
