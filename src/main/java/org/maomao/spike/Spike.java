package org.maomao.spike;

import java.util.Objects;

/**
 * A reported spike in a named series; the daemon adds the run and commit it was found in.
 *
 * @param series    series name, {@code <collector>/<file>#<column>}
 * @param timestamp the time cell of the row, as written in the data
 * @param value     the value of the row
 * @param mean      centre of the window the value was judged against
 * @param deviation spread of that window (after the floor)
 * @param z         {@code (value - mean) / deviation}
 * @param direction +1 for a spike up, -1 for a spike down
 * @param explanation the band and the window and season the point was judged with; null when not known
 */
public record Spike(String series, String timestamp, double value, double mean, double deviation, double z,
                    int direction, SpikeExplanation explanation) {

    public Spike(String series, String timestamp, double value, double mean, double deviation, double z, int direction) {
        this(series, timestamp, value, mean, deviation, z, direction, null);
    }


    public Spike {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(timestamp, "timestamp");
        if (direction != 1 && direction != -1) {
            throw new IllegalArgumentException("spike direction must be +1 or -1, got " + direction);
        }
    }

    /** The spike a detection reports, for the row at {@code timestamp} of {@code series}, without its explanation. */
    public static Spike of(String series, String timestamp, Detection detection) {
        return of(series, timestamp, detection, null);
    }

    /** The spike a detection reports, for the row at {@code timestamp} of {@code series}. */
    public static Spike of(String series, String timestamp, Detection detection, SpikeExplanation explanation) {
        if (!detection.isSpike()) {
            throw new IllegalArgumentException("the detection at " + timestamp + " of " + series + " is not a spike");
        }
        return new Spike(series, timestamp, detection.value(), detection.mean(), detection.deviation(),
                detection.score(), detection.signal(), explanation);
    }
}
