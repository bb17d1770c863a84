package org.maomao.spike;

/**
 * Why a point was a spike, beyond its expected value and score: the band it was judged against and
 * what the detector judged it with.
 *
 * @param lower  the band's lower edge: expected value minus {@code threshold} deviations
 * @param upper  the band's upper edge: expected value plus {@code threshold} deviations (a spike of the
 *               anomaly likelihood can lie inside the band: it is a run of unusual points, not one)
 * @param window points in the window the point was judged against (fewer than {@code lag} while it fills)
 * @param season the cycle removed before judging: {@code none}, or its period ({@code 1d}, {@code 7d}, or
 *               {@code 24 points} for a series whose times cannot be read)
 */
public record SpikeExplanation(double lower, double upper, int window, String season) {
    /** Longest season text stored. */
    public static final int MAX_SEASON_LENGTH = 32;
}
