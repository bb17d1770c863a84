package org.maomao.spike;

import java.util.Arrays;

/**
 * Everything a {@link SpikeDetector} needs to continue a series where it stopped: the window of the
 * last {@code lag} filtered values, running mean and sum of squared deviations, the number of points
 * seen and the remaining cool-down in each direction.
 *
 * <p>The daemon keeps one state per series between runs ({@link #encode()} / {@link #decode(String)})
 * so that each run feeds only the rows a commit added. Encoding is exact: a decoded state continues
 * with bit-identical results to a state that was never encoded.
 *
 * <p>Mutable and not thread-safe; one state belongs to one series and is updated by one thread.
 */
public final class DetectorState {

    /** Version tag of the encoded form, so a future layout can still read (or reject) this one. */
    private static final String FORMAT = "s1";
    private static final char FIELD = ';';
    private static final char VALUE = ',';

    /** Steps between timestamps kept to find the series' cadence before the windows are resolved. */
    static final int STEP_SAMPLES = 31;
    private static final String FORMAT_2 = "s2";

    private int lag;
    /** Ring buffer of filtered values; the oldest is at {@code start}. */
    private double[] window;
    private int start;
    private int size;
    private long count;
    private double mean;
    /** Sum of squared deviations from {@link #mean} over the window (Welford's M2). */
    private double m2;
    /** Sliding updates since mean and M2 were last recomputed from the window. */
    private int sinceRecompute;
    private int cooldownUp;
    private int cooldownDown;
    /**
     * The window in ascending order, kept only once a robust detector has asked for it; derived
     * from {@link #window}, so it is never encoded.
     */
    private double[] sorted;

    // --- cadence (windows given as spans of time are resolved once it is known) ---------------
    /** Whether lag, cool-down and season have been turned into points for this series. */
    boolean resolved;
    /** Median step between timestamps in seconds when resolved; NaN when the times are unreadable. */
    double step = Double.NaN;
    /** The cool-down in points, once resolved. */
    int cooldownPoints;
    /** Seconds of the last readable timestamp; NaN before the first one. */
    double lastTime = Double.NaN;
    /** Positive steps seen before resolution (at most {@link #STEP_SAMPLES}). */
    double[] steps = new double[0];

    // --- season ------------------------------------------------------------------------------
    static final int SEASON_NONE = 0;
    static final int SEASON_CANDIDATE = 1;
    static final int SEASON_ACTIVE = 2;
    int seasonMode;
    /** Expected value per phase of the cycle; NaN for a phase not seen yet. */
    double[] profile;
    /** Seconds per phase when the phase comes from the timestamp; NaN to count points instead. */
    double phaseSeconds = Double.NaN;
    /** Points fed since the season was set up. */
    long seasonSeen;
    /** For {@code auto}, until it decides: the values of the first cycles, for their autocorrelation. */
    double[] autoValues = new double[0];
    int autoSize;

    /** An empty state for a window of {@code lag} points. */
    public DetectorState(int lag) {
        if (lag < SpikeParameters.MIN_LAG || lag > SpikeParameters.MAX_LAG) {
            throw new IllegalArgumentException("spike lag must be between " + SpikeParameters.MIN_LAG + " and "
                    + SpikeParameters.MAX_LAG + " points, got " + lag);
        }
        this.lag = lag;
        this.window = new double[lag];
    }

    /** Window size this state was made for. */
    public int lag() {
        return lag;
    }

    /** Points fed so far (non-finite values are skipped and not counted). */
    public long count() {
        return count;
    }

    /** Whether the window is full, i.e. the detector scores new points. */
    public boolean warmedUp() {
        return size == lag;
    }

    /** Median step between the series' timestamps in seconds, NaN while unknown or unreadable. */
    public double stepSeconds() {
        return step;
    }

    /** Whether a seasonal profile is removed before scoring. */
    public boolean seasonal() {
        return seasonMode == SEASON_ACTIVE;
    }

    /** Entries held: window values, seasonal profile and cadence samples; bounds the stored size. */
    public int storedValues() {
        return size + (profile == null ? 0 : profile.length) + steps.length + autoSize;
    }

    /** Points left during which no further upward spike is reported. */
    public int cooldownUp() {
        return cooldownUp;
    }

    /** Points left during which no further downward spike is reported. */
    public int cooldownDown() {
        return cooldownDown;
    }

    /** The filtered window, oldest first (a copy). */
    public double[] window() {
        double[] copy = new double[size];
        for (int i = 0; i < size; i++) {
            copy[i] = window[(start + i) % lag];
        }
        return copy;
    }

    // --- used by SpikeDetector -------------------------------------------------------------

    int size() {
        return size;
    }

    double mean() {
        return mean;
    }

    /** Population variance of the window; M2 can dip a hair below zero through rounding. */
    double variance() {
        return size == 0 ? 0 : Math.max(0, m2 / size);
    }

    double newest() {
        return window[(start + size - 1) % lag];
    }

    /** Counts down both cool-downs by one point. */
    void tickCooldowns() {
        if (cooldownUp > 0) {
            cooldownUp--;
        }
        if (cooldownDown > 0) {
            cooldownDown--;
        }
    }

    void startCooldown(int direction, int points) {
        if (direction > 0) {
            cooldownUp = points;
        } else {
            cooldownDown = points;
        }
    }

    /** The window in ascending order; from the first call on it is maintained on every push. */
    double[] sortedWindow() {
        if (sorted == null) {
            sorted = new double[lag];
            double[] current = window();
            System.arraycopy(current, 0, sorted, 0, size);
            Arrays.sort(sorted, 0, size);
        }
        return sorted;
    }

    /** Appends a value, dropping the oldest once the window is full. */
    void push(double value) {
        count++;
        if (size < lag) {
            window[(start + size) % lag] = value;
            size++;
            // Welford's update: stable where a plain sum of squares would cancel for large values.
            double delta = value - mean;
            mean += delta / size;
            m2 += delta * (value - mean);
            if (sorted != null) {
                insertSorted(value, size - 1);
            }
            return;
        }
        double old = window[start];
        window[start] = value;
        start = (start + 1) % lag;
        double newMean = mean + (value - old) / lag;
        m2 += (value - old) * ((value - newMean) + (old - mean));
        mean = newMean;
        // Sliding updates accumulate rounding error without bound; recomputing once per window
        // length keeps the error bounded at amortised O(1) cost per point.
        if (++sinceRecompute >= lag) {
            recompute();
        }
        if (sorted != null) {
            int at = Arrays.binarySearch(sorted, 0, size, old);
            System.arraycopy(sorted, at + 1, sorted, at, size - at - 1);
            insertSorted(value, size - 1);
        }
    }

    /** Inserts into {@link #sorted}, which holds {@code filled} values before the call. */
    private void insertSorted(double value, int filled) {
        int at = Arrays.binarySearch(sorted, 0, filled, value);
        if (at < 0) {
            at = -at - 1;
        }
        System.arraycopy(sorted, at, sorted, at + 1, filled - at);
        sorted[at] = value;
    }

    /** Two-pass mean and M2 over the window, oldest first so the result depends only on the values. */
    private void recompute() {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += window[(start + i) % lag];
        }
        double m = sum / size;
        double squares = 0;
        for (int i = 0; i < size; i++) {
            double d = window[(start + i) % lag] - m;
            squares += d * d;
        }
        mean = m;
        m2 = squares;
        sinceRecompute = 0;
    }

    /**
     * A state for another window size that keeps the newest values, so a changed {@code lag}
     * setting does not discard a series' history; the cool-downs carry over.
     */
    public DetectorState resizedTo(int newLag) {
        if (newLag == lag) {
            return copy();
        }
        DetectorState resized = new DetectorState(newLag);
        double[] values = window();
        for (int i = Math.max(0, values.length - newLag); i < values.length; i++) {
            resized.push(values[i]);
        }
        resized.count = count;
        resized.cooldownUp = cooldownUp;
        resized.cooldownDown = cooldownDown;
        resized.resolved = resolved;
        resized.step = step;
        resized.cooldownPoints = cooldownPoints;
        resized.lastTime = lastTime;
        resized.steps = steps.clone();
        resized.seasonMode = seasonMode;
        resized.profile = profile == null ? null : profile.clone();
        resized.phaseSeconds = phaseSeconds;
        resized.seasonSeen = seasonSeen;
        resized.autoValues = autoValues.clone();
        resized.autoSize = autoSize;
        return resized;
    }

    /** Changes the window size in place, keeping the newest values (used when a span is resolved). */
    void resize(int newLag) {
        if (newLag == lag) {
            return;
        }
        DetectorState resized = resizedTo(newLag);
        lag = newLag;
        window = resized.window;
        start = resized.start;
        size = resized.size;
        mean = resized.mean;
        m2 = resized.m2;
        sinceRecompute = resized.sinceRecompute;
        sorted = null;
    }

    /** Empties the window (when a season is found and the window switches to residuals). */
    void clearWindow() {
        start = 0;
        size = 0;
        mean = 0;
        m2 = 0;
        sinceRecompute = 0;
        sorted = null;
    }

    /** Records a timestamp; keeps the step to the previous one while the cadence is still unknown. */
    void observeTime(double seconds) {
        if (!Double.isFinite(seconds)) {
            return;
        }
        if (!resolved && Double.isFinite(lastTime) && seconds > lastTime && steps.length < STEP_SAMPLES) {
            steps = Arrays.copyOf(steps, steps.length + 1);
            steps[steps.length - 1] = seconds - lastTime;
        }
        lastTime = seconds;
    }

    /** Median of the recorded steps; NaN when there is none. */
    double medianStep() {
        if (steps.length == 0) {
            return Double.NaN;
        }
        double[] sortedSteps = steps.clone();
        Arrays.sort(sortedSteps);
        int n = sortedSteps.length;
        return n % 2 == 1 ? sortedSteps[n / 2] : (sortedSteps[n / 2 - 1] + sortedSteps[n / 2]) / 2;
    }

    /** An independent copy. */
    public DetectorState copy() {
        return decode(encode());
    }

    /**
     * A compact text form, e.g. {@code s1;60;1234;0;5;20.5;3.25;7;20,21,19.5,...}: format, lag,
     * count, cool-down up, cool-down down, mean, M2, updates since the last recompute, then the
     * window oldest first. Doubles are written in their shortest exact form so that
     * {@link #decode(String)} restores them bit for bit.
     */
    public String encode() {
        boolean plain = !resolved && steps.length == 0 && Double.isNaN(lastTime) && seasonMode == SEASON_NONE;
        StringBuilder out = new StringBuilder(64 + (size + (profile == null ? 0 : profile.length)) * 12);
        out.append(plain ? FORMAT : FORMAT_2).append(FIELD).append(lag).append(FIELD).append(count)
                .append(FIELD).append(cooldownUp).append(FIELD).append(cooldownDown)
                .append(FIELD).append(number(mean)).append(FIELD).append(number(m2))
                .append(FIELD).append(sinceRecompute).append(FIELD);
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                out.append(VALUE);
            }
            out.append(number(window[(start + i) % lag]));
        }
        if (plain) {
            return out.toString();
        }
        // s2 adds: resolved, step, cool-down points, last time, steps, season mode, phase seconds,
        // points seen in the season, the values kept for auto, and the profile (empty cells for unseen phases).
        out.append(FIELD).append(resolved ? 1 : 0).append(FIELD).append(number(step))
                .append(FIELD).append(cooldownPoints).append(FIELD).append(number(lastTime)).append(FIELD);
        for (int i = 0; i < steps.length; i++) {
            out.append(i > 0 ? "," : "").append(number(steps[i]));
        }
        out.append(FIELD).append(seasonMode).append(FIELD).append(number(phaseSeconds))
                .append(FIELD).append(seasonSeen).append(FIELD);
        for (int i = 0; i < autoSize; i++) {
            out.append(i > 0 ? "," : "").append(number(autoValues[i]));
        }
        out.append(FIELD);
        if (profile != null) {
            out.append(profile.length).append(':');
            for (int i = 0; i < profile.length; i++) {
                if (i > 0) {
                    out.append(VALUE);
                }
                if (!Double.isNaN(profile[i])) {
                    out.append(number(profile[i]));
                }
            }
        }
        return out.toString();
    }

    /**
     * Reads a state written by {@link #encode()}, in the current form ({@code s2}) or the one
     * before seasons and spans of time ({@code s1}), which continues as a series of unknown cadence.
     *
     * @throws IllegalArgumentException when the text is not an encoded state; the caller can then
     *                                  start the series over with a new state
     */
    public static DetectorState decode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("cannot read spike detector state: it is missing (null)");
        }
        String[] fields = text.split(String.valueOf(FIELD), -1);
        boolean v2 = fields.length == 19 && FORMAT_2.equals(fields[0]);
        if (!v2 && (fields.length != 9 || !FORMAT.equals(fields[0]))) {
            throw new IllegalArgumentException("cannot read spike detector state: expected 9 fields starting with '"
                    + FORMAT + "' or 19 starting with '" + FORMAT_2 + "', got '" + abbreviate(text)
                    + "'; start the series over with a new state");
        }
        try {
            DetectorState state = new DetectorState(Integer.parseInt(fields[1]));
            String[] values = fields[8].isEmpty() ? new String[0] : fields[8].split(String.valueOf(VALUE), -1);
            if (values.length > state.lag) {
                throw new IllegalArgumentException("the window holds " + values.length
                        + " values, more than the lag of " + state.lag);
            }
            for (String value : values) {
                double v = Double.parseDouble(value);
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("the window holds a non-finite value " + value);
                }
                state.window[state.size++] = v;
            }
            state.count = Long.parseLong(fields[2]);
            state.cooldownUp = nonNegative(Integer.parseInt(fields[3]), "cool-down up");
            state.cooldownDown = nonNegative(Integer.parseInt(fields[4]), "cool-down down");
            state.mean = Double.parseDouble(fields[5]);
            state.m2 = Double.parseDouble(fields[6]);
            state.sinceRecompute = nonNegative(Integer.parseInt(fields[7]), "updates since recompute");
            if (state.count < state.size) {
                throw new IllegalArgumentException("count " + state.count + " is below the window size " + state.size);
            }
            if (v2) {
                state.resolved = "1".equals(fields[9]);
                state.step = Double.parseDouble(fields[10]);
                state.cooldownPoints = nonNegative(Integer.parseInt(fields[11]), "cool-down points");
                state.lastTime = Double.parseDouble(fields[12]);
                String[] steps = fields[13].isEmpty() ? new String[0] : fields[13].split(",", -1);
                if (steps.length > STEP_SAMPLES) {
                    throw new IllegalArgumentException("more than " + STEP_SAMPLES + " cadence samples");
                }
                state.steps = new double[steps.length];
                for (int i = 0; i < steps.length; i++) {
                    state.steps[i] = Double.parseDouble(steps[i]);
                }
                state.seasonMode = Integer.parseInt(fields[14]);
                if (state.seasonMode < SEASON_NONE || state.seasonMode > SEASON_ACTIVE) {
                    throw new IllegalArgumentException("unknown season mode " + fields[14]);
                }
                state.phaseSeconds = Double.parseDouble(fields[15]);
                state.seasonSeen = Long.parseLong(fields[16]);
                String[] auto = fields[17].isEmpty() ? new String[0] : fields[17].split(",", -1);
                if (auto.length > SpikeSeason.AUTO_CYCLES * SpikeDetector.MAX_AUTO_PHASES) {
                    throw new IllegalArgumentException("too many values kept for the season test");
                }
                state.autoValues = new double[auto.length];
                for (int i = 0; i < auto.length; i++) {
                    state.autoValues[i] = Double.parseDouble(auto[i]);
                }
                state.autoSize = auto.length;
                state.profile = fields[18].isEmpty() ? null : profile(fields[18]);
            }
            return state;
        } catch (IllegalArgumentException e) { // includes NumberFormatException
            throw new IllegalArgumentException("cannot read spike detector state '" + abbreviate(text) + "': "
                    + e.getMessage() + "; start the series over with a new state", e);
        }
    }

    private static double[] profile(String text) {
        int colon = text.indexOf(':');
        int n = Integer.parseInt(text.substring(0, colon));
        if (n < 1 || n > SpikeParameters.MAX_SEASON_POINTS) {
            throw new IllegalArgumentException("a season of " + n + " phases is outside 1.."
                    + SpikeParameters.MAX_SEASON_POINTS);
        }
        String[] cells = text.substring(colon + 1).split(",", -1);
        if (cells.length != n) {
            throw new IllegalArgumentException("the season holds " + cells.length + " phases, not " + n);
        }
        double[] profile = new double[n];
        for (int i = 0; i < n; i++) {
            profile[i] = cells[i].isEmpty() ? Double.NaN : Double.parseDouble(cells[i]);
        }
        return profile;
    }

    private static int nonNegative(int value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " is negative (" + value + ")");
        }
        return value;
    }

    /** Shortest text that parses back to the same double; drops a trailing ".0" to save space. */
    private static String number(double value) {
        String text = Double.toString(value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    @Override
    public String toString() {
        return "DetectorState[lag=" + lag + ", count=" + count + ", size=" + size + ", cooldownUp=" + cooldownUp
                + ", cooldownDown=" + cooldownDown + "]";
    }
}
