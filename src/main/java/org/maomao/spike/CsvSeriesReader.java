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
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

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
 * that is empty or {@code NaN}/{@code inf} counts as missing and is left out of the series. A
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

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Set<String> MISSING =
            Set.of("", "nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");

    private CsvSeriesReader() {
    }

    /** Reads a whole CSV table, header first. The reader is read to its end but not closed. */
    public static SeriesTable read(Reader reader) throws IOException {
        return table(records(reader));
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

    /** Whether a trimmed cell is a number in the sense of this reader (see the class comment). */
    public static boolean isNumber(String cell) {
        return NUMBER.matcher(cell).matches();
    }

    /** Whether a trimmed cell is a missing value: empty, NaN or an infinity. */
    public static boolean isMissing(String cell) {
        return MISSING.contains(cell.toLowerCase(Locale.ROOT));
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

    /** Splits CSV text into records of trimmed fields, dropping records whose fields are all empty. */
    static List<List<String>> records(Reader reader) throws IOException {
        return records(reader, column -> true);
    }

    /**
     * As {@link #records(Reader)}, but the text of a column that {@code keep} rejects is not kept
     * (its field is ""), so reading one series of a wide table does not copy every cell.
     */
    static List<List<String>> records(Reader reader, IntPredicate keep) throws IOException {
        return records(reader, keep, Integer.MAX_VALUE);
    }

    /**
     * The header as the table of {@code headerLine} plus {@code newRows} has it: its first record
     * with a field that is not empty, which a quoted field may carry past the header line.
     * Reads no further than that record.
     */
    static List<String> header(String headerLine, List<String> newRows) throws IOException {
        List<String> lines = new ArrayList<>(newRows.size() + 1);
        lines.add(headerLine);
        lines.addAll(newRows);
        return records(new LinesReader(lines), column -> true, 1).stream().findFirst().orElse(List.of());
    }

    private static List<List<String>> records(Reader reader, IntPredicate keep, int maxRecords) throws IOException {
        List<List<String>> records = new ArrayList<>();
        forEachRecord(reader, keep, r -> {
            records.add(r);
            return records.size() < maxRecords;
        });
        return records;
    }

    /**
     * Streams the records of CSV text to {@code sink} (as {@link #records(Reader, IntPredicate)} would
     * list them) until it returns false or the text ends, holding one record at a time, so a file of
     * any length can be read with bounded memory.
     */
    static void forEachRecord(Reader reader, IntPredicate keep, java.util.function.Predicate<List<String>> sink)
            throws IOException {
        int[] count = {0};
        java.util.function.Predicate<List<String>> counted = r -> {
            count[0]++;
            return sink.test(r);
        };
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean kept = keep.test(0);
        boolean blank = true; // the field so far is only whitespace (kept or not)
        boolean inQuotes = false;
        boolean afterClosingQuote = false;
        boolean afterCarriageReturn = false;
        boolean atStart = true;
        int recordChars = 0;
        char[] buffer = new char[8192];
        int read;
        while ((read = reader.read(buffer)) != -1) {
            for (int i = 0; i < read; i++) {
                char c = buffer[i];
                if (++recordChars > MAX_RECORD_CHARS) {
                    throw new RecordTooLongException(count[0] + 1);
                }
                if (atStart) {
                    atStart = false;
                    if (c == '\uFEFF') {
                        continue; // a byte-order mark, as some spreadsheet exports write, is not data
                    }
                }
                if (afterCarriageReturn) {
                    afterCarriageReturn = false;
                    if (c == '\n') {
                        continue; // the \n of a \r\n line break
                    }
                }
                if (inQuotes) {
                    if (c == '"') {
                        inQuotes = false;
                        afterClosingQuote = true;
                    } else {
                        blank &= Character.isWhitespace(c);
                        if (kept) {
                            field.append(c);
                        }
                    }
                    continue;
                }
                if (c == '"') {
                    if (afterClosingQuote) {
                        // "" inside a quoted field: the first quote closed it, this one reopens it.
                        blank = false;
                        if (kept) {
                            field.append('"');
                        }
                        inQuotes = true;
                        afterClosingQuote = false;
                    } else if (blank) {
                        field.setLength(0);
                        inQuotes = true;
                    } else if (kept) {
                        field.append(c); // a quote inside an unquoted field is just a character
                    }
                    continue;
                }
                afterClosingQuote = false;
                if (c == ',' || c == '\n' || c == '\r') {
                    fields.add(kept ? field.toString().strip() : "");
                    field.setLength(0);
                    blank = true;
                    if (c != ',') {
                        afterCarriageReturn = c == '\r';
                        if (!addRecord(counted, fields)) {
                            return;
                        }
                        fields = new ArrayList<>();
                        recordChars = 0;
                    }
                    kept = keep.test(fields.size());
                } else {
                    blank &= Character.isWhitespace(c);
                    if (kept) {
                        field.append(c);
                    }
                }
            }
        }
        if (!fields.isEmpty() || field.length() > 0) {
            fields.add(kept ? field.toString().strip() : "");
            addRecord(counted, fields);
        }
    }

    /** Passes a record on unless all its fields are empty; false when the sink wants no more. */
    private static boolean addRecord(java.util.function.Predicate<List<String>> sink, List<String> fields) {
        if (fields.stream().allMatch(String::isEmpty)) {
            return true;
        }
        return sink.test(fields);
    }

    /** The lines of a list as one text, joined by \n, without copying them into one string. */
    private static final class LinesReader extends Reader {
        private final List<String> lines;
        private int line;
        private int pos;

        LinesReader(List<String> lines) {
            this.lines = lines;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            int n = 0;
            while (n < len && line < lines.size()) {
                String l = lines.get(line);
                if (pos < l.length()) {
                    int k = Math.min(len - n, l.length() - pos);
                    l.getChars(pos, pos + k, buf, off + n);
                    pos += k;
                    n += k;
                } else {
                    buf[off + n++] = '\n';
                    line++;
                    pos = 0;
                }
            }
            return n == 0 && len > 0 ? -1 : n;
        }

        @Override
        public void close() {
            // nothing to release
        }
    }
}
