package org.maomao.spike;

import java.util.Objects;

/**
 * One value of a series with the time cell of its row, kept as text so that it is reported exactly as
 * the data wrote it.
 *
 * @param timestamp the row's time cell
 * @param value     the row's value in the series' column
 */
public record SeriesPoint(String timestamp, double value) {

    public SeriesPoint {
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
