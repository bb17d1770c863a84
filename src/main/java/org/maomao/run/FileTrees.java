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
import java.util.ArrayList;
import java.util.List;

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
                    try (SecureDirectoryStream<Path> sub = sp.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                        deleteBelow(sub);
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

    private static void deleteBelow(SecureDirectoryStream<Path> dir) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path p : dir) {
            names.add(p.getFileName());
        }
        for (Path name : names) {
            BasicFileAttributes a = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            if (a.isDirectory()) {
                try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                    deleteBelow(sub);
                }
                dir.deleteDirectory(name);
            } else {
                dir.deleteFile(name);
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
