package org.maomao.run;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

import org.maomao.collector.RunPolicy;

/**
 * Measures a run's /output against its policy's {@code max_output} (bytes of regular
 * files) and {@code max_output_files} (files, folders and links), without following
 * links and stopping as soon as a bound is passed, so one measure costs at most
 * {@code max_output_files} entries however much the collector wrote.
 */
public final class OutputLimit {
    private OutputLimit() {
    }

    /** Null when {@code dir} is within the policy's bounds; else what is wrong, as part of a sentence. */
    public static String check(Path dir, RunPolicy policy) {
        return check(dir, policy.maxOutputBytes(), policy.maxOutputFiles());
    }

    /** Null when {@code dir} holds at most {@code maxBytes} in at most {@code maxEntries} entries. */
    public static String check(Path dir, long maxBytes, int maxEntries) {
        long[] bytes = {0};
        long[] entries = {0};
        String[] problem = {null};
        try {
            Files.walkFileTree(dir, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    return d.equals(dir) ? FileVisitResult.CONTINUE : count(attrs);
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    return count(attrs);
                }

                private FileVisitResult count(BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        bytes[0] += attrs.size();
                    }
                    if (++entries[0] > maxEntries) {
                        problem[0] = "/output holds more than max_output_files (" + maxEntries + " files and folders)";
                    } else if (bytes[0] > maxBytes) {
                        problem[0] = "/output holds more than max_output (" + maxBytes + " bytes)";
                    }
                    return problem[0] == null ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // deleted by the collector while we looked
                    }
                    // a path the daemon cannot read (too long, too deep) could hide any amount of data
                    problem[0] = "/output holds a path the daemon cannot read (" + e.getClass().getSimpleName()
                            + "): keep paths short and readable";
                    return FileVisitResult.TERMINATE;
                }
            });
        } catch (NoSuchFileException e) {
            return null; // no output folder: nothing written
        } catch (IOException e) {
            return "/output cannot be read (" + e.getMessage() + ")";
        }
        return problem[0];
    }
}
