package org.maomao.spike;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Streaming smoothed z-score spike detector (after J.P.G. van Brakel's "robust peak detection"
 * algorithm), with a robust median/MAD variant, a deviation floor and a cool-down.
 *
 * <p>Each point is scored against the previous {@code lag} <em>filtered</em> values: a point more
 * than {@code threshold} deviations from the window's centre is an outlier and enters the window
 * only as {@code influence * value + (1 - influence) * previous}, so a spike or the first part of a
 * burst does not inflate the spread against which the rest is judged. An outlier is reported as a
 * spike unless an outlier in the same direction came within the previous {@code cooldown} points:
 * the cool-down restarts with every outlier, so a burst of any length is one spike, and the next
 * spike needs {@code cooldown} quiet points in that direction first. The record rule reports an
 * outlier only when its |z| beats every |z| of the last {@code record} ({@link RecentMaximum}), and one
 * that dwarfs them (twice the largest) even inside a cool-down. A run of outliers longer than a quarter
 * of the window is a new level and enters the window as it is.
 *
 * <p>All state lives in a {@link DetectorState}, which the caller keeps per series, so one detector
 * serves any number of series and a series can be continued in a later run. Work per point is O(1)
 * for {@link SpikeMethod#ZSCORE} (running mean and M2) and O(lag) for {@link SpikeMethod#ROBUST}
 * (a sorted copy of the window). The detector itself is immutable and thread-safe.
 *
 * <p>Kept as one class (about 350 lines) on purpose: {@link #update} is the per-point hot loop, and
 * the window resolution and season learning it calls change the state in a fixed order within each
 * point; here that order, which the exact tests and benchmarks pin down, is read in one place.
 */
public final class SpikeDetector {

    /**
     * Fraction of the window's centre below which the deviation is not allowed to fall, whatever
     * {@link SpikeParameters#minDeviation()} says: a series of large values that is flat up to
     * rounding (say 1e6 ± 1e-10) must not score its rounding noise.
     */
    public static final double RELATIVE_DEVIATION_FLOOR = 1e-9;

    /**
     * Largest magnitude a value is judged at (see {@link #update(DetectorState, double, double)}); the
     * expected value of a series past it is in that scale, and its spikes and plots show no band.
     */
    static final double MAX_MAGNITUDE = 1e150;

    private final SpikeParameters parameters;

    /** Recent mean |z| above the history's mean by this many of its deviations is a likelihood spike. */
    private final double likelihoodCut;
    /** Whether the record rule is on (a record of 0 points turns it off). */
    private final boolean recordRule;
    /** How much wider a young window's band is. */
    private final SmallSampleWidening widening;

    public SpikeDetector(SpikeParameters parameters) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        // The tail probability as a cut on the standardised recent mean, once, so the hot loop compares
        // two numbers instead of evaluating the normal distribution at every point.
        this.likelihoodCut = -new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1)
                .inverseCumulativeProbability(parameters.likelihoodTail());
        this.recordRule = parameters.record().isSpan() || parameters.record().points() > 0;
        this.widening = new SmallSampleWidening(parameters.threshold());
    }

    public SpikeParameters parameters() {
        return parameters;
    }

    /** An empty state for a new series. */
    public DetectorState newState() {
        int capacity = parameters.lag().isSpan() ? parameters.minPoints() : parameters.lag().points();
        return new DetectorState(Math.max(SpikeParameters.MIN_LAG, capacity));
    }

    /**
     * The state to continue a series with: a new one when {@code encoded} is null or blank, else
     * the decoded state, with its windows worked out again for the current settings (keeping the
     * newest values) when they changed since it was stored.
     *
     * @throws IllegalArgumentException when {@code encoded} is not an encoded state
     */
    public DetectorState resume(String encoded) {
        if (encoded == null || encoded.isBlank()) {
            return newState();
        }
        DetectorState state = DetectorState.decode(encoded);
        if (!state.resolved) {
            return parameters.lag().isSpan() || state.lag() == parameters.lag().points()
                    ? state : state.resizedTo(parameters.lag().points());
        }
        DetectorState resumed = state.copy();
        resolveWindows(resumed, resumed.step);
        return resumed;
    }

    /**
     * Scores one point without a timestamp (windows given as spans assume a 5-minute step, see
     * {@link SpikeWindow#FALLBACK_STEP_SECONDS}).
     */
    public Detection update(DetectorState state, double value) {
        return update(state, Double.NaN, value);
    }

    /**
     * Scores one point and adds it to {@code state}.
     *
     * <p>A non-finite value (NaN, a missing cell) is skipped: the result has signal 0 and the state
     * is left as it was. Until the series has {@code min_points} points, points fill the window
     * and score 0; from then on the window grows until it holds {@code lag} points, and while it is
     * young its centre and spread are the median and MAD, so that a spike among the first points
     * neither hides the next one nor makes the quiet points look like spikes.
     *
     * @param seconds the point's time in seconds since the epoch ({@link SeriesTime#epochSeconds(String)}),
     *                NaN when unknown
     * @throws IllegalArgumentException when the state was made for another lag (see {@link #resume(String)})
     */
    public Detection update(DetectorState state, double seconds, double raw) {
        if (!parameters.lag().isSpan() && !state.resolved && state.lag() != parameters.lag().points()) {
            throw new IllegalArgumentException("the detector state has a window of " + state.lag()
                    + " points but the detector's lag is " + parameters.lag()
                    + "; resize it with DetectorState.resizedTo or SpikeDetector.resume");
        }
        if (!Double.isFinite(raw)) {
            return new Detection(raw, Double.NaN, Double.NaN, 0, 0);
        }
        // Beyond 1e150 a value is judged as 1e150: squares of differences then stay finite through any
        // window, so a hostile series of the largest doubles neither turns the state into NaN (which it
        // could not store, and would start over at every run) nor hides that it is far out.
        double value = Math.max(-MAX_MAGNITUDE, Math.min(MAX_MAGNITUDE, raw));
        double previousTime = state.lastTime;
        state.observeTime(seconds);
        if (!state.resolved && readyToResolve(state, seconds)) {
            resolveWindows(state, state.medianStep());
        }
        if (state.weeklyCheck != null && Double.isFinite(seconds) && state.weeklyCheck.add(seconds, value)) {
            decideWeekly(state);
        }
        double expectedSeason = 0;
        int phase = -1;
        int weekBucket = -1;
        if (state.seasonMode != DetectorState.SEASON_NONE) {
            phase = phase(state, seconds);
            weekBucket = weekBucket(state, seconds);
            double weekOffset = weekBucket < 0 ? 0 : state.weekOffsets[weekBucket];
            expectedSeason = state.profile[phase] + weekOffset;
            if (state.seasonMode == DetectorState.SEASON_ACTIVE && Double.isNaN(expectedSeason)) {
                // The first cycle only teaches the profile what each phase looks like.
                state.profile[phase] = value - weekOffset;
                state.seasonSeen++;
                return new Detection(raw, value, deviationFloor(value), 0, 0);
            }
        }
        // phases of the cycle since the previous point: more than one where rows are missing, so auto's
        // test compares each point with the same time of the day before, not with the row a day's count back
        int stride = state.seasonMode == DetectorState.SEASON_CANDIDATE ? stride(state, previousTime, seconds) : 1;
        boolean residual = state.seasonMode == DetectorState.SEASON_ACTIVE;
        double y = residual ? value - expectedSeason : value;
        double offset = residual ? expectedSeason : 0;

        if (state.size() == 0) {
            state.push(y);
            learnSeason(state, phase, weekBucket, value, expectedSeason, 0, stride);
            return new Detection(raw, value, deviationFloor(value), 0, 0);
        }
        double centre;
        double spread;
        if (parameters.method() == SpikeMethod.ROBUST) {
            double[] sorted = state.sortedWindow();
            centre = median(sorted, state.size());
            spread = SpikeMethod.MAD_TO_SIGMA * medianAbsoluteDeviation(sorted, state.size(), centre);
        } else if (state.size() < state.lag() && state.size() < ROBUST_WARM_UP) {
            double[] young = state.window();
            java.util.Arrays.sort(young);
            centre = median(young, young.length);
            spread = Math.max(SpikeMethod.MAD_TO_SIGMA * medianAbsoluteDeviation(young, young.length, centre),
                    WARM_UP_STD_SHARE * Math.sqrt(state.variance()));
        } else {
            centre = state.mean();
            spread = Math.sqrt(state.variance());
        }
        double deviation = Math.max(spread, deviationFloor(centre + offset));
        boolean realSpread = spread >= deviation;
        double unwidened = deviation;
        if (state.size() < state.lag()) {
            // a young window's centre and spread are uncertain themselves (see SmallSampleWidening)
            deviation *= widening.factor(state.size(),
                    parameters.method() == SpikeMethod.ROBUST || state.size() < ROBUST_WARM_UP);
        }
        int needed = Math.min(state.lag(), parameters.minPoints());
        if (state.size() < needed) {
            // Not scored yet, but a wild point among the first ones must not widen the spread
            // against which the next points are judged: it enters damped, as a scored outlier would.
            boolean wild = state.size() >= ROBUST_WARM_UP_START && Math.abs(y - centre) > parameters.threshold() * deviation;
            boolean newLevel = countOutlier(state, wild ? (y > centre ? 1 : -1) : 0);
            state.push(wild && !newLevel ? parameters.influence() * y + (1 - parameters.influence()) * centre : y);
            learnSeason(state, phase, weekBucket, value, expectedSeason, 0, stride);
            return new Detection(raw, centre + offset, deviation, 0, 0);
        }

        int judged = state.size();
        double score = (y - centre) / deviation;
        int direction = Math.abs(score) > parameters.threshold() ? (score > 0 ? 1 : -1) : 0;
        boolean coolingDown = direction > 0 ? state.cooldownUp() > 0 : direction < 0 && state.cooldownDown() > 0;
        int signal = coolingDown ? 0 : direction;
        boolean breakthrough = false;
        if (recordRule && realSpread) {
            // Only scores against a real spread are ranked: against a window without any (a series
            // that is constant between events) every change scores in the millions, and which of two
            // events from nothing is the larger says nothing about either.
            RecentMaximum record = record(state);
            if (signal != 0 && !record.beatenBy(Math.abs(score))) {
                signal = 0;
            }
            // The usual bursts of a bursty series restart the cool-down (each is an outlier, though no
            // record), so they could silence the one burst that is news: one that dwarfs every point
            // of the record span is reported whatever cool-down runs.
            if (direction != 0 && coolingDown && record.beatenBy(Math.abs(score) / BREAKTHROUGH)) {
                signal = direction;
                breakthrough = true;
            }
            record.add(Math.abs(score));
        }
        state.tickCooldowns();
        if (direction != 0) {
            // Every outlier (re)starts the cool-down of its direction, reported or not, so the
            // cool-down runs from the end of a burst rather than from its first point: a burst
            // longer than the cool-down is still one spike.
            state.startCooldown(direction, cooldownPoints(state));
        }
        // The outlier test, not the reported signal, decides the filtering: an outlier inside a
        // cool-down is still an outlier and must not widen the window either. But a run of outliers
        // that lasts is a new level, not a burst: its points enter as they are, or the window would
        // fill with copies of the last normal value, its spread fall to the floor and every later
        // point be an outlier that restarts the cool-down, so the series would never report again.
        boolean newLevel = countOutlier(state, direction);
        double filtered = direction == 0 || newLevel
                ? y
                : parameters.influence() * y + (1 - parameters.influence()) * state.newest();
        if (parameters.method() == SpikeMethod.LIKELIHOOD) {
            // The step from the previous (filtered) point, in the same deviations: a series that turns
            // rough without moving away from its centre changes this long before its z-scores.
            // Both in the window's own deviations, not the young window's widened ones: the history learns
            // the usual level of these scores, and scores that grew as the window filled would look unusual.
            double change = (y - state.newest()) / unwidened;
            signal = likelihood(state, (y - centre) / unwidened, change, signal, breakthrough);
        }
        state.push(filtered);
        if (residual && direction != 0) {
            // An outlier teaches the seasonal profile the edge of the band it broke (plus the influence's
            // share of the rest). Taught nothing, as the window is, a phase of the cycle that changes for
            // good (a new morning peak) would stay an outlier every cycle and never be learnt; taught its
            // full value, one spike would shift that phase for the cycles after it.
            double edge = expectedSeason + centre + direction * parameters.threshold() * deviation;
            learnSeason(state, phase, weekBucket, edge + parameters.influence() * (value - edge), expectedSeason, 0, stride);
        } else {
            learnSeason(state, phase, weekBucket, value, expectedSeason, direction, stride);
        }
        return new Detection(raw, centre + offset, deviation, score, signal, judged, residual);
    }

    /**
     * The spike {@code detection} (of the point just fed to {@code state}) reports for the row at
     * {@code timestamp} of {@code series}, with the band it fell outside and the window and season it
     * was judged with.
     */
    public Spike spike(String series, String timestamp, Detection detection, DetectorState state) {
        SpikeBand band = band(detection);
        return Spike.of(series, timestamp, detection, new SpikeExplanation(
                band == null ? Double.NEGATIVE_INFINITY : band.lower(),
                band == null ? Double.POSITIVE_INFINITY : band.upper(), detection.window(),
                detection.seasonal() ? seasonName(state) : "none"));
    }

    /**
     * The band {@code detection}'s point was judged against, or null where there is none to show: the
     * point was not judged (the series' first points), its centre or spread is not a finite number, or
     * the value lies past {@link #MAX_MAGNITUDE} (it was judged as that, so a band would not describe it).
     */
    public SpikeBand band(Detection detection) {
        double half = parameters.threshold() * detection.deviation();
        double expected = detection.mean();
        if (detection.window() <= 0 || !Double.isFinite(expected) || !Double.isFinite(half)
                || !(Math.abs(detection.value()) <= MAX_MAGNITUDE)) {
            return null;
        }
        return new SpikeBand(expected, expected - half, expected + half);
    }

    /** The period of the cycle {@code state} removes: a span such as {@code 1d}, or a number of points. */
    static String seasonName(DetectorState state) {
        if (state.profile == null) {
            return "none";
        }
        if (state.weekOffsets != null) {
            return "7d"; // the day's profile plus the offset of the time of the week
        }
        if (Double.isFinite(state.phaseSeconds)) {
            return SpikeWindow.of(java.time.Duration.ofSeconds(Math.round(state.profile.length * state.phaseSeconds)))
                    .toString();
        }
        return state.profile.length + " points";
    }

    /**
     * The anomaly likelihood over the z-scores (after Numenta's, as used on NAB): the mean of the last
     * {@value DetectorState#RECENT} capped scores, each the larger of the point's |z| and its |change|
     * from the previous point in the same deviations, is standardised against the exponentially
     * weighted mean and deviation of that same mean over the {@code history}; above
     * {@link #likelihoodCut} (its normal tail probability below {@code likelihood_tail}) it is a spike.
     * Any spike, of the z-score test or of the likelihood, silences both for the cool-down: one
     * disturbance is one spike (NAB, like an operator, wants one report per incident, and each further
     * one is a false alarm). The likelihood's cool-down is not restarted by points that stay unlikely,
     * so a second change during a long disturbance is still reported once the cool-down has run.
     */
    private int likelihood(DetectorState state, double score, double change, int signal, boolean breakthrough) {
        double unusual = Math.max(Math.abs(score), Math.abs(change));
        double recentMean = state.pushRecent(Math.min(unusual, LIKELIHOOD_SCORE_CAP));
        if (state.likelihoodCooldown > 0) {
            state.likelihoodCooldown--;
        }
        int historyPoints = historyPoints(state);
        int reported = signal;
        if (state.likelihoodCooldown > 0 && !breakthrough) {
            reported = 0;
        } else if (signal != 0) {
            state.likelihoodCooldown = cooldownPoints(state);
        } else if (state.historyCount >= parameters.minPoints()) {
            double spread = Math.max(Math.sqrt(state.historyVariance), LIKELIHOOD_MIN_SPREAD);
            if ((recentMean - state.historyMean) / spread > likelihoodCut) {
                reported = score >= 0 ? 1 : -1;
                state.likelihoodCooldown = cooldownPoints(state);
            }
        }
        state.learnHistory(recentMean, historyPoints);
        return reported;
    }

    /**
     * Counts an outlier (direction 1 or -1; 0 for a point inside the band) into the run of outliers in
     * one direction, and says whether the run has lasted long enough to be a new level: more than a
     * {@link #NEW_LEVEL_SHARE} of the window, and more than {@link #NEW_LEVEL_MIN_POINTS} points.
     */
    private static boolean countOutlier(DetectorState state, int direction) {
        int run = state.outlierRun;
        state.outlierRun = direction == 0 ? 0 : Integer.signum(run) == direction ? run + direction : direction;
        return Math.abs(state.outlierRun) > Math.max(NEW_LEVEL_MIN_POINTS, NEW_LEVEL_SHARE * state.lag());
    }

    /**
     * Share of the window an unbroken run of outliers must exceed to be taken as a new level: long
     * enough that a burst is still judged against the level before it, short enough that the window
     * has moved to the new level well before a window's length has passed. On NAB a quarter scored
     * higher than a half or a whole window, and all three beat never.
     */
    static final double NEW_LEVEL_SHARE = 0.25;
    /**
     * How many times the largest |z| of the record span an outlier must reach to be reported inside a
     * cool-down. On NAB, 2 is about neutral for the likelihood (mean +0.19 over the grid, the shipped
     * setting 63.3 to 63.2) and helps the z-score; it is there for the bursty series where a 30-fold
     * burst came hours after a usual one and was not reported at all.
     */
    static final double BREAKTHROUGH = 2;
    /** Fewest outliers in a row that can be a new level, however short the window. */
    static final int NEW_LEVEL_MIN_POINTS = 3;

    /** The series' record, made for the current settings on first use (spans resolved with the cadence, or 5 minutes before it is known). */
    private RecentMaximum record(DetectorState state) {
        if (state.record == null) {
            state.record = RecentMaximum.over(recordPoints(state.resolved ? state.step : Double.NaN));
        }
        return state.record;
    }

    private int recordPoints(double step) {
        return parameters.record().resolve(step, RecentMaximum.BLOCKS, SpikeParameters.MAX_RECORD);
    }

    /**
     * |z| above this counts as this much in the likelihood's recent mean: one wild point must not
     * dwarf the history for days, and anything past it is already a spike by the threshold.
     */
    static final double LIKELIHOOD_SCORE_CAP = 10;
    /**
     * Smallest deviation of the recent mean |z| over the history: a series so regular that its
     * scores hardly vary (a clean sine) must not turn a small wobble into a spike.
     */
    static final double LIKELIHOOD_MIN_SPREAD = 0.05;

    private int historyPoints(DetectorState state) {
        return state.resolved ? state.historyPoints
                : resolveHistory(Double.NaN);
    }

    /**
     * The likelihood's history in points. A span is never fewer than {@code min_points}, as the lag: the
     * history is the usual level of the recent scores, and {@code 2d} of a daily series (two points) made
     * every ordinary wobble of the recent mean look improbable.
     */
    private int resolveHistory(double step) {
        SpikeWindow history = parameters.history();
        return history.resolve(step, history.isSpan() ? Math.max(SpikeParameters.MIN_LAG, parameters.minPoints())
                : SpikeParameters.MIN_LAG, SpikeParameters.MAX_HISTORY);
    }

    /** Points before a young window's median and MAD are trusted to damp a wild point. */
    static final int ROBUST_WARM_UP_START = 8;
    /** Window size below which a young window is judged by median and MAD (sorting it costs O(n log n)). */
    static final int ROBUST_WARM_UP = 200;
    /**
     * Share of the standard deviation below which a young window's spread does not fall: a MAD of 0
     * (most points equal) must not turn the first small wobble into a spike.
     */
    static final double WARM_UP_STD_SHARE = 1.0 / 3;
    /** Weight of a new cycle in the seasonal profile: about the last four cycles count. */
    static final double SEASON_WEIGHT = 0.25;
    /** Most phases {@code season = auto} considers: one a minute, so its test keeps at most 4,320 values. */
    static final int MAX_AUTO_PHASES = 1440;
    /**
     * Autocorrelation at one day above which {@code season = auto} removes the daily cycle, if the
     * cycle also predicts better than the window ({@link #seasonReducesError}).
     */
    static final double SEASON_STRENGTH = 0.5;

    /**
     * Whether judging the first cycles against the same phase of the previous cycle would have missed by
     * less than judging them against the plain window does: the sum of squared errors of the previous
     * cycle's value ({@code x[t] - x[t - period]}), halved because that difference carries the noise of
     * two points where a profile learnt over several cycles carries about one, is compared with that of
     * the mean of the previous {@code min(lag, period)} points. A slowly drifting series (a temperature,
     * a level that wanders) is strongly autocorrelated at one day without having a daily cycle; for it
     * the recent window is the better expectation, and removing the "cycle" only adds yesterday's noise.
     * Uses only the values already seen (the ones the autocorrelation test keeps), so it stays online.
     */
    static boolean seasonReducesError(double[] values, int n, int period, int lag) {
        int window = Math.max(2, Math.min(lag, period));
        if (n <= period) {
            return true;
        }
        // the mean of the window's values before each point (empty slots of missing rows left out)
        double sum = 0;
        int count = 0;
        for (int i = period - window; i < period; i++) {
            if (!Double.isNaN(values[i])) {
                sum += values[i];
                count++;
            }
        }
        double seasonal = 0;
        double plain = 0;
        for (int t = period; t < n; t++) {
            if (!Double.isNaN(values[t]) && !Double.isNaN(values[t - period]) && count > 0) {
                double bySeason = values[t] - values[t - period];
                double byWindow = values[t] - sum / count;
                seasonal += bySeason * bySeason;
                plain += byWindow * byWindow;
            }
            if (!Double.isNaN(values[t])) {
                sum += values[t];
                count++;
            }
            if (!Double.isNaN(values[t - window])) {
                sum -= values[t - window];
                count--;
            }
        }
        return seasonal / 2 < plain;
    }

    /**
     * Pearson correlation of the series with itself one cycle ({@code lag} slots) earlier, by Commons
     * Math, over the pairs where neither slot is empty (NaN: a missing row); 0 when either side is
     * constant or fewer than three pairs remain.
     */
    static double autocorrelation(double[] values, int n, int lag) {
        if (n - lag < 3) {
            return 0;
        }
        double[] later = new double[n - lag];
        double[] earlier = new double[n - lag];
        int pairs = 0;
        for (int t = lag; t < n; t++) {
            if (!Double.isNaN(values[t]) && !Double.isNaN(values[t - lag])) {
                later[pairs] = values[t];
                earlier[pairs++] = values[t - lag];
            }
        }
        if (pairs < 3) {
            return 0;
        }
        double r = new org.apache.commons.math3.stat.correlation.PearsonsCorrelation()
                .correlation(java.util.Arrays.copyOf(later, pairs), java.util.Arrays.copyOf(earlier, pairs));
        return Double.isFinite(r) ? r : 0;
    }

    private boolean readyToResolve(DetectorState state, double seconds) {
        long next = state.count() + 1;
        int minPoints = parameters.minPoints();
        // Wait for enough steps to take their median, unless the times cannot be read at all.
        return next >= minPoints && (state.steps.length >= Math.min(DetectorState.STEP_SAMPLES, minPoints / 2)
                || !Double.isFinite(seconds));
    }

    /** Turns spans into points for the series' step and sets up its season. */
    private void resolveWindows(DetectorState state, double step) {
        state.step = step;
        state.resolved = true;
        state.steps = new double[0];
        int lag = parameters.lag().resolve(step, Math.max(SpikeParameters.MIN_LAG, parameters.minPoints()),
                SpikeParameters.MAX_LAG);
        if (!parameters.lag().isSpan()) {
            lag = parameters.lag().points();
        }
        state.resize(lag);
        state.cooldownPoints = parameters.cooldown().resolve(step, 0, SpikeParameters.MAX_COOLDOWN);
        if (!recordRule) {
            state.record = null;
        } else {
            RecentMaximum fresh = RecentMaximum.over(recordPoints(step));
            if (state.record == null || state.record.blockPoints != fresh.blockPoints) {
                // New, or made for another span or cadence: the maxima of other blocks would not compare.
                state.record = fresh;
            }
        }
        // Only the likelihood keeps a history; other methods keep their state in the s1/s2 form.
        state.historyPoints = parameters.method() == SpikeMethod.LIKELIHOOD
                ? resolveHistory(step) : 0;
        SpikeSeason season = parameters.season();
        SpikeWindow period = season.auto() ? SpikeSeason.DAY : season.period();
        if (period == null) {
            state.seasonMode = DetectorState.SEASON_NONE;
            state.profile = null;
            state.weeklyCheck = null;
            state.weekOffsets = null;
            return;
        }
        int phases = period.resolve(step, 2, SpikeParameters.MAX_SEASON_POINTS);
        if (season.auto() && (phases < 4 || phases > MAX_AUTO_PHASES)) {
            // A daily cycle of fewer than four points (daily data) cannot be told from noise; past one
            // point a minute the three days kept for the test would make the stored state too large.
            state.seasonMode = DetectorState.SEASON_NONE;
            state.profile = null;
            state.weeklyCheck = null;
            state.weekOffsets = null;
            return;
        }
        double phaseSeconds = period.isSpan() && Double.isFinite(step) ? (double) period.duration().getSeconds() / phases
                : Double.NaN;
        if (!season.auto()) {
            state.weeklyCheck = null;
            state.weekOffsets = null;
        } else if (state.weeklyCheck == null && !state.weeklyDecided && Double.isFinite(phaseSeconds)) {
            state.weeklyCheck = WeeklyCheck.forPhasesPerDay(phases);
        }
        if (season.auto() && state.seasonMode == DetectorState.SEASON_NONE && state.profile == null
                && state.seasonSeen > 0) {
            // auto already looked at this series and found no daily cycle: a resumed series keeps that
            // decision instead of testing again from scratch on every run.
            return;
        }
        int mode = season.auto() ? DetectorState.SEASON_CANDIDATE : DetectorState.SEASON_ACTIVE;
        boolean same = state.profile != null && state.profile.length == phases
                && (state.seasonMode == mode || state.seasonMode == DetectorState.SEASON_ACTIVE)
                && Double.compare(state.phaseSeconds, phaseSeconds) == 0;
        if (same) {
            return;
        }
        state.seasonMode = mode;
        state.phaseSeconds = phaseSeconds;
        state.weekOffsets = null;
        state.profile = new double[phases];
        java.util.Arrays.fill(state.profile, Double.NaN);
        state.seasonSeen = 0;
        state.autoValues = new double[0];
        state.autoSize = 0;
        if (mode == DetectorState.SEASON_ACTIVE) {
            state.clearWindow();
        }
    }

    /**
     * The weeks of {@code auto}'s weekly check are over: if they followed a week, the series is judged
     * from now on against its daily profile plus an offset per bucket of the week (see {@link WeeklyCheck}),
     * else it keeps what the daily check decided.
     */
    private static void decideWeekly(DetectorState state) {
        WeeklyCheck check = state.weeklyCheck;
        state.weeklyCheck = null;
        state.weeklyDecided = true;
        if (!check.weekly(SEASON_STRENGTH)) {
            return;
        }
        int phasesPerDay = SpikeSeason.DAY.resolve(state.step, 2, SpikeParameters.MAX_SEASON_POINTS);
        double phaseSeconds = 86_400.0 / phasesPerDay;
        boolean dailyKept = state.seasonMode == DetectorState.SEASON_ACTIVE && state.profile != null
                && state.profile.length == phasesPerDay;
        if (!dailyKept) {
            // No daily cycle was found: the day's profile starts flat within each bucket, at that bucket's mean.
            double[] hours = check.bucketOfDayMeans();
            state.profile = new double[phasesPerDay];
            for (int p = 0; p < phasesPerDay; p++) {
                state.profile[p] = hours[(int) Math.min(hours.length - 1, Math.floor(p * (double) hours.length / phasesPerDay))];
            }
        }
        state.weekOffsets = check.offsets();
        // each bucket of the week is visited this many points a week: together they move it a quarter
        state.weekOffsetWeight = SEASON_WEIGHT * check.bucketsPerDay / (double) phasesPerDay;
        state.phaseSeconds = phaseSeconds;
        state.seasonMode = DetectorState.SEASON_ACTIVE;
        state.autoValues = new double[0];
        state.autoSize = 0;
        if (!dailyKept) {
            // the window held values, not what is left of them after a cycle: it starts again
            state.clearWindow();
        }
        // else it keeps the residuals of the daily profile, the week's part still in them: its band is a
        // little wide until they are replaced, where an emptied window judged nothing for min_points points
    }

    private int cooldownPoints(DetectorState state) {
        return state.resolved ? state.cooldownPoints
                : parameters.cooldown().resolve(Double.NaN, 0, SpikeParameters.MAX_COOLDOWN);
    }

    /** Phase of the cycle: from the time of day (week, ...) when the timestamp is readable, else by counting. */
    private static int phase(DetectorState state, double seconds) {
        int phases = state.profile.length;
        if (Double.isFinite(state.phaseSeconds) && Double.isFinite(seconds)) {
            return (int) Math.floorMod((long) Math.floor(seconds / state.phaseSeconds), (long) phases);
        }
        return (int) Math.floorMod(state.seasonSeen, (long) phases);
    }

    /** The bucket of the week (of the weekly offsets) a point falls in; -1 without offsets or a readable time. */
    private static int weekBucket(DetectorState state, double seconds) {
        if (state.weekOffsets == null || !Double.isFinite(seconds)) {
            return -1;
        }
        int buckets = state.weekOffsets.length;
        return (int) Math.floorMod((long) Math.floor(seconds / (WeeklyCheck.WEEK_SECONDS / buckets)), (long) buckets);
    }

    /**
     * The window auto's test hands over when it finds a daily cycle: the last {@code lag} values it kept,
     * each less the mean of the same time of the earlier days, so the series is judged against its cycle
     * from the next point on (an emptied window left it unjudged for {@code min_points} points: an hourly
     * series' day and a quarter, in which a bump off the cycle was never reported). A value far out among
     * them (by the residuals' median and MAD) enters as a scored outlier would.
     */
    private double[] residuals(DetectorState state) {
        int phases = state.profile.length;
        double[] kept = new double[Math.min(state.lag(), state.autoSize)]; // filled from its end: oldest first
        int n = 0;
        for (int i = state.autoSize - 1; i >= 0 && n < kept.length; i--) {
            double v = state.autoValues[i];
            if (Double.isNaN(v)) {
                continue;
            }
            // against the same time of the earlier days only: against a profile made with the value itself
            // its residual would look smaller than the next day's will be, and so would the window's spread
            double sum = 0;
            int days = 0;
            for (int j = i - phases; j >= 0; j -= phases) {
                if (!Double.isNaN(state.autoValues[j])) {
                    sum += state.autoValues[j];
                    days++;
                }
            }
            if (days > 0) {
                kept[kept.length - ++n] = v - sum / days;
            }
        }
        double[] residuals = java.util.Arrays.copyOfRange(kept, kept.length - n, kept.length);
        if (n >= ROBUST_WARM_UP_START) {
            double[] sorted = residuals.clone();
            java.util.Arrays.sort(sorted);
            double centre = median(sorted, n);
            double spread = Math.max(SpikeMethod.MAD_TO_SIGMA * medianAbsoluteDeviation(sorted, n, centre),
                    deviationFloor(centre));
            for (int i = 0; i < n; i++) {
                if (Math.abs(residuals[i] - centre) > parameters.threshold() * spread) {
                    residuals[i] = centre + parameters.influence() * (residuals[i] - centre);
                }
            }
        }
        return residuals;
    }

    /**
     * Phases of the cycle from the point at {@code previous} to the one at {@code seconds} (seconds since
     * the epoch): 1 for the next row of a regular series, more across missing rows; 1 when either time
     * cannot be read, the times do not advance, or the phases are counted rather than timed.
     */
    private static int stride(DetectorState state, double previous, double seconds) {
        double elapsed = (seconds - previous) / state.phaseSeconds;
        if (!(elapsed >= 1.5)) { // also NaN: unreadable times, or a season counted in points
            return 1;
        }
        return (int) Math.min(Math.round(elapsed), Integer.MAX_VALUE / 2);
    }

    /**
     * Updates the seasonal profile with a point and, for auto, decides once enough cycles were seen;
     * {@code stride} is the point's phases since the previous one (see {@link #stride}).
     */
    private void learnSeason(DetectorState state, int phase, int weekBucket, double value, double expected, int direction,
                             int stride) {
        if (state.seasonMode == DetectorState.SEASON_NONE) {
            return;
        }
        double target = direction == 0 || Double.isNaN(expected)
                ? value : expected + parameters.influence() * (value - expected);
        if (Double.isNaN(expected)) {
            state.profile[phase] = weekBucket < 0 ? target : target - state.weekOffsets[weekBucket];
        } else {
            // Day and week learn from the same miss: the day's profile at a quarter per day, so it
            // follows a drifting level within days; the week's offset at about a quarter per week.
            state.profile[phase] += SEASON_WEIGHT * (target - expected);
            if (weekBucket >= 0) {
                state.weekOffsets[weekBucket] += state.weekOffsetWeight * (target - expected);
            }
        }
        state.seasonSeen++;
        if (state.seasonMode == DetectorState.SEASON_CANDIDATE) {
            int phases = state.profile.length;
            int wanted = SpikeSeason.AUTO_CYCLES * phases;
            if (state.autoValues.length < wanted) {
                state.autoValues = java.util.Arrays.copyOf(state.autoValues, wanted);
            }
            // a missing row leaves its slot empty (NaN), so the slot a cycle back is the same time of day
            int missing = state.autoSize == 0 ? 0 : (int) Math.min(stride - 1L, wanted - state.autoSize - 1L);
            for (int i = 0; i < missing; i++) {
                state.autoValues[state.autoSize++] = Double.NaN;
            }
            state.autoValues[state.autoSize++] = target;
            if (state.autoSize >= wanted) {
                if (autocorrelation(state.autoValues, state.autoSize, phases) >= SEASON_STRENGTH
                        && seasonReducesError(state.autoValues, state.autoSize, phases, state.lag())) {
                    state.seasonMode = DetectorState.SEASON_ACTIVE;
                    state.refillWindow(residuals(state));
                } else {
                    state.seasonMode = DetectorState.SEASON_NONE;
                    state.profile = null;
                }
                state.autoValues = new double[0];
                state.autoSize = 0;
            }
        }
    }

    /**
     * Feeds {@code points} of one series in order and returns the spikes among them.
     *
     * @param series name put on each spike, {@code <collector>/<file>#<column>}
     */
    public List<Spike> scan(String series, List<SeriesPoint> points, DetectorState state) {
        List<Spike> spikes = new ArrayList<>();
        for (SeriesPoint point : points) {
            Detection detection = update(state, SeriesTime.epochSeconds(point.timestamp()), point.value());
            if (detection.isSpike()) {
                spikes.add(spike(series, point.timestamp(), detection, state));
            }
        }
        return spikes;
    }

    /**
     * The smallest deviation a score is computed with around {@code centre}: the larger of
     * {@link SpikeParameters#minDeviation()} and {@link #RELATIVE_DEVIATION_FLOOR} times |centre|.
     */
    public double deviationFloor(double centre) {
        return Math.max(parameters.minDeviation(), RELATIVE_DEVIATION_FLOOR * Math.abs(centre));
    }

    private static double median(double[] sorted, int n) {
        int half = n / 2;
        return n % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }

    /**
     * Median of |x - median| without a second sort: the deviations grow outwards from the middle
     * of the sorted window on both sides, so merging the two sides gives them in ascending order
     * and the median is reached after n/2 steps.
     */
    private static double medianAbsoluteDeviation(double[] sorted, int n, double median) {
        int lower = (n - 1) / 2;
        int upper = lower + 1;
        int wanted = n / 2; // index of the upper middle deviation, 0-based
        double previous = 0;
        double current = 0;
        for (int k = 0; k <= wanted; k++) {
            previous = current;
            double below = lower >= 0 ? median - sorted[lower] : Double.POSITIVE_INFINITY;
            double above = upper < n ? sorted[upper] - median : Double.POSITIVE_INFINITY;
            if (below <= above) {
                current = below;
                lower--;
            } else {
                current = above;
                upper++;
            }
        }
        return n % 2 == 1 ? current : (previous + current) / 2;
    }
}
