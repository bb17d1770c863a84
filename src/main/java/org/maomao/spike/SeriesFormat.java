package org.maomao.spike;

import java.util.Locale;

import org.maomao.spike.TableRows;

/** Which reader a dataset file's rows need: JSON Lines for {@code .jsonl}, else CSV. */
final class SeriesFormat {
    private SeriesFormat() {
    }

    static boolean isJsonl(String file) {
        return file.toLowerCase(Locale.ROOT).endsWith(".jsonl");
    }

    /** The series of rows already checked (or already committed): a JSONL line that is not an object is left out. */
    static SeriesTable table(TableRows t) {
        return isJsonl(t.file()) ? JsonlSeriesReader.parseLenient(t.rows()) : CsvSeriesReader.parse(t.header(), t.rows());
    }
}
