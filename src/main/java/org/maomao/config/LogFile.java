package org.maomao.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.maomao.units.Sizes;

/**
 * {@code [daemon] log_file}: a file the daemon logs to besides standard error (the journal
 * under systemd), rotated by size: at {@code log_max_size} the file becomes {@code FILE.1},
 * the older ones shift up, and at most {@code log_max_files} old files are kept.
 */
public record LogFile(Path path, long maxBytes, int maxFiles) {
    public static final long DEFAULT_MAX_BYTES = 10L << 20;
    public static final int DEFAULT_MAX_FILES = 5;
    /** Logback's fixed window keeps at most 20 files; a bigger window would be cut silently. */
    public static final int MAX_FILES = 20;
    private static final long MIN_BYTES = 1L << 10;

    /** The setting, or empty when {@code [daemon] log_file} is not set; throws with a sentence when it cannot work. */
    public static Optional<LogFile> from(Settings s) {
        Optional<Path> path = s.path("daemon", "log_file").map(Path::toAbsolutePath);
        long max = Sizes.parse("[daemon] log_max_size", s.get("daemon", "log_max_size").orElse("10m"));
        if (max < MIN_BYTES) {
            throw new IllegalArgumentException("[daemon] log_max_size must be at least 1k, got " + max + " bytes.");
        }
        String filesText = s.get("daemon", "log_max_files").orElse(Integer.toString(DEFAULT_MAX_FILES));
        int files;
        try {
            files = Integer.parseInt(filesText.trim());
        } catch (NumberFormatException e) {
            files = -1;
        }
        if (files < 1 || files > MAX_FILES) {
            throw new IllegalArgumentException("[daemon] log_max_files must be a whole number from 1 to " + MAX_FILES
                    + ", got \"" + filesText + "\".");
        }
        if (path.isEmpty()) {
            return Optional.empty();
        }
        Path p = path.get();
        Path dir = p.getParent();
        if (Files.isDirectory(p)) {
            throw new IllegalArgumentException("[daemon] log_file " + p + " is a folder: name a file in it, e.g. "
                    + p.resolve("maomao.log") + ".");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("[daemon] log_file " + p + ": its folder does not exist; create it or "
                    + "name a file in an existing folder.");
        }
        if (!Files.isWritable(dir) || Files.exists(p) && !Files.isWritable(p)) {
            throw new IllegalArgumentException("[daemon] log_file " + p + " cannot be written by this user: fix the "
                    + "permissions of " + dir + " or name another file.");
        }
        return Optional.of(new LogFile(p, max, files));
    }
}
