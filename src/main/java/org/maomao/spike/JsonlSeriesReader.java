package org.maomao.spike;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * Extracts the numeric series of JSON Lines: each non-blank line is one JSON object, whose scalar
 * fields are flattened to paths ({@code {"cpu":{"user":3}}} gives {@code cpu.user}). Arrays are
 * ignored, with everything in them (an index is no stable name for a series). The time field is the
 * top-level field named {@code timestamp}, else {@code time}, else {@code date} (ignoring case), as
 * for CSV, else the first top-level string that is an ISO-8601 date or date-time (a field such as
 * {@code ts} or {@code @timestamp}: JSON has no first column to fall back on, and a string is no series
 * anyway); with none, points have an empty time and the detector counts points. A field is a series
 * when its values are JSON numbers in every line that has it ({@code null} and a number beyond a
 * double, such as {@code 1e400}, count as missing); a string, boolean or object there makes it no
 * series.
 *
 * <p>Everything a collector controls is bounded: the line (by the caller, 1 Mi characters as for
 * CSV), the nesting depth ({@link #MAX_DEPTH}), and the number of distinct fields (given by the
 * caller, {@code max_series_per_file}); parsing stops at the first field past that bound.
 */
public final class JsonlSeriesReader {
    /** The deepest nesting of objects and arrays a line may have. */
    public static final int MAX_DEPTH = 16;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(1000).maxStringLength(CsvSeriesReader.MAX_RECORD_CHARS).build())
            .build();

    /** A line that is not one JSON object (or is nested too deep). */
    public static final class MalformedLineException extends IOException {
        MalformedLineException(long line, String why) {
            super("line " + line + " is not one JSON object of at most " + MAX_DEPTH + " levels (" + why + ")");
        }
    }

    /** More distinct fields than allowed. */
    public static final class TooManyFieldsException extends IOException {
        TooManyFieldsException(int max) {
            super("more than " + max + " distinct fields besides the time field");
        }
    }

    /** A line longer than {@link CsvSeriesReader#MAX_RECORD_CHARS}: it is not read whole. */
    public static final class LineTooLongException extends IOException {
        LineTooLongException(long line) {
            super("line " + line + " is longer than " + CsvSeriesReader.MAX_RECORD_CHARS + " characters");
        }
    }

    /** Takes the lines {@link #forEachLine} streams. */
    public interface LineSink {
        /** One non-blank line and its number (1 for the file's first line). */
        void accept(long number, String line) throws IOException;
    }

    /** One line: its time text ("" when none) and its scalar fields by path (Double, or another scalar's marker). */
    record Row(String time, Map<String, Object> fields) {
    }

    /** The value of a field that is present but not a number (string, boolean, object, array). */
    static final Object NOT_A_NUMBER = new Object();

    private JsonlSeriesReader() {
    }

    /**
     * Reads lines strictly: a malformed line or more than {@code maxFields} distinct fields (the
     * time field aside) throws. Blank lines are skipped.
     */
    public static SeriesTable parse(List<String> lines, int maxFields) throws IOException {
        List<Row> rows = new ArrayList<>();
        Set<String> fields = new LinkedHashSet<>();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            Row row = row(line, n);
            for (String f : row.fields().keySet()) {
                if (fields.add(f) && fields.size() > maxFields) {
                    throw new TooManyFieldsException(maxFields);
                }
            }
            rows.add(row);
        }
        return table(rows, fields);
    }

    /** Reads lines leniently, for data already in a dataset: malformed lines are left out. */
    public static SeriesTable parseLenient(List<String> lines) {
        List<Row> rows = new ArrayList<>();
        Set<String> fields = new LinkedHashSet<>();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                Row row = row(line, n);
                fields.addAll(row.fields().keySet());
                rows.add(row);
            } catch (MalformedLineException e) {
                // already committed: there is nothing to refuse any more
            }
        }
        return table(rows, fields);
    }

    private static SeriesTable table(List<Row> rows, Set<String> fields) {
        Map<String, List<SeriesPoint>> series = new LinkedHashMap<>();
        for (String f : fields) {
            List<SeriesPoint> points = new ArrayList<>();
            boolean numeric = true;
            for (Row r : rows) {
                Object v = r.fields().get(f);
                if (v == null) {
                    continue;
                }
                if (!(v instanceof Double d)) {
                    numeric = false;
                    break;
                }
                points.add(new SeriesPoint(r.time(), d));
            }
            if (numeric && !points.isEmpty()) {
                series.put(f, points);
            }
        }
        return new SeriesTable(List.copyOf(fields), null, rows.size(), series);
    }

    /**
     * Streams the non-blank lines of {@code reader} to {@code sink}, one at a time, so a file of any
     * length is read in bounded memory; a line longer than {@link CsvSeriesReader#MAX_RECORD_CHARS}
     * throws {@link LineTooLongException} without being read whole. The reader is not closed.
     */
    public static void forEachLine(java.io.Reader reader, LineSink sink) throws IOException {
        StringBuilder line = new StringBuilder();
        long number = 0;
        boolean more = true;
        while (more) {
            int c = reader.read();
            if (c == -1) {
                more = false;
            } else if (c != '\n' && c != '\r') {
                if (line.length() >= CsvSeriesReader.MAX_RECORD_CHARS) {
                    throw new LineTooLongException(number + 1);
                }
                line.append((char) c);
                continue;
            }
            number++;
            if (!line.toString().isBlank()) {
                sink.accept(number, line.toString());
            }
            line.setLength(0);
        }
    }

    /**
     * The numeric fields of the JSON Lines in {@code reader}, in the order first seen, by one streaming
     * pass: fields whose values are numbers (or null) in every line that has them, at least one a number,
     * the time field aside. Strict, as for a run's output: a malformed line throws, and so do more than
     * {@code maxFields} distinct fields.
     */
    public static List<String> numericFields(java.io.Reader reader, int maxFields) throws IOException {
        Map<String, Boolean> seen = new LinkedHashMap<>(); // field -> true while every value was a number
        Set<String> withNumber = new LinkedHashSet<>();
        forEachLine(reader, (number, line) -> {
            for (Map.Entry<String, Object> f : row(line, number).fields().entrySet()) {
                boolean isNumber = f.getValue() instanceof Double;
                Boolean before = seen.put(f.getKey(), isNumber && !Boolean.FALSE.equals(seen.get(f.getKey())));
                if (before == null && seen.size() > maxFields) {
                    throw new TooManyFieldsException(maxFields);
                }
                if (isNumber) {
                    withNumber.add(f.getKey());
                }
            }
        });
        List<String> numeric = new ArrayList<>();
        seen.forEach((field, allNumbers) -> {
            if (allNumbers && withNumber.contains(field)) {
                numeric.add(field);
            }
        });
        return numeric;
    }

    /** Whether a file of this name is read as JSON Lines ({@code .jsonl}, any case), not as CSV. */
    public static boolean readsFile(String fileName) {
        return SeriesFormat.isJsonl(fileName);
    }

    /**
     * Streams the points of {@code field} (a dotted path) of the JSON Lines in {@code reader} to
     * {@code sink}, oldest first, one line at a time; lines without a number there are left out.
     * Strict: a malformed line throws.
     */
    public static void forEachPoint(java.io.Reader reader, String field, java.util.function.Consumer<SeriesPoint> sink)
            throws IOException {
        forEachLine(reader, (number, line) -> {
            Row row = row(line, number);
            if (row.fields().get(field) instanceof Double d) {
                sink.accept(new SeriesPoint(row.time(), d));
            }
        });
    }

    /**
     * One line as a row: the time field's text and every other scalar field by its dotted path.
     * A {@code null} value is left out (missing), and so is a number too large for a double
     * ({@code 1e400}), as a CSV reader leaves out an infinity.
     */
    static Row row(String line, long lineNumber) throws MalformedLineException {
        Map<String, Object> fields = new LinkedHashMap<>();
        String time = null;
        int timeRank = Integer.MAX_VALUE;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedLineException(lineNumber, "it does not start with {");
            }
            List<String> path = new ArrayList<>();
            String field = null;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    // U+0000 (JSON's \\u0000) as U+FFFD: the stores keep names so (PostgreSQL's text refuses
                    // U+0000), and the series must be found in its file again by the name it was stored under
                    case FIELD_NAME -> field = p.currentName().replace('\u0000', '\uFFFD');
                    case START_OBJECT -> {
                        path.add(field);
                        field = null;
                    }
                    case END_OBJECT -> {
                        if (path.isEmpty()) {
                            if (p.nextToken() != null) {
                                throw new MalformedLineException(lineNumber, "there is more after the object");
                            }
                            return new Row(time == null ? "" : time, fields);
                        }
                        path.remove(path.size() - 1);
                    }
                    case START_ARRAY -> p.skipChildren(); // arrays are not series; depth still bounded by the parser
                    default -> {
                        String key = path.isEmpty() ? field : String.join(".", path) + "." + field;
                        if (path.isEmpty()) {
                            int rank = CsvSeriesReader.TIME_COLUMN_NAMES.indexOf(field.toLowerCase(Locale.ROOT));
                            if (rank >= 0 && t != JsonToken.VALUE_NULL) {
                                if (rank < timeRank) { // "timestamp" before "time" before "date"; the others are dropped
                                    time = p.getText();
                                    timeRank = rank;
                                }
                                continue;
                            }
                            if (rank < 0 && t == JsonToken.VALUE_STRING && timeRank == Integer.MAX_VALUE
                                    && SeriesTime.isDateTime(p.getText())) {
                                // no field named for time (yet): the first string that is a date-time, such as
                                // "ts" or "@timestamp", dates the line; a named field that follows still wins.
                                // It stays a field that is no series, as every string does.
                                time = p.getText();
                                timeRank = CsvSeriesReader.TIME_COLUMN_NAMES.size();
                            }
                        }
                        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                            double d = p.getDoubleValue();
                            if (Double.isFinite(d)) {
                                fields.put(key, d);
                            } else {
                                fields.remove(key); // 1e400: missing, as an infinity in CSV; the field stays a series
                            }
                        } else if (t != JsonToken.VALUE_NULL) {
                            fields.put(key, NOT_A_NUMBER);
                        } else {
                            fields.remove(key);
                        }
                    }
                }
            }
            throw new MalformedLineException(lineNumber, "the object is not closed");
        } catch (MalformedLineException e) {
            throw e;
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new MalformedLineException(lineNumber, why.length() > 200 ? why.substring(0, 200) + "…" : why);
        }
    }

    /** The value of {@code field} on {@code line}: a point, or null when the line is malformed or lacks a number there. */
    static SeriesPoint point(String line, String field) {
        try {
            Row r = row(line, 0);
            return r.fields().get(field) instanceof Double d ? new SeriesPoint(r.time(), d) : null;
        } catch (MalformedLineException e) {
            return null;
        }
    }
}
