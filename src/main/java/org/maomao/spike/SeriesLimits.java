package org.maomao.spike;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;


import org.maomao.spike.TableRows;
import org.maomao.spike.SeriesStore;

/**
 * Bounds the series a run's output may create, before the output is committed: every column
 * of a CSV but its time column may become a series with its own row in the store, so a file
 * with a million columns (or a run writing thousands of files) must be refused, not taken; and a
 * series whose name the store cannot hold must be refused here, not fail the run after its commit.
 */
final class SeriesLimits {
    private final SeriesStore store;

    SeriesLimits(SeriesStore store) {
        this.store = store;
    }

    /** Characters of a file or column name a refusal quotes: the name may be megabytes long. */
    static final int QUOTED_NAME = 80;

    /**
     * Throws with a sentence when a table has more than {@code maxPerFile} columns besides its
     * time column, when a series of it would have a name longer than the store holds
     * ({@link SeriesStore#MAX_NAME_LENGTH}), or when the series the tables would add to
     * {@code collector} in {@code dataset} would bring it past {@code max}.
     */
    void check(String dataset, String collector, List<TableRows> tables, int maxPerFile, int max) throws SeriesLimitException {
        long columns = 0;
        for (TableRows t : tables) {
            if (SeriesFormat.isJsonl(t.file())) {
                SeriesTable table = jsonlTable(t, maxPerFile);
                checkNames(collector, t, table.header(), table);
                columns += table.header().size();
                continue;
            }
            List<String> header;
            try {
                header = CsvRecords.header(t.header(), t.rows());
            } catch (IOException e) {
                throw new SeriesLimitException("output " + t.file() + " cannot be read as CSV: " + e.getMessage()
                        + "; write shorter records. Nothing was committed.", e);
            }
            int valueColumns = Math.max(0, header.size() - 1);
            if (valueColumns > maxPerFile) {
                throw new SeriesLimitException("output " + t.file() + " has " + valueColumns + " columns besides its time column, "
                        + "more than max_series_per_file (" + maxPerFile + "), and each column is a series; write fewer "
                        + "columns per file, or raise max_series_per_file for this collector. Nothing was committed.", null);
            }
            checkNames(collector, t, header, null);
            columns += valueColumns;
        }
        long existing = store.count(dataset, collector);
        if (existing + columns <= max) {
            return; // even if every column were a new series
        }
        // only numeric columns not stored yet are new series
        Set<String> candidates = new LinkedHashSet<>();
        for (TableRows t : tables) {
            if (t.rows().isEmpty()) {
                continue;
            }
            for (String column : SeriesFormat.table(t).numericColumns()) {
                candidates.add(SeriesTable.seriesName(collector + "/" + t.file(), column));
            }
        }
        long added = candidates.size() - store.countExisting(dataset, candidates);
        if (added > 0 && existing + added > max) {
            throw new SeriesLimitException("the output would add " + added + " series to the " + existing + " that " + collector
                    + " has in dataset " + dataset + ", more than max_series (" + max + "); write fewer numeric columns "
                    + "or files, or raise max_series for this collector. Nothing was committed.", null);
        }
    }

    /**
     * Throws with a sentence when a series of the table would have a name longer than the store
     * holds. Only the numeric columns become series, so the table is read (when {@code table} is
     * null) only once a column's name is too long: a long name on a text column is no harm.
     */
    private static void checkNames(String collector, TableRows t, List<String> columns, SeriesTable table)
            throws SeriesLimitException {
        String prefix = collector + "/" + t.file();
        SeriesTable read = table;
        for (String column : columns) {
            String name = SeriesTable.seriesName(prefix, column);
            if (name.length() <= SeriesStore.MAX_NAME_LENGTH) {
                continue;
            }
            if (read == null) {
                read = SeriesFormat.table(t); // once, and only for a table with a name too long
            }
            if (!read.numericColumns().contains(column)) {
                continue;
            }
            String what = SeriesFormat.isJsonl(t.file()) ? "field" : "column";
            throw new SeriesLimitException("output " + quote(t.file()) + " has a " + what + " named " + quote(column)
                    + " whose series name (" + collector + "/<file>#<" + what + ">) would be " + name.length()
                    + " characters, more than the " + SeriesStore.MAX_NAME_LENGTH + " the store holds; write a shorter "
                    + what + " or file name. Nothing was committed.", null);
        }
    }

    /** A name in quotes, clipped to about {@link #QUOTED_NAME} characters (never inside a surrogate pair). */
    private static String quote(String name) {
        if (name.length() <= QUOTED_NAME) {
            return "\"" + name + "\"";
        }
        int end = Character.isHighSurrogate(name.charAt(QUOTED_NAME - 1)) ? QUOTED_NAME - 1 : QUOTED_NAME;
        return "\"" + name.substring(0, end) + "…\"";
    }

    /**
     * The JSONL table: its header holds the distinct fields besides the time field; throws with a
     * sentence when a line is not one JSON object (the run fails: nothing of it is committed) or
     * when there are more than {@code maxPerFile} fields.
     */
    private static SeriesTable jsonlTable(TableRows t, int maxPerFile) throws SeriesLimitException {
        try {
            return JsonlSeriesReader.parse(t.rows(), maxPerFile);
        } catch (JsonlSeriesReader.TooManyFieldsException e) {
            throw new SeriesLimitException("output " + t.file() + " has " + e.getMessage() + ", more than max_series_per_file ("
                    + maxPerFile + "), and each numeric field is a series; write fewer fields per file, or raise "
                    + "max_series_per_file for this collector. Nothing was committed.", e);
        } catch (java.io.IOException e) {
            throw new SeriesLimitException("output " + t.file() + ": new " + e.getMessage() + "; write one JSON object per "
                    + "line. Nothing was committed.", e);
        }
    }
}
