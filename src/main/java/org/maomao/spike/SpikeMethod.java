package org.maomao.spike;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the detector measures the centre and spread of its lag window.
 *
 * <ul>
 *   <li>{@link #ZSCORE}: mean and (population) standard deviation of the window; cheap, O(1) per
 *       point with running sums, but a few large values in the window inflate the spread.</li>
 *   <li>{@link #ROBUST}: median and median absolute deviation scaled by {@value #MAD_TO_SIGMA}, so
 *       that the spread matches a standard deviation for normal data while ignoring up to half of
 *       the window being outliers; O(lag) per point.</li>
 *   <li>{@link #LIKELIHOOD}: {@link #ZSCORE}, plus an anomaly likelihood (after Numenta's, as used on
 *       the Numenta Anomaly Benchmark) over its scores: the mean |z| of the last few points is compared
 *       with how that mean usually varies over a long {@code history}, and a run of unusually large
 *       scores is a spike even when no single point passes {@code threshold} (a change in level,
 *       spread or shape); O(1) per point.</li>
 * </ul>
 */
public enum SpikeMethod {
    ZSCORE,
    ROBUST,
    LIKELIHOOD;

    /** Scales a MAD to the standard deviation of a normal distribution (1 / Φ⁻¹(3/4)). */
    public static final double MAD_TO_SIGMA = 1.4826;

    /**
     * Reads a method name as written in configuration or on the command line, ignoring case.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is none of them
     */
    public static SpikeMethod parse(String text) {
        String name = text == null ? "" : text.trim();
        for (SpikeMethod method : values()) {
            if (method.name().equalsIgnoreCase(name)) {
                return method;
            }
        }
        throw new IllegalArgumentException("spike method must be one of " + names() + ", got '" + name + "'");
    }

    /** The accepted names in lower case, e.g. {@code zscore, robust}. */
    public static String names() {
        return Arrays.stream(values()).map(SpikeMethod::configName).collect(Collectors.joining(", "));
    }

    /** The lower-case name used in configuration files and on the command line. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
