package org.maomao.spike;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Splits CSV text into records of trimmed fields, RFC 4180 with the leniency described on
 * {@link CsvSeriesReader}: one pass over a character buffer, holding one record at a time and
 * none longer than {@link CsvSeriesReader#MAX_RECORD_CHARS}.
 */
final class CsvRecords {
    private CsvRecords() {
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
                if (++recordChars > CsvSeriesReader.MAX_RECORD_CHARS) {
                    throw new CsvSeriesReader.RecordTooLongException(count[0] + 1);
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
