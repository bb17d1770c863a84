package org.maomao.spike;

/**
 * The band a point was judged against: outside {@code [lower, upper]} it is an outlier. One formula
 * for every place that shows it (a stored spike, {@code GET /series/...}, {@code maomao detect
 * --explain}): {@link SpikeDetector#band(Detection)}.
 *
 * @param expected the value the detector expected (the window's centre plus the season's part)
 * @param lower    {@code expected} minus {@code threshold} deviations
 * @param upper    {@code expected} plus {@code threshold} deviations
 */
public record SpikeBand(double expected, double lower, double upper) {
}
