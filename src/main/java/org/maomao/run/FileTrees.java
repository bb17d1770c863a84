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
                    openToOwner(abs);
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

    private static void deleteBelow(SecureDirectoryStream<Path> dir, Path dirPath) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path p : dir) {
            names.add(p.getFileName());
        }
        for (Path name : names) {
            BasicFileAttributes a = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            if (a.isDirectory()) {
                Path subPath = dirPath.resolve(name.toString());
                openToOwner(subPath);
                try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                    deleteBelow(sub, subPath);
                }
                dir.deleteDirectory(name);
            } else {
                dir.deleteFile(name);
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
    private static void openToOwner(Path folder) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(folder, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        Set<PosixFilePermission> owner = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        if (!perms.containsAll(owner)) {
            perms.addAll(owner);
            // a folder whose owner is someone else cannot be changed: the delete then fails as before
            try {
                view.setPermissions(perms);
            } catch (IOException e) {
                // no-follow chmod opens the folder first, which its mode forbids: chmod by path, the
                // folder having just been seen as no link (its writer, the collector, is gone)
                try {
                    if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                        Files.setPosixFilePermissions(folder, perms);
                    }
                } catch (IOException again) {
                    // left as it is; listing it reports the problem
                }
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
