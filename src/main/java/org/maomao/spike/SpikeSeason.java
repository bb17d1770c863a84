package org.maomao.spike;

import java.time.Duration;
import java.util.Locale;

/**
 * Whether and how the detector removes a cycle (daily traffic, weekly load) before it scores a point.
 *
 * <ul>
 *   <li>{@code none}: points are judged against the recent window as they are;</li>
 *   <li>{@code auto}: after the first {@value SpikeSeason#AUTO_CYCLES} days the detector checks, with the
 *       autocorrelation at one day, whether the series follows a daily cycle and whether the same time
 *       of the previous day would have predicted those days better than the recent window did (a
 *       slowly drifting series passes the first test but not the second), and if both hold judges
 *       each point by its distance from the same time of day in earlier days;</li>
 *   <li>a period ({@code 1d}, {@code 7d}, {@code 12h}, or a number of points): that cycle is always removed.</li>
 * </ul>
 *
 * @param auto   whether the daily cycle is looked for
 * @param period the cycle always removed; null for none and auto
 */
public record SpikeSeason(boolean auto, SpikeWindow period) {

    public static final SpikeSeason NONE = new SpikeSeason(false, null);
    public static final SpikeSeason AUTO = new SpikeSeason(true, null);
    /** The cycle that {@code auto} looks for. */
    public static final SpikeWindow DAY = SpikeWindow.of(Duration.ofDays(1));
    /** Cycles observed before {@code auto} decides. */
    public static final int AUTO_CYCLES = 3;

    public SpikeSeason {
        if (auto && period != null) {
            throw new IllegalArgumentException("a season is either auto or a period, not both");
        }
    }

    public boolean isNone() {
        return !auto && period == null;
    }

    /**
     * Reads {@code none}, {@code auto}, {@code daily}, {@code weekly}, a span ({@code 1d}) or a number of points.
     *
     * @throws IllegalArgumentException when the text is none of those
     */
    public static SpikeSeason parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "none", "off" -> NONE;
            case "auto" -> AUTO;
            case "daily" -> new SpikeSeason(false, DAY);
            case "weekly" -> new SpikeSeason(false, SpikeWindow.of(Duration.ofDays(7)));
            default -> {
                try {
                    yield new SpikeSeason(false, SpikeWindow.parse(t));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + text + "' is not a season: use none, auto, daily, weekly, "
                            + "a period such as 1d or 12h, or a number of points");
                }
            }
        };
    }

    @Override
    public String toString() {
        return auto ? "auto" : period == null ? "none" : period.toString();
    }
}
