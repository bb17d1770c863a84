package org.maomao.spike;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Extracts the numeric series of a CSV table. Reads from a {@link Reader} or from lines; it opens no
 * files itself, so the daemon can feed it a file, a blob from git, or a header plus the rows a run
 * appended.
 *
 * <p>The format is RFC 4180 with some leniency: the first record is the header; fields are
 * separated by commas; a field that starts with a double quote may hold commas, line breaks and
 * doubled quotes ({@code ""} for {@code "}); every field is trimmed; records whose fields are all
 * empty (blank lines) are ignored; a record with fewer fields than the header has empty cells at
 * the end, extra fields are ignored; an unterminated quote runs to the end of the input.
 *
 * <p>The time column is the first column named {@code timestamp}, else {@code time}, else
 * {@code date} (ignoring case), else the first column. Every other column is a series when it holds
 * at least one number and nothing but numbers: a cell is a number when it is a plain decimal such
 * as {@code 12}, {@code -0.5} or {@code 1.5e3} (no thousands separators, units or hex), and a cell
 * that is empty, {@code NaN}/{@code inf}, or a number too large for a double ({@code 1e309}, which
 * would be an infinity) counts as missing and is left out of the series. A
 * column with no number at all, as in a header-only table, is not a series, because there is
 * nothing to say it is numeric; the next rows of that file may still make it one.
 */
public final class CsvSeriesReader {

    /**
     * The longest record (a line, or several when a quoted field spans lines) read, in characters:
     * a file holding a 1 GB line must not be read into memory whole.
     */
    public static final int MAX_RECORD_CHARS = 1 << 20;

    /** A record longer than {@link #MAX_RECORD_CHARS}; the input is not read further. */
    public static final class RecordTooLongException extends IOException {
        RecordTooLongException(int record) {
            super("CSV record " + record + " is longer than " + MAX_RECORD_CHARS + " characters");
        }
    }

    /** Names of the time column, by priority (compared ignoring case). */
    public static final List<String> TIME_COLUMN_NAMES = List.of("timestamp", "time", "date");

    private static final Set<String> MISSING =
            Set.of("", "nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");
    /** The longest word of {@link #MISSING}: a longer cell is not lower-cased to be looked up. */
    private static final int MAX_MISSING_WORD = "+infinity".length();

    private CsvSeriesReader() {
    }

    /** Reads a whole CSV table, header first. The reader is read to its end but not closed. */
    public static SeriesTable read(Reader reader) throws IOException {
        return table(CsvRecords.records(reader));
    }

    /**
     * What one streaming pass over a CSV file finds: its header, its time column (-1 without a header)
     * and its numeric columns in order (every cell a number or missing, at least one number; the first
     * of a repeated name), holding one record at a time, so a file of any length can be judged.
     */
    public record Columns(List<String> header, int time, Map<String, Integer> numericIndex) {
        /** The numeric columns' names, in order. */
        public List<String> numeric() {
            return List.copyOf(numericIndex.keySet());
        }
    }

    /** Reads {@code reader} once and says which of its columns are numeric series (see {@link Columns}). */
    public static Columns columns(Reader reader) throws IOException {
        List<String> header = new ArrayList<>();
        int[] time = {-1};
        boolean[][] state = {null, null}; // [0]: still numeric, [1]: has a number
        CsvRecords.forEachRecord(reader, c -> true, record -> {
            if (state[0] == null) {
                header.addAll(record);
                time[0] = timeColumnIndex(record);
                state[0] = new boolean[record.size()];
                state[1] = new boolean[record.size()];
                java.util.Arrays.fill(state[0], true);
                return true;
            }
            for (int c = 0; c < state[0].length; c++) {
                String cell = cell(record, c);
                if (state[0][c] && !isMissing(cell)) {
                    state[0][c] = isNumber(cell);
                    state[1][c] = true;
                }
            }
            return true;
        });
        Map<String, Integer> numeric = new LinkedHashMap<>();
        for (int c = 0; c < header.size(); c++) {
            if (c != time[0] && state[0][c] && state[1][c]) {
                numeric.putIfAbsent(header.get(c), c);
            }
        }
        return new Columns(List.copyOf(header), time[0], java.util.Collections.unmodifiableMap(numeric));
    }

    /**
     * Streams the points of the numeric column {@code column} (by index; the time from column {@code time})
     * of the CSV in {@code reader} to {@code sink}, oldest first, holding one record at a time; missing
     * cells are left out.
     */
    public static void forEachPoint(Reader reader, int column, int time, java.util.function.Consumer<SeriesPoint> sink)
            throws IOException {
        boolean[] header = {true};
        CsvRecords.forEachRecord(reader, c -> c == column || c == time, record -> {
            if (header[0]) {
                header[0] = false;
                return true;
            }
            String cell = cell(record, column);
            if (!isMissing(cell) && isNumber(cell)) {
                sink.accept(new SeriesPoint(cell(record, time), Double.parseDouble(cell)));
            }
            return true;
        });
    }

    /** Reads a CSV table given as lines, header first; a quoted field may span lines. */
    public static SeriesTable parse(List<String> lines) {
        try {
            return read(new StringReader(String.join("\n", lines)));
        } catch (IOException e) {
            throw new UncheckedIOException("a StringReader does not fail", e);
        }
    }

    /**
     * Reads the rows a run appended to a CSV file, with the file's header line, so that detection
     * only looks at new rows.
     */
    public static SeriesTable parse(String headerLine, List<String> newRows) {
        List<String> lines = new ArrayList<>(newRows.size() + 1);
        lines.add(headerLine);
        lines.addAll(newRows);
        return parse(lines);
    }

    /**
     * Whether a trimmed cell is a number in the sense of this reader (see the class comment):
     * {@code [+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?} with ASCII digits. Scanned by hand, in one
     * pass: that regex backtracks between its two digit runs, which took quadratic time in the
     * cell's length (a 40,000-digit cell ending in 'x' took seconds), and a collector writes the cell.
     */
    public static boolean isNumber(String cell) {
        int n = cell.length();
        int i = 0;
        if (i < n && (cell.charAt(i) == '+' || cell.charAt(i) == '-')) {
            i++;
        }
        int start = i;
        i = digits(cell, i);
        int mantissaDigits = i - start;
        if (i < n && cell.charAt(i) == '.') {
            int fraction = i + 1;
            i = digits(cell, fraction);
            mantissaDigits += i - fraction;
        }
        if (mantissaDigits == 0) {
            return false;
        }
        if (i < n && (cell.charAt(i) == 'e' || cell.charAt(i) == 'E')) {
            i++;
            if (i < n && (cell.charAt(i) == '+' || cell.charAt(i) == '-')) {
                i++;
            }
            int exponent = i;
            i = digits(cell, i);
            if (i == exponent) {
                return false;
            }
        }
        return i == n;
    }

    /** The index after the ASCII digits that start at {@code i}. */
    private static int digits(String cell, int i) {
        while (i < cell.length() && cell.charAt(i) >= '0' && cell.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /**
     * Whether a trimmed cell is a missing value: empty, NaN, an infinity, or a number that parses to
     * one ({@code 1e309}): a point must be finite, and such a cell says no more than {@code inf}.
     */
    public static boolean isMissing(String cell) {
        if (cell.length() <= MAX_MISSING_WORD && MISSING.contains(cell.toLowerCase(Locale.ROOT))) {
            return true;
        }
        return mayOverflow(cell) && isNumber(cell) && Double.isInfinite(Double.parseDouble(cell));
    }

    /**
     * Whether a cell could be a number beyond a double: it needs an exponent or 309 characters
     * (Double.MAX_VALUE is 1.8e308), so ordinary cells are not parsed twice.
     */
    private static boolean mayOverflow(String cell) {
        return cell.length() > 308 || cell.indexOf('e') >= 0 || cell.indexOf('E') >= 0;
    }

    /**
     * Index of the time column in a header: see the class comment; -1 only for an empty header.
     */
    public static int timeColumnIndex(List<String> header) {
        for (String name : TIME_COLUMN_NAMES) {
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).equalsIgnoreCase(name)) {
                    return i;
                }
            }
        }
        return header.isEmpty() ? -1 : 0;
    }

    private static SeriesTable table(List<List<String>> records) {
        if (records.isEmpty()) {
            return new SeriesTable(List.of(), null, 0, Map.of());
        }
        List<String> header = records.get(0);
        List<List<String>> rows = records.subList(1, records.size());
        int time = timeColumnIndex(header);
        Map<String, List<SeriesPoint>> series = new LinkedHashMap<>();
        for (int column = 0; column < header.size(); column++) {
            String name = header.get(column);
            // A repeated column name cannot be told apart by name later; the first one wins.
            if (column == time || series.containsKey(name)) {
                continue;
            }
            List<SeriesPoint> points = numericPoints(rows, column, time);
            if (points != null && !points.isEmpty()) {
                series.put(name, points);
            }
        }
        return new SeriesTable(header, header.get(time), rows.size(), series);
    }

    /** The column's points, or null when a cell is neither a number nor missing. */
    private static List<SeriesPoint> numericPoints(List<List<String>> rows, int column, int time) {
        List<SeriesPoint> points = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            String cell = cell(row, column);
            if (isMissing(cell)) {
                continue;
            }
            if (!isNumber(cell)) {
                return null;
            }
            points.add(new SeriesPoint(cell(row, time), Double.parseDouble(cell)));
        }
        return points;
    }

    private static String cell(List<String> row, int column) {
        return column < row.size() ? row.get(column) : "";
    }
}
