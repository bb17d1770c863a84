package org.maomao.spike;

/**
 * What the detector made of one point.
 *
 * @param value     the point as fed
 * @param mean      centre of the window the point was judged against: its mean ({@link SpikeMethod#ZSCORE})
 *                  or median ({@link SpikeMethod#ROBUST}); during warm-up, the centre of the points so far
 * @param deviation spread of that window after the floor was applied (standard deviation, or MAD scaled to
 *                  one); during warm-up, the spread of the points so far
 * @param score     {@code (value - mean) / deviation}; 0 during warm-up and for skipped points
 * @param signal    1 for a reported spike up, -1 for a spike down, 0 otherwise (also for an outlier that
 *                  falls in the cool-down of an earlier spike)
 * @param window    points in the window the point was judged against (0 for a point not judged)
 * @param seasonal  whether a seasonal profile was removed before judging it
 */
public record Detection(double value, double mean, double deviation, double score, int signal, int window,
                        boolean seasonal) {

    /** A detection of a point not judged against a window (skipped, or while the series warms up). */
    public Detection(double value, double mean, double deviation, double score, int signal) {
        this(value, mean, deviation, score, signal, 0, false);
    }


    /** Whether this point is a reported spike. */
    public boolean isSpike() {
        return signal != 0;
    }
}
