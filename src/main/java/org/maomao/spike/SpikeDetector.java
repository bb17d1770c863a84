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
 * spike needs {@code cooldown} quiet points in that direction first.
 *
 * <p>All state lives in a {@link DetectorState}, which the caller keeps per series, so one detector
 * serves any number of series and a series can be continued in a later run. Work per point is O(1)
 * for {@link SpikeMethod#ZSCORE} (running mean and M2) and O(lag) for {@link SpikeMethod#ROBUST}
 * (a sorted copy of the window). The detector itself is immutable and thread-safe.
 */
public final class SpikeDetector {

    /**
     * Fraction of the window's centre below which the deviation is not allowed to fall, whatever
     * {@link SpikeParameters#minDeviation()} says: a series of large values that is flat up to
     * rounding (say 1e6 ± 1e-10) must not score its rounding noise.
     */
    public static final double RELATIVE_DEVIATION_FLOOR = 1e-9;

    private final SpikeParameters parameters;

    public SpikeDetector(SpikeParameters parameters) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
    }

    public SpikeParameters parameters() {
        return parameters;
    }

    /** An empty state for a new series. */
    public DetectorState newState() {
        return new DetectorState(parameters.lag());
    }

    /**
     * The state to continue a series with: a new one when {@code encoded} is null or blank, else
     * the decoded state, resized (keeping the newest values) when the lag setting changed since
     * it was stored.
     *
     * @throws IllegalArgumentException when {@code encoded} is not an encoded state
     */
    public DetectorState resume(String encoded) {
        if (encoded == null || encoded.isBlank()) {
            return newState();
        }
        DetectorState state = DetectorState.decode(encoded);
        return state.lag() == parameters.lag() ? state : state.resizedTo(parameters.lag());
    }

    /**
     * Scores one point and adds it to {@code state}.
     *
     * <p>A non-finite value (NaN, a missing cell) is skipped: the result has signal 0 and the state
     * is left as it was. While the window is not yet full, points fill it and score 0.
     *
     * @throws IllegalArgumentException when the state was made for another lag (see {@link #resume(String)})
     */
    public Detection update(DetectorState state, double value) {
        if (state.lag() != parameters.lag()) {
            throw new IllegalArgumentException("the detector state has a window of " + state.lag()
                    + " points but the detector's lag is " + parameters.lag()
                    + "; resize it with DetectorState.resizedTo or SpikeDetector.resume");
        }
        if (!Double.isFinite(value)) {
            return new Detection(value, Double.NaN, Double.NaN, 0, 0);
        }
        if (state.size() == 0) {
            state.push(value);
            return new Detection(value, value, deviationFloor(value), 0, 0);
        }
        double centre;
        double spread;
        if (parameters.method() == SpikeMethod.ROBUST) {
            double[] sorted = state.sortedWindow();
            centre = median(sorted, state.size());
            spread = SpikeMethod.MAD_TO_SIGMA * medianAbsoluteDeviation(sorted, state.size(), centre);
        } else {
            centre = state.mean();
            spread = Math.sqrt(state.variance());
        }
        double deviation = Math.max(spread, deviationFloor(centre));
        if (!state.warmedUp()) {
            state.push(value);
            return new Detection(value, centre, deviation, 0, 0);
        }

        double score = (value - centre) / deviation;
        int direction = Math.abs(score) > parameters.threshold() ? (score > 0 ? 1 : -1) : 0;
        boolean coolingDown = direction > 0 ? state.cooldownUp() > 0 : direction < 0 && state.cooldownDown() > 0;
        int signal = coolingDown ? 0 : direction;
        state.tickCooldowns();
        if (direction != 0) {
            // Every outlier (re)starts the cool-down of its direction, reported or not, so the
            // cool-down runs from the end of a burst rather than from its first point: a burst
            // longer than the cool-down is still one spike. On the NAB series this scored better
            // than counting the cool-down from the reported point.
            state.startCooldown(direction, parameters.cooldown());
        }
        // The outlier test, not the reported signal, decides the filtering: an outlier inside a
        // cool-down is still an outlier and must not widen the window either.
        double filtered = direction == 0
                ? value
                : parameters.influence() * value + (1 - parameters.influence()) * state.newest();
        state.push(filtered);
        return new Detection(value, centre, deviation, score, signal);
    }

    /**
     * Feeds {@code points} of one series in order and returns the spikes among them.
     *
     * @param series name put on each spike, {@code <collector>/<file>#<column>}
     */
    public List<Spike> scan(String series, List<SeriesPoint> points, DetectorState state) {
        List<Spike> spikes = new ArrayList<>();
        for (SeriesPoint point : points) {
            Detection detection = update(state, point.value());
            if (detection.isSpike()) {
                spikes.add(Spike.of(series, point.timestamp(), detection));
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
