package org.maomao.spike;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A window of a series given either as a number of points ({@code 450}) or as a span of time
 * ({@code 6h}, {@code 7d}); a span becomes points once the series' cadence (median step between
 * timestamps) is known, so one setting suits a 1-minute collector and a daily one.
 *
 * @param points   the count, when given in points; 0 when given as a duration
 * @param duration the span, when given as a duration; null when given in points
 */
public record SpikeWindow(int points, Duration duration) {

    private static final Pattern SPAN = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d|w)");
    /** Longest span accepted: ten years, far beyond any window that fits the state bound. */
    public static final Duration MAX_SPAN = Duration.ofDays(3660);

    public SpikeWindow {
        if (duration == null && points < 0) {
            throw new IllegalArgumentException("a window must be a positive number of points, got " + points);
        }
        if (duration != null && (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_SPAN) > 0)) {
            throw new IllegalArgumentException("a window span must be between 1s and 3660d, got " + duration);
        }
    }

    public static SpikeWindow ofPoints(int points) {
        return new SpikeWindow(points, null);
    }

    public static SpikeWindow of(Duration duration) {
        return new SpikeWindow(0, duration);
    }

    /** Whether this window is a span of time that needs the series' cadence to become points. */
    public boolean isSpan() {
        return duration != null;
    }

    /**
     * Reads {@code 450} (points) or a span such as {@code 90s}, {@code 30m}, {@code 6h}, {@code 7d}, {@code 2w}.
     *
     * @throws IllegalArgumentException when the text is neither
     */
    public static SpikeWindow parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d{1,9}")) {
            return ofPoints(Integer.parseInt(t));
        }
        Matcher m = SPAN.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is neither a number of points (e.g. 450) nor a span "
                    + "of time (e.g. 30m, 6h, 7d, 2w)");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
        if (d.isZero() || d.compareTo(MAX_SPAN) > 0) {
            throw new IllegalArgumentException("a span must be between 1s and 3660d, got '" + text + "'");
        }
        return of(d);
    }

    /**
     * The window in points for a series whose median step is {@code stepSeconds} (NaN or not
     * positive when unknown: then {@link #FALLBACK_STEP_SECONDS} is assumed), clamped to {@code min..max}.
     */
    public int resolve(double stepSeconds, int min, int max) {
        long n;
        if (duration == null) {
            n = points;
        } else {
            double step = stepSeconds > 0 && Double.isFinite(stepSeconds) ? stepSeconds : FALLBACK_STEP_SECONDS;
            n = Math.round(duration.getSeconds() / step);
        }
        return (int) Math.max(min, Math.min(max, n));
    }

    /** Step assumed for a span when the timestamps cannot be read: 5 minutes, a common collector period. */
    public static final double FALLBACK_STEP_SECONDS = 300;

    /** The setting as written in configuration: {@code 450} or {@code 6h}. */
    @Override
    public String toString() {
        if (duration == null) {
            return Integer.toString(points);
        }
        long s = duration.getSeconds();
        if (s % (7 * 86400) == 0) {
            return s / (7 * 86400) + "w";
        }
        if (s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
