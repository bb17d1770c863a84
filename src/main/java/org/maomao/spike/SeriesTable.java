package org.maomao.spike;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The numeric series of one table (a CSV file, or its header plus newly appended rows), as read by
 * {@link CsvSeriesReader}: the time column, and for every other column whose values are all numbers,
 * its points in row order.
 */
public final class SeriesTable {

    private final List<String> header;
    private final String timeColumn;
    private final int rowCount;
    private final Map<String, List<SeriesPoint>> series;

    SeriesTable(List<String> header, String timeColumn, int rowCount, Map<String, List<SeriesPoint>> series) {
        this.header = List.copyOf(header);
        this.timeColumn = timeColumn;
        this.rowCount = rowCount;
        Map<String, List<SeriesPoint>> copy = new LinkedHashMap<>();
        series.forEach((column, points) -> copy.put(column, List.copyOf(points)));
        this.series = Collections.unmodifiableMap(copy);
    }

    /**
     * The name a series is known by in the daemon: {@code <collector>/<file>#<column>}, where
     * {@code path} is the file's path in the dataset, e.g. {@code weather/daily.csv}.
     */
    public static String seriesName(String path, String column) {
        return Objects.requireNonNull(path, "path") + "#" + Objects.requireNonNull(column, "column");
    }

    /** Column names as in the header row (trimmed). */
    public List<String> header() {
        return header;
    }

    /** The time column; empty only when the input had no header row at all. */
    public Optional<String> timeColumn() {
        return Optional.ofNullable(timeColumn);
    }

    /** Data rows read (blank lines not counted). */
    public int rowCount() {
        return rowCount;
    }

    /** The numeric columns other than the time column, in header order. */
    public List<String> numericColumns() {
        return List.copyOf(series.keySet());
    }

    /** Whether {@code column} is one of the {@link #numericColumns()}. */
    public boolean hasSeries(String column) {
        return series.containsKey(column);
    }

    /**
     * Points of a numeric column in row order; rows whose cell in that column is empty or NaN are
     * left out.
     *
     * @throws IllegalArgumentException naming the numeric columns when {@code column} is not one of them
     */
    public List<SeriesPoint> series(String column) {
        List<SeriesPoint> points = series.get(column);
        if (points == null) {
            throw new IllegalArgumentException("no numeric column '" + column + "'; numeric columns: "
                    + (series.isEmpty() ? "none" : String.join(", ", series.keySet())));
        }
        return points;
    }

    /** Every numeric column with its points, in header order. */
    public Map<String, List<SeriesPoint>> allSeries() {
        return series;
    }

    @Override
    public String toString() {
        return "SeriesTable[time=" + timeColumn + ", rows=" + rowCount + ", series=" + series.keySet() + "]";
    }
}
