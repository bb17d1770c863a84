package org.maomao.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run's log file, all attempts in one file, and the parser of the collector
 * contract's control lines ({@code ::progress N}, {@code ::progress N/M}, {@code ::result {json}}).
 */
public final class RunLog implements AutoCloseable {
    private static final Pattern PROGRESS = Pattern.compile("::progress\\s+(\\d+)(?:\\s*/\\s*(\\d+))?\\s*");
    private static final String RESULT = "::result ";

    private final BufferedWriter out;
    private final long maxBytes;
    private long bytes;
    private boolean truncated;

    /**
     * Opens {@code file} for appending; past {@code maxBytes} (all attempts together) one
     * marker line is written and the rest of the output is dropped.
     */
    public RunLog(Path file, long maxBytes) {
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(file.getParent());
            bytes = Files.exists(file) ? Files.size(file) : 0;
            truncated = bytes >= maxBytes;
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open run log " + file, e);
        }
    }

    /** Appends one line; the log is flushed per line so a follower sees it at once. */
    public synchronized void append(String line) {
        if (truncated) {
            return;
        }
        long size = line.getBytes(StandardCharsets.UTF_8).length + 1L;
        try {
            if (bytes + size > maxBytes) {
                truncated = true;
                out.write("=== maomao: log truncated at " + bytes + " bytes (max_log); further output dropped ===\n");
                out.flush();
                return;
            }
            bytes += size;
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The percentage in a {@code ::progress} line (clamped to 0–100), or null if the line is not one. */
    public static Integer progress(String line) {
        Matcher m = PROGRESS.matcher(line.strip());
        if (!m.matches()) {
            return null;
        }
        try {
            long n = Long.parseLong(m.group(1));
            if (m.group(2) != null) {
                long total = Long.parseLong(m.group(2));
                if (total <= 0) {
                    return null;
                }
                n = n * 100 / total;
            }
            return (int) Math.max(0, Math.min(100, n));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The JSON text of a {@code ::result} line, or null if the line is not one. */
    public static String result(String line) {
        String s = line.strip();
        return s.startsWith(RESULT) ? s.substring(RESULT.length()).strip() : null;
    }
}
