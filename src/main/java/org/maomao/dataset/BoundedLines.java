package org.maomao.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a text file's lines (split at \n, \r or \r\n, as {@link BufferedReader#readLine}) with
 * a bound on each line's length: a collector's CSV holding a 1 GB line is refused after
 * {@link #MAX_LINE_CHARS} characters instead of being read into memory whole.
 */
final class BoundedLines {
    /** The longest line read from a CSV of the output or of the dataset. */
    static final int MAX_LINE_CHARS = 1 << 20;

    /** A line longer than the bound. */
    static final class LineTooLongException extends IOException {
        LineTooLongException(long line) {
            super("line " + line + " is longer than " + MAX_LINE_CHARS + " characters");
        }
    }

    private BoundedLines() {
    }

    /** Every line of {@code file} (UTF-8, checked). */
    static List<String> read(Path file) throws IOException {
        return read(file, Integer.MAX_VALUE);
    }

    /** The first line of {@code file}, or null when it is empty. */
    static String first(Path file) throws IOException {
        List<String> l = read(file, 1);
        return l.isEmpty() ? null : l.get(0);
    }

    private static List<String> read(Path file, int maxLines) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Reader r = reader(file)) {
            String l;
            while (lines.size() < maxLines && (l = r.readLine()) != null) {
                lines.add(l); // stops at maxLines: a long line after them is never read
            }
        }
        return lines;
    }

    /** Reads {@code file}'s lines one at a time, each bounded as {@link #read} bounds them. */
    static Reader reader(Path file) throws IOException {
        return new Reader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
    }

    /** A line reader that refuses a line over {@link #MAX_LINE_CHARS} instead of holding it. */
    static final class Reader implements java.io.Closeable {
        private final BufferedReader in;
        private final StringBuilder line = new StringBuilder();
        private boolean afterCr;
        private long number;

        private Reader(BufferedReader in) {
            this.in = in;
        }

        /** The next line without its terminator, or null at the end. */
        String readLine() throws IOException {
            line.setLength(0);
            boolean open = false;
            int c;
            while ((c = in.read()) != -1) {
                if (afterCr) {
                    afterCr = false;
                    if (c == '\n') {
                        continue;
                    }
                }
                if (c == '\n' || c == '\r') {
                    afterCr = c == '\r';
                    number++;
                    return line.toString();
                }
                if (line.length() >= MAX_LINE_CHARS) {
                    throw new LineTooLongException(number + 1);
                }
                line.append((char) c);
                open = true;
            }
            if (open) {
                number++;
                return line.toString();
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
