package org.maomao.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A run's log file, all attempts in one file, cut at {@code max_log} with a marker line. */
public final class RunLog implements AutoCloseable {

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
}
