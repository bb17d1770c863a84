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
 * with a million columns (or a run writing thousands of files) must be refused, not taken.
 */
final class SeriesLimits {
    private final SeriesStore store;

    SeriesLimits(SeriesStore store) {
        this.store = store;
    }

    /**
     * Throws with a sentence when a table has more than {@code maxPerFile} columns besides its
     * time column, or when the series the tables would add to {@code collector} in
     * {@code dataset} would bring it past {@code max}.
     */
    void check(String dataset, String collector, List<TableRows> tables, int maxPerFile, int max) throws SeriesLimitException {
        long columns = 0;
        for (TableRows t : tables) {
            if (SeriesFormat.isJsonl(t.file())) {
                columns += jsonlFields(t, maxPerFile);
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
     * The distinct fields of a JSONL table besides its time field; throws with a sentence when a
     * line is not one JSON object (the run fails: nothing of it is committed) or when there are more
     * than {@code maxPerFile} fields.
     */
    private static int jsonlFields(TableRows t, int maxPerFile) throws SeriesLimitException {
        try {
            return JsonlSeriesReader.parse(t.rows(), maxPerFile).header().size();
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
