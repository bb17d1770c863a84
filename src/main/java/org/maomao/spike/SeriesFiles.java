package org.maomao.spike;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads one series of a dataset's CSV file, for plotting. */
public final class SeriesFiles {
    private SeriesFiles() {
    }

    /** The last {@code limit} points of {@code column} in {@code file}; empty if the file or column is gone. */
    public static List<SeriesPoint> tail(Path file, String column, int limit) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        SeriesTable table;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            table = CsvSeriesReader.read(r);
        }
        if (!table.hasSeries(column)) {
            return List.of();
        }
        List<SeriesPoint> all = table.series(column);
        return all.subList(Math.max(0, all.size() - limit), all.size());
    }
}
