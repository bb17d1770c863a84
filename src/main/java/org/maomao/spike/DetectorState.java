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
 *
 * <p>Kept as one class (about 340 lines; its text form is {@link DetectorStateCodec}): the ring buffer,
 * running mean and M2 and the sorted copy are updated together on every {@link #push} of the hot
 * loop, and every field beside them is one the codec stores, so what a series carries between runs
 * is listed in one place.
 */
public final class DetectorState {

    /** Steps between timestamps kept to find the series' cadence before the windows are resolved. */
    static final int STEP_SAMPLES = 31;

    int lag;
    /** Ring buffer of filtered values; the oldest is at {@code start}. */
    double[] window;
    int start;
    int size;
    long count;
    double mean;
    /** Sum of squared deviations from {@link #mean} over the window (Welford's M2). */
    double m2;
    /** Sliding updates since mean and M2 were last recomputed from the window. */
    int sinceRecompute;
    int cooldownUp;
    int cooldownDown;
    /**
     * Consecutive outliers in one direction: positive up, negative down, 0 after a point inside the band.
     * A run longer than a quarter of the window is a new level (see {@link SpikeDetector}).
     */
    int outlierRun;
    /** The largest |z| of about the last {@code record} points; null while the record rule is off. */
    RecentMaximum record;
    /**
     * The window in ascending order, kept only once a robust detector has asked for it; derived
     * from {@link #window}, so it is never encoded.
     */
    private double[] sorted;

    // (the fields are package-private for DetectorStateCodec, which writes and reads them all)

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
    /** For {@code auto}, during the first weeks: the hourly means that decide whether a week is the cycle. */
    WeeklyCheck weeklyCheck;
    /** Whether {@code auto} has decided about a weekly cycle (so a resumed series does not check again). */
    boolean weeklyDecided;
    /**
     * When {@code auto} found a weekly cycle: how far each hour of the week lies above the daily
     * profile (added to it), and the weight of one point in its hour's offset; null otherwise.
     */
    double[] weekOffsets;
    double weekOffsetWeight;

    // --- anomaly likelihood (SpikeMethod.LIKELIHOOD) -------------------------------------------
    /** Scores averaged into the recent mean |z|. */
    static final int RECENT = 10;
    /** The last {@link #RECENT} capped |z| scores, a ring; {@code recentSize} of them are set. */
    double[] recent = new double[RECENT];
    int recentStart;
    int recentSize;
    /** Recent means fed into the history so far (its running moments count them up to the history length). */
    long historyCount;
    /** Exponentially weighted mean and variance of the recent mean |z| over the history. */
    double historyMean;
    double historyVariance;
    /** The history in points, once resolved. */
    int historyPoints;
    /** Points left during which the likelihood reports no spike (any spike restarts it). */
    int likelihoodCooldown;

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
        return size + (profile == null ? 0 : profile.length) + steps.length + autoSize + recentSize
                + (weeklyCheck == null ? 0 : 2 * weeklyCheck.sums.length) + (weekOffsets == null ? 0 : weekOffsets.length)
                + (record == null ? 0 : RecentMaximum.BLOCKS + 1);
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
        resized.outlierRun = outlierRun;
        resized.record = record == null ? null : record.copy();
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
        resized.weeklyCheck = weeklyCheck == null ? null : weeklyCheck.copy();
        resized.weeklyDecided = weeklyDecided;
        resized.weekOffsets = weekOffsets == null ? null : weekOffsets.clone();
        resized.weekOffsetWeight = weekOffsetWeight;
        resized.recent = recent.clone();
        resized.recentStart = recentStart;
        resized.recentSize = recentSize;
        resized.historyCount = historyCount;
        resized.historyMean = historyMean;
        resized.historyVariance = historyVariance;
        resized.historyPoints = historyPoints;
        resized.likelihoodCooldown = likelihoodCooldown;
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

    /**
     * Empties the window (when a season is found and the window switches to residuals), and the
     * likelihood's history with it: scores against a flat window do not tell how residuals vary.
     */
    void clearWindow() {
        recentStart = 0;
        recentSize = 0;
        historyCount = 0;
        historyMean = 0;
        historyVariance = 0;
        start = 0;
        size = 0;
        mean = 0;
        m2 = 0;
        sinceRecompute = 0;
        sorted = null;
    }

    /** Empties the window (as {@link #clearWindow()}) and fills it with {@code values}, oldest first, which are not new points. */
    void refillWindow(double[] values) {
        clearWindow();
        for (double v : values) {
            push(v);
        }
        count -= values.length;
    }

    /** Adds a capped |z| to the recent ring and returns the mean of the ring (at most {@link #RECENT} values). */
    double pushRecent(double raw) {
        if (recentSize < RECENT) {
            recent[(recentStart + recentSize) % RECENT] = raw;
            recentSize++;
        } else {
            recent[recentStart] = raw;
            recentStart = (recentStart + 1) % RECENT;
        }
        // Ten additions: exact every time, so no running sum drifts. Oldest first, the order in which
        // the state is stored, so a series read back from storage adds them in the same order and
        // gets the same mean to the last bit.
        double sum = 0;
        int end = Math.min(recentStart + recentSize, RECENT);
        for (int i = recentStart; i < end; i++) {
            sum += recent[i];
        }
        for (int i = 0; i < recentSize - (end - recentStart); i++) {
            sum += recent[i];
        }
        return sum / recentSize;
    }

    /**
     * Feeds a recent mean into the history's exponentially weighted moments: a plain running mean
     * and variance until {@code points} were seen, then each new value weighs 1/points, so the
     * history forgets at the pace of its length with two numbers of state.
     */
    void learnHistory(double value, int points) {
        historyCount++;
        double weight = 1.0 / Math.min(historyCount, Math.max(1, points));
        double delta = value - historyMean;
        historyMean += weight * delta;
        historyVariance = (1 - weight) * (historyVariance + weight * delta * delta);
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
     * A compact text form, e.g. {@code s1;60;1234;0;5;20.5;3.25;7;20,21,19.5,...}; see
     * {@link DetectorStateCodec#encode}. {@link #decode(String)} restores it bit for bit.
     */
    public String encode() {
        return DetectorStateCodec.encode(this);
    }

    /**
     * Reads a state written by {@link #encode()}, in the current form ({@code s2}) or the one
     * before seasons and spans of time ({@code s1}), which continues as a series of unknown cadence.
     *
     * @throws IllegalArgumentException when the text is not an encoded state; the caller can then
     *                                  start the series over with a new state
     */
    public static DetectorState decode(String text) {
        return DetectorStateCodec.decode(text);
    }

    @Override
    public String toString() {
        return "DetectorState[lag=" + lag + ", count=" + count + ", size=" + size + ", cooldownUp=" + cooldownUp
                + ", cooldownDown=" + cooldownDown + "]";
    }
}
