package org.maomao.spike;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streams every point of one series from its dataset file (CSV or JSONL), oldest first, holding
 * one record at a time: a re-scan reads the whole history, so it must not load it.
 */
final class SeriesHistory {
    /** The biggest file a re-scan reads. */
    static final long MAX_BYTES = 256L << 20;

    /** A history that cannot be read whole (too big, or a line past the bound). */
    static final class UnreadableException extends IOException {
        UnreadableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private SeriesHistory() {
    }

    /**
     * Feeds the points of {@code field} in {@code file} to {@code sink}; returns how many rows had a
     * value there that is not a number (or, in JSONL, were not one JSON object) and were skipped.
     */
    static long read(Path file, String field, Consumer<SeriesPoint> sink) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new UnreadableException(file.getFileName() + " is " + size + " bytes, more than the " + MAX_BYTES
                    + " a re-scan reads", null);
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return SeriesFormat.isJsonl(file.getFileName().toString()) ? jsonl(r, field, sink) : csv(r, field, sink);
        }
    }

    private static long csv(BufferedReader r, String column, Consumer<SeriesPoint> sink) throws IOException {
        long[] skipped = {0};
        int[] col = {-1};
        int[] time = {-1};
        try {
            CsvRecords.forEachRecord(r, c -> col[0] < 0 || c == col[0] || c == time[0], record -> {
                if (col[0] < 0) {
                    col[0] = record.indexOf(column);
                    time[0] = CsvSeriesReader.timeColumnIndex(record);
                    return col[0] >= 0 && col[0] != time[0]; // no such column: nothing to read
                }
                String cell = col[0] < record.size() ? record.get(col[0]) : "";
                if (CsvSeriesReader.isMissing(cell)) {
                    return true;
                }
                if (!CsvSeriesReader.isNumber(cell)) {
                    skipped[0]++;
                    return true;
                }
                sink.accept(new SeriesPoint(time[0] < record.size() ? record.get(time[0]) : "", Double.parseDouble(cell)));
                return true;
            });
        } catch (CsvSeriesReader.RecordTooLongException e) {
            throw new UnreadableException(e.getMessage(), e);
        }
        return skipped[0];
    }

    private static long jsonl(BufferedReader r, String field, Consumer<SeriesPoint> sink) throws IOException {
        long[] skipped = {0};
        try {
            JsonlSeriesReader.forEachLine(r, (number, line) -> {
                try {
                    JsonlSeriesReader.Row row = JsonlSeriesReader.row(line, number);
                    Object v = row.fields().get(field);
                    if (v instanceof Double d) {
                        sink.accept(new SeriesPoint(row.time(), d));
                    } else if (v != null) {
                        skipped[0]++;
                    }
                } catch (JsonlSeriesReader.MalformedLineException e) {
                    skipped[0]++;
                }
            });
        } catch (JsonlSeriesReader.LineTooLongException e) {
            throw new UnreadableException(e.getMessage(), e);
        }
        return skipped[0];
    }

    /** For tests: every point, as a list. */
    static List<SeriesPoint> all(Path file, String field) throws IOException {
        List<SeriesPoint> out = new java.util.ArrayList<>();
        read(file, field, out::add);
        return out;
    }

    static boolean isFile(Path file) {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
    }
}
