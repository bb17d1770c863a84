package org.maomao.spike;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the smoothed z-score spike detector, validated on construction.
 *
 * <p>A point is an outlier when it lies more than {@code threshold} deviations from the centre of
 * the previous {@code lag} points; outliers enter the window only with weight {@code influence}, so
 * a spike does not widen the window it is judged against. The deviation never drops below
 * {@code minDeviation} (see {@link SpikeDetector#deviationFloor(double)}), so a flat series
 * does not turn rounding noise into infinite scores. An outlier is only reported as a spike when no
 * outlier in the same direction came within the previous {@code cooldown} points, so one burst is
 * one spike however long it lasts, and only when its |z| beats every |z| of the previous {@code record}
 * (the record rule), so a series whose normal life has large swings reports only the largest. An
 * outlier run longer than a quarter of the window is taken as a new level and enters the window as it is.
 *
 * <p>{@code lag} and {@code cooldown} are spans of time ({@code 6h}, {@code 1d}) or point counts; spans
 * become points from the series' own cadence, so one set of defaults suits a 1-minute collector and
 * a daily one. Scoring starts after {@code minPoints} points. The defaults (likelihood, lag 6h,
 * threshold 4, influence 0, cool-down 12h, 30 points, season auto, history 2d, tail 1e-7, record 3d) were chosen on
 * the labelled NAB dev series by leave-one-file-out: over the grid of bench/nab_grid.py, the setting best on the
 * other 17 files in 16 of the 18 folds (see the README for the method, the leave-one-category-out folds and scores).
 *
 * @param method       how centre and spread of the window are measured
 * @param lag          window: a span of time or a number of points (never fewer than minPoints)
 * @param threshold    how many deviations from the centre make a point an outlier
 * @param influence    weight (0..1) with which an outlier enters the window; 0 ignores outliers,
 *                     1 treats them like any other point
 * @param minDeviation smallest deviation used to compute a score, in the units of the series
 * @param cooldown     quiet time or points (no outlier in the same direction) needed after a spike
 *                     before the next spike in that direction is reported
 * @param minPoints    points a series needs before its first score
 * @param season       cycle removed before scoring: none, auto (daily, when the series has one) or a period
 * @param history      for {@link SpikeMethod#LIKELIHOOD}: the span (or points) over which the usual level of
 *                     the recent mean |z| is learnt
 * @param likelihoodTail for {@link SpikeMethod#LIKELIHOOD}: a recent mean |z| this improbable under the
 *                     history's normal fit is a spike (e.g. 1e-6)
 * @param record       the record rule: an outlier is only reported when its |z| is larger than that of
 *                     every point in this span (or points) before it; 0 turns the rule off
 */
public record SpikeParameters(SpikeMethod method, SpikeWindow lag, double threshold, double influence,
                              double minDeviation, SpikeWindow cooldown, int minPoints, SpikeSeason season,
                              SpikeWindow history, double likelihoodTail, SpikeWindow record) {

    /**
     * The z-score plus the anomaly likelihood: on the NAB dev files it beat plain z-score and median/MAD
     * at every setting near the chosen one, and in each leave-one-category-out fold of its own grid.
     */
    public static final SpikeMethod DEFAULT_METHOD = SpikeMethod.LIKELIHOOD;
    public static final SpikeWindow DEFAULT_LAG = SpikeWindow.parse("6h");
    public static final double DEFAULT_THRESHOLD = 4;
    public static final double DEFAULT_INFLUENCE = 0;
    /** Guards against division by zero on constant series; real spreads are almost always far above it. */
    public static final double DEFAULT_MIN_DEVIATION = 1e-6;
    /** Half a day: with the record rule a burst's smaller echoes are silenced by the rule, not by a long cool-down. */
    public static final SpikeWindow DEFAULT_COOLDOWN = SpikeWindow.parse("12h");
    /** Points a series needs before its first score: a month of daily data, a day and a quarter of hourly. */
    public static final int DEFAULT_MIN_POINTS = 30;
    public static final SpikeSeason DEFAULT_SEASON = SpikeSeason.AUTO;
    /** Two days of scores; on NAB 2d and 7d, and tails of 1e-6 and 1e-7, scored within a point of each other. */
    public static final SpikeWindow DEFAULT_HISTORY = SpikeWindow.parse("2d");
    /** Numenta's anomaly likelihood flags at about 1 - 1e-5; stricter here, as the z-score test runs beside it. */
    public static final double DEFAULT_LIKELIHOOD_TAIL = 1e-7;
    /**
     * Three days: a spike must beat every deviation of the last three days, so a series whose normal
     * life has large swings (bursty counts, heavy tails) reports only its largest, whatever the
     * distribution; a quiet series still reports its first outlier. On NAB, with the other defaults, 1d
     * scored 60.8, 3d 64.4, 7d 59.4 and no rule 44.7.
     */
    public static final SpikeWindow DEFAULT_RECORD = SpikeWindow.parse("3d");
    /** Longest record span in points; the rule keeps {@link RecentMaximum#BLOCKS} maxima whatever the span. */
    public static final int MAX_RECORD = 1_000_000;
    /** Smallest and largest tail probability accepted for {@code likelihood_tail}. */
    public static final double MIN_LIKELIHOOD_TAIL = 1e-12;
    public static final double MAX_LIKELIHOOD_TAIL = 0.1;
    /** Longest history in points; the history itself is kept as two running moments, so this bounds nothing stored. */
    public static final int MAX_HISTORY = 1_000_000;

    /** Smallest window: a spread needs at least two points. */
    public static final int MIN_LAG = 2;
    /** Largest window; bounds the per-series state the daemon stores between runs. */
    public static final int MAX_LAG = 10_000;
    /** Longest cool-down in points. */
    public static final int MAX_COOLDOWN = 1_000_000;
    /** Most points in one season (a week of 1-minute data); bounds the stored seasonal profile. */
    public static final int MAX_SEASON_POINTS = 10_080;

    public static final String KEY_METHOD = "method";
    public static final String KEY_LAG = "lag";
    public static final String KEY_THRESHOLD = "threshold";
    public static final String KEY_INFLUENCE = "influence";
    public static final String KEY_MIN_DEVIATION = "min_deviation";
    public static final String KEY_COOLDOWN = "cooldown";
    public static final String KEY_MIN_POINTS = "min_points";
    public static final String KEY_SEASON = "season";
    public static final String KEY_HISTORY = "history";
    public static final String KEY_LIKELIHOOD_TAIL = "likelihood_tail";
    public static final String KEY_RECORD = "record";
    /** The keys {@link #fromMap(Map)} reads, as written in the {@code [spike]} configuration section. */
    public static final Set<String> KEYS = Set.of(KEY_METHOD, KEY_LAG, KEY_THRESHOLD, KEY_INFLUENCE,
            KEY_MIN_DEVIATION, KEY_COOLDOWN, KEY_MIN_POINTS, KEY_SEASON, KEY_HISTORY, KEY_LIKELIHOOD_TAIL, KEY_RECORD);

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException with a sentence saying which setting is wrong and what it
     *                                  accepts
     */
    public SpikeParameters {
        Objects.requireNonNull(method, "spike method must be set (one of " + SpikeMethod.names() + ")");
        Objects.requireNonNull(lag, "spike lag must be set");
        Objects.requireNonNull(cooldown, "spike cooldown must be set");
        Objects.requireNonNull(season, "spike season must be set");
        Objects.requireNonNull(history, "spike history must be set");
        Objects.requireNonNull(record, "spike record must be set");
        if (!record.isSpan() && record.points() > MAX_RECORD) {
            throw new IllegalArgumentException("spike record must be 0 (off) to " + MAX_RECORD
                    + " points or a span such as 3d, got " + record.points());
        }
        if (!history.isSpan() && (history.points() < MIN_LAG || history.points() > MAX_HISTORY)) {
            throw new IllegalArgumentException("spike history must be between " + MIN_LAG + " and " + MAX_HISTORY
                    + " points or a span such as 7d, got " + history.points());
        }
        if (!(likelihoodTail >= MIN_LIKELIHOOD_TAIL && likelihoodTail <= MAX_LIKELIHOOD_TAIL)) {
            throw new IllegalArgumentException("spike likelihood_tail must be a probability between "
                    + MIN_LIKELIHOOD_TAIL + " and " + MAX_LIKELIHOOD_TAIL + ", e.g. 1e-6, got " + likelihoodTail);
        }
        if (!lag.isSpan() && (lag.points() < MIN_LAG || lag.points() > MAX_LAG)) {
            throw new IllegalArgumentException(
                    "spike lag must be between " + MIN_LAG + " and " + MAX_LAG + " points, got " + lag.points());
        }
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException(
                    "spike threshold must be a positive number of deviations, e.g. 3.5, got " + threshold);
        }
        if (!(influence >= 0 && influence <= 1)) {
            throw new IllegalArgumentException(
                    "spike influence must be between 0 (ignore outliers) and 1 (keep them), got " + influence);
        }
        // Zero would allow a division by zero on a constant series; that is what the floor prevents.
        if (!(minDeviation > 0) || Double.isInfinite(minDeviation)) {
            throw new IllegalArgumentException(
                    "spike min_deviation must be a positive number in the units of the series, e.g. 1e-6, got "
                            + minDeviation);
        }
        if (!cooldown.isSpan() && cooldown.points() > MAX_COOLDOWN) {
            throw new IllegalArgumentException("spike cooldown must be 0 (report every outlier) to " + MAX_COOLDOWN
                    + " points or a span such as 1d, got " + cooldown.points());
        }
        if (minPoints < MIN_LAG || minPoints > MAX_LAG) {
            throw new IllegalArgumentException("spike min_points must be between " + MIN_LAG + " and " + MAX_LAG
                    + " (points before the first score), got " + minPoints);
        }
        if (season.period() != null && !season.period().isSpan()
                && (season.period().points() < 2 || season.period().points() > MAX_SEASON_POINTS)) {
            throw new IllegalArgumentException("spike season must be none, auto, a period such as 1d, or 2 to "
                    + MAX_SEASON_POINTS + " points, got " + season.period().points());
        }
    }

    /** Settings with the default record rule. */
    public SpikeParameters(SpikeMethod method, SpikeWindow lag, double threshold, double influence,
                           double minDeviation, SpikeWindow cooldown, int minPoints, SpikeSeason season,
                           SpikeWindow history, double likelihoodTail) {
        this(method, lag, threshold, influence, minDeviation, cooldown, minPoints, season, history, likelihoodTail,
                DEFAULT_RECORD);
    }

    /** Settings with the default likelihood history and tail (they matter only to {@link SpikeMethod#LIKELIHOOD}) and record rule. */
    public SpikeParameters(SpikeMethod method, SpikeWindow lag, double threshold, double influence,
                           double minDeviation, SpikeWindow cooldown, int minPoints, SpikeSeason season) {
        this(method, lag, threshold, influence, minDeviation, cooldown, minPoints, season, DEFAULT_HISTORY,
                DEFAULT_LIKELIHOOD_TAIL);
    }

    /**
     * Settings with windows in points, scoring only once the window is full, no season and no record
     * rule: the detector as it was before windows could be spans of time.
     */
    public SpikeParameters(SpikeMethod method, int lag, double threshold, double influence, double minDeviation,
                           int cooldown) {
        this(method, checkedPoints(lag), threshold, influence, minDeviation, checkedCooldown(cooldown),
                Math.max(MIN_LAG, Math.min(MAX_LAG, lag)), SpikeSeason.NONE, DEFAULT_HISTORY, DEFAULT_LIKELIHOOD_TAIL,
                SpikeWindow.ofPoints(0));
    }

    private static SpikeWindow checkedPoints(int lag) {
        if (lag < MIN_LAG || lag > MAX_LAG) {
            throw new IllegalArgumentException(
                    "spike lag must be between " + MIN_LAG + " and " + MAX_LAG + " points, got " + lag);
        }
        return SpikeWindow.ofPoints(lag);
    }

    private static SpikeWindow checkedCooldown(int cooldown) {
        if (cooldown < 0) {
            throw new IllegalArgumentException(
                    "spike cooldown must be 0 (report every outlier) or more points, got " + cooldown);
        }
        return SpikeWindow.ofPoints(cooldown);
    }

    /** The defaults (see {@code DEFAULT_*} and the README for how they were chosen). */
    public static SpikeParameters defaults() {
        return new SpikeParameters(DEFAULT_METHOD, DEFAULT_LAG, DEFAULT_THRESHOLD, DEFAULT_INFLUENCE,
                DEFAULT_MIN_DEVIATION, DEFAULT_COOLDOWN, DEFAULT_MIN_POINTS, DEFAULT_SEASON, DEFAULT_HISTORY,
                DEFAULT_LIKELIHOOD_TAIL, DEFAULT_RECORD);
    }

    /**
     * Reads settings from configuration entries ({@link #KEYS}); a missing or blank key keeps its
     * default. Other keys are ignored, so the whole {@code [spike]} section can be passed even when
     * it holds settings that belong to the daemon.
     *
     * @throws IllegalArgumentException with a sentence naming the key whose value is unusable
     */
    public static SpikeParameters fromMap(Map<String, String> settings) {
        SpikeParameters d = defaults();
        SpikeMethod method = d.method();
        String methodText = value(settings, KEY_METHOD);
        if (methodText != null) {
            try {
                method = SpikeMethod.parse(methodText);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "spike setting '" + KEY_METHOD + "' must be one of " + SpikeMethod.names() + ", got '"
                                + methodText + "'", e);
            }
        }
        SpikeSeason season = d.season();
        String seasonText = value(settings, KEY_SEASON);
        if (seasonText != null) {
            try {
                season = SpikeSeason.parse(seasonText);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("spike setting '" + KEY_SEASON + "': " + e.getMessage(), e);
            }
        }
        return new SpikeParameters(method,
                windowValue(settings, KEY_LAG, d.lag()),
                doubleValue(settings, KEY_THRESHOLD, d.threshold()),
                doubleValue(settings, KEY_INFLUENCE, d.influence()),
                doubleValue(settings, KEY_MIN_DEVIATION, d.minDeviation()),
                windowValue(settings, KEY_COOLDOWN, d.cooldown()),
                intValue(settings, KEY_MIN_POINTS, d.minPoints()),
                season,
                windowValue(settings, KEY_HISTORY, d.history()),
                doubleValue(settings, KEY_LIKELIHOOD_TAIL, d.likelihoodTail()),
                windowValue(settings, KEY_RECORD, d.record()));
    }

    /**
     * The parameters of a collector: the daemon's {@code [spike]} section, then the collector's own
     * {@code spike.*} settings (keys without the prefix) over it.
     *
     * @throws IllegalArgumentException with a sentence (ending in a full stop) naming the unusable setting
     */
    public static SpikeParameters forCollector(Map<String, String> daemonSettings, Map<String, String> collectorSettings) {
        Map<String, String> merged = new java.util.HashMap<>(daemonSettings);
        merged.putAll(collectorSettings);
        try {
            requireGiven(collectorSettings);
            return fromMap(merged);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw message.endsWith(".") ? e : new IllegalArgumentException(message + ".", e);
        }
    }

    /**
     * Refuses a setting that is present but blank. A collector's registration, its {@code collector.ini}
     * and {@code maomao detect}'s options name a setting on purpose, so an empty one is a mistake (a lost
     * value, an unset shell variable), not a request for the default; leaving the key out asks for that.
     * (The daemon's own {@code [spike]} section keeps a blank key's default, as every section does.)
     *
     * @throws IllegalArgumentException with a sentence naming the empty setting
     */
    public static void requireGiven(Map<String, String> settings) {
        if (settings == null) {
            return;
        }
        for (String key : new java.util.TreeSet<>(settings.keySet())) {
            String text = settings.get(key);
            if (KEYS.contains(key) && (text == null || text.isBlank())) {
                throw new IllegalArgumentException("spike setting '" + key + "' is empty: give a value (see the "
                        + "README) or leave it out for the default (" + defaults().toMap().get(key) + ")");
            }
        }
    }

    /** These settings as configuration entries, the inverse of {@link #fromMap(Map)}. */
    public Map<String, String> toMap() {
        return Map.ofEntries(Map.entry(KEY_METHOD, method.configName()),
                Map.entry(KEY_LAG, lag.toString()),
                Map.entry(KEY_THRESHOLD, Double.toString(threshold)),
                Map.entry(KEY_INFLUENCE, Double.toString(influence)),
                Map.entry(KEY_MIN_DEVIATION, Double.toString(minDeviation)),
                Map.entry(KEY_COOLDOWN, cooldown.toString()),
                Map.entry(KEY_MIN_POINTS, Integer.toString(minPoints)),
                Map.entry(KEY_SEASON, season.toString()),
                Map.entry(KEY_HISTORY, history.toString()),
                Map.entry(KEY_LIKELIHOOD_TAIL, Double.toString(likelihoodTail)),
                Map.entry(KEY_RECORD, record.toString()));
    }

    private static SpikeWindow windowValue(Map<String, String> settings, String key, SpikeWindow fallback) {
        String text = value(settings, key);
        if (text == null) {
            return fallback;
        }
        if (text.matches("-\\d{1,9}")) {
            throw new IllegalArgumentException(key.equals(KEY_LAG)
                    ? "spike lag must be between " + MIN_LAG + " and " + MAX_LAG + " points, got " + text
                    : key.equals(KEY_HISTORY)
                    ? "spike history must be between " + MIN_LAG + " and " + MAX_HISTORY + " points or a span such as 7d, got " + text
                    : key.equals(KEY_RECORD)
                    ? "spike record must be 0 (off) to " + MAX_RECORD + " points or a span such as 3d, got " + text
                    : "spike " + key + " must be 0 (report every outlier) or more points, got " + text);
        }
        try {
            return SpikeWindow.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spike setting '" + key + "': " + e.getMessage(), e);
        }
    }

    private static String value(Map<String, String> settings, String key) {
        String text = settings == null ? null : settings.get(key);
        return text == null || text.isBlank() ? null : text.trim();
    }

    private static int intValue(Map<String, String> settings, String key, int fallback) {
        String text = value(settings, key);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "spike setting '" + key + "' must be a whole number, got '" + text + "'", e);
        }
    }

    private static double doubleValue(Map<String, String> settings, String key, double fallback) {
        String text = value(settings, key);
        if (text == null) {
            return fallback;
        }
        try {
            double parsed = Double.parseDouble(text);
            if (Double.isNaN(parsed)) {
                throw new NumberFormatException("NaN");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "spike setting '" + key + "' must be a number such as 3.5, got '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "method=%s lag=%s threshold=%s influence=%s min_deviation=%s cooldown=%s min_points=%d season=%s"
                        + " history=%s likelihood_tail=%s record=%s",
                method.configName(), lag, threshold, influence, minDeviation, cooldown, minPoints, season, history,
                likelihoodTail, record);
    }
}
