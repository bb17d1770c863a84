package org.maomao.spike;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one series of a dataset's CSV file, for plotting. Only the header and the end of the
 * file are read, so the cost does not grow with the file's history: a plot on the status page
 * or {@code GET /series/{id}} reads at most {@link #MAX_TAIL_BYTES} however big the file is.
 * (A quoted field spanning lines right at the cut may lose its first row; a plot can afford it.)
 */
public final class SeriesFiles {
    private static final Logger log = LoggerFactory.getLogger(SeriesFiles.class);
    /** The most bytes read from the end of a file for one tail. */
    public static final int MAX_TAIL_BYTES = 16 << 20;
    private static final int BLOCK = 64 << 10;

    private SeriesFiles() {
    }

    /**
     * The last {@code limit} points of {@code column} in {@code file} (fewer when their rows
     * are more than {@link #MAX_TAIL_BYTES}); empty if the file or column is gone, or if the
     * file has a record longer than {@link CsvSeriesReader#MAX_RECORD_CHARS}.
     */
    public static List<SeriesPoint> tail(Path file, String column, int limit) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || limit <= 0) {
            return List.of();
        }
        try {
            if (SeriesFormat.isJsonl(file.getFileName().toString())) {
                return jsonlTail(file, column, limit);
            }
            ByteArrayOutputStream header = headerLine(file);
            if (header == null) {
                return List.of();
            }
            List<String> fields = CsvRecords.records(new StringReader(header.toString(StandardCharsets.UTF_8)))
                    .stream().findFirst().orElse(List.of());
            int col = fields.indexOf(column);
            int time = CsvSeriesReader.timeColumnIndex(fields);
            if (col < 0 || col == time) {
                return List.of();
            }
            long dataStart = header.size() + 1L; // after the header's \n
            List<List<String>> rows = CsvRecords.records(new StringReader(tailText(file, dataStart, limit)),
                    c -> c == col || c == time);
            List<SeriesPoint> points = new ArrayList<>();
            for (List<String> row : rows) {
                String cell = col < row.size() ? row.get(col) : "";
                if (CsvSeriesReader.isMissing(cell)) {
                    continue;
                }
                if (!CsvSeriesReader.isNumber(cell)) {
                    return List.of(); // no longer a numeric column
                }
                points.add(new SeriesPoint(time < row.size() ? row.get(time) : "", Double.parseDouble(cell)));
            }
            return points.subList(Math.max(0, points.size() - limit), points.size());
        } catch (CsvSeriesReader.RecordTooLongException e) {
            log.warn("not plotting {}: {}", file, e.getMessage());
            return List.of();
        }
    }

    /** As {@link #tail} for a JSONL file: the last points of the (dotted) field, lines that lack it left out. */
    private static List<SeriesPoint> jsonlTail(Path file, String field, int limit) throws IOException {
        List<SeriesPoint> points = new ArrayList<>();
        for (String line : tailText(file, 0, limit).split("\n")) {
            if (line.length() > CsvSeriesReader.MAX_RECORD_CHARS) {
                continue;
            }
            SeriesPoint p = JsonlSeriesReader.point(line, field);
            if (p != null) {
                points.add(p);
            }
        }
        return points.subList(Math.max(0, points.size() - limit), points.size());
    }

    /** The bytes of the first line, without its \n (null for an empty file); at most {@link CsvSeriesReader#MAX_RECORD_CHARS} are read. */
    private static ByteArrayOutputStream headerLine(Path file) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))) {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (line.size() >= CsvSeriesReader.MAX_RECORD_CHARS) {
                    throw new CsvSeriesReader.RecordTooLongException(1);
                }
                line.write(b);
            }
            if (b == -1 && line.size() == 0) {
                return null;
            }
        }
        return line;
    }

    /**
     * The whole lines at the end of the file, after {@code dataStart}: enough for {@code limit}
     * rows, read backwards block by block, at most {@link #MAX_TAIL_BYTES}.
     */
    private static String tailText(Path file, long dataStart, int limit) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(file, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            long from = size;
            int newlines = 0;
            ByteBuffer buf = ByteBuffer.allocate(BLOCK);
            while (from > dataStart && newlines <= limit && size - from < MAX_TAIL_BYTES) {
                int n = (int) Math.min(BLOCK, from - dataStart);
                from -= n;
                buf.clear().limit(n);
                ch.position(from);
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // fill the block
                }
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) == '\n') {
                        newlines++;
                    }
                }
            }
            from = Math.max(from, dataStart);
            int len = (int) Math.min(size - from, MAX_TAIL_BYTES);
            from = size - len;
            ByteBuffer all = ByteBuffer.allocate(len);
            ch.position(from);
            while (all.hasRemaining() && ch.read(all) > 0) {
                // read to the end
            }
            int start = 0;
            if (from > dataStart) {
                // the first line is cut: start after its line break
                while (start < len && all.get(start) != '\n') {
                    start++;
                }
                start++;
            }
            return start >= len ? "" : new String(all.array(), start, len - start, StandardCharsets.UTF_8);
        }
    }
}
