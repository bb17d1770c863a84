package org.maomao.units;

import java.util.Locale;

/**
 * A run's duration as people read it, the same in the CLI's tables and on the pages:
 * {@code 850 ms}, {@code 12.3 s}, {@code 4m 05s}, {@code 2h 03m}, {@code 3d 04h}.
 */
public final class Elapsed {
    private Elapsed() {
    }

    /** {@code seconds} for people; "-" for null, NaN or a negative value (a clock that stepped back). */
    public static String format(Double seconds) {
        if (seconds == null || seconds.isNaN() || seconds < 0 || seconds.isInfinite()) {
            return "-";
        }
        double s = seconds;
        if (s < 1) {
            return Math.round(s * 1000) + " ms";
        }
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        long whole = Math.round(s);
        if (whole < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", whole / 60, whole % 60);
        }
        if (whole < 86_400) {
            return String.format(Locale.ROOT, "%dh %02dm", whole / 3600, whole % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd %02dh", whole / 86_400, whole % 86_400 / 3600);
    }
}
