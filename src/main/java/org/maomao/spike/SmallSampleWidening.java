package org.maomao.spike;

import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * How much wider the band must be while a window is young, so that {@code threshold} deviations mean
 * the same tail probability for a window of 30 points as for a full one.
 *
 * <p>A centre and spread estimated from n points are themselves uncertain: a new point's distance from
 * them, in those deviations, follows Student's t with the estimate's degrees of freedom, widened by
 * {@code sqrt(1 + 1/n)}, not the normal distribution the threshold is read in. With 30 points judged by
 * median and MAD (about 37% as efficient as the mean and standard deviation for normal data: some 10
 * degrees of freedom) a quiet point crosses 4 deviations about 70 times as often as the threshold
 * promises; the first scored points of every new series were the detector's most common false alarm.
 * The band is therefore widened by {@code t(dof, p) / threshold * sqrt(1 + 1/n)}, where {@code p} is
 * the normal tail beyond the threshold, so each point of a young window is as unlikely to be a false
 * alarm as one of a full window.
 *
 * <p>Only young windows are widened: a full window's spread was chosen with the threshold (the defaults
 * were measured with it), and widening it too cost real anomalies on NAB. Thread-safe; each factor is
 * computed once by Commons Math and kept.
 */
final class SmallSampleWidening {
    /** Efficiency of the MAD against the standard deviation for normal data (asymptotically 0.37). */
    static final double MAD_EFFICIENCY = 0.37;
    /** Degrees of freedom past which the Cornish-Fisher expansion replaces Commons Math (exact to 1e-6 there). */
    static final int EXACT_UP_TO = 200;

    private final double threshold;
    /** One-sided normal tail beyond the threshold. */
    private final double tail;
    /** Student's t quantiles by degrees of freedom, as raw long bits; 0 until computed. */
    private final AtomicLongArray quantiles = new AtomicLongArray(EXACT_UP_TO + 1);

    SmallSampleWidening(double threshold) {
        this.threshold = threshold;
        this.tail = new NormalDistribution(null, 0, 1).cumulativeProbability(-threshold);
    }

    /**
     * The factor for a window of {@code n} points whose spread is a MAD ({@code robust}) or a standard
     * deviation; at least 1.
     */
    double factor(int n, boolean robust) {
        if (n < 2 || !(threshold > 0) || !(tail > 0)) {
            return 1; // nothing to widen by (a single point, or a threshold so large no tail is left)
        }
        int dof = robust ? Math.max(1, (int) Math.round(MAD_EFFICIENCY * n) - 1) : n - 1;
        return Math.max(1, quantile(dof) / threshold * Math.sqrt(1 + 1.0 / n));
    }

    /** Student's t quantile at the upper {@link #tail} for {@code dof} degrees of freedom. */
    double quantile(int dof) {
        if (dof > EXACT_UP_TO) {
            return cornishFisher(threshold, dof);
        }
        long bits = quantiles.get(dof);
        if (bits != 0) {
            return Double.longBitsToDouble(bits);
        }
        double t = -new TDistribution(null, dof).inverseCumulativeProbability(tail);
        quantiles.set(dof, Double.doubleToRawLongBits(t));
        return t;
    }

    /**
     * Student's t quantile from the normal one {@code z} for {@code dof} degrees of freedom, by the
     * Cornish-Fisher expansion to the fourth order in 1/dof (Abramowitz and Stegun 26.7.5).
     */
    static double cornishFisher(double z, double dof) {
        double z2 = z * z;
        double g1 = (z2 + 1) * z / 4;
        double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
        double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
        double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
        return z + g1 / dof + g2 / (dof * dof) + g3 / (dof * dof * dof) + g4 / (dof * dof * dof * dof);
    }
}
