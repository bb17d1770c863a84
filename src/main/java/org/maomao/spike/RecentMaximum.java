package org.maomao.spike;

import java.util.Arrays;

/**
 * The largest |z| a series reached over about its last {@code record} points, for the detector's
 * record rule: a point is only reported as a spike when it deviates more than any point of that span.
 *
 * <p>A true sliding maximum would keep up to {@code record} values per series (2,016 for a week of
 * 5-minute data, and the daemon stores the state of every series between runs). The span is cut into
 * {@link #BLOCKS} blocks instead; the maximum of each finished block is kept, so the state is eight
 * numbers whatever the span, each point costs O(1), and the span looked back over is between
 * {@code (BLOCKS - 1) / BLOCKS} of {@code record} and all of it.
 *
 * <p>Mutable and not thread-safe, like the {@link DetectorState} that holds it.
 */
final class RecentMaximum {

    /** Blocks the span is cut into: the look-back is never shorter than five sixths of the span. */
    static final int BLOCKS = 6;

    /** Points per block, at least 1. */
    final int blockPoints;
    /** Maxima of the finished blocks (0 for a block not seen yet), a ring; {@link #next} is overwritten next. */
    final double[] maxima;
    int next;
    /** Maximum of the block being filled, and the points it holds so far. */
    double current;
    int inBlock;

    /** An empty maximum over about {@code spanPoints} points (at least {@link #BLOCKS}). */
    static RecentMaximum over(int spanPoints) {
        return new RecentMaximum((int) Math.max(1, Math.ceil(spanPoints / (double) BLOCKS)));
    }

    RecentMaximum(int blockPoints) {
        if (blockPoints < 1) {
            throw new IllegalArgumentException("a record block must hold at least one point, got " + blockPoints);
        }
        this.blockPoints = blockPoints;
        this.maxima = new double[BLOCKS];
    }

    /** Whether {@code score} (an |z|) is larger than every score of the span so far. */
    boolean beatenBy(double score) {
        double max = current;
        for (double m : maxima) {
            max = Math.max(max, m);
        }
        return score > max;
    }

    /**
     * Counts a point's |z| into the block being filled; a full block replaces the oldest one. An infinite
     * |z| (a value so far out that the difference overflows) counts as the largest finite double, so the
     * state stays storable; NaN counts as nothing.
     */
    void add(double score) {
        if (score > current) {
            current = Math.min(score, Double.MAX_VALUE);
        }
        if (++inBlock >= blockPoints) {
            maxima[next] = current;
            next = (next + 1) % BLOCKS;
            current = 0;
            inBlock = 0;
        }
    }

    RecentMaximum copy() {
        RecentMaximum copy = new RecentMaximum(blockPoints);
        System.arraycopy(maxima, 0, copy.maxima, 0, BLOCKS);
        copy.next = next;
        copy.current = current;
        copy.inBlock = inBlock;
        return copy;
    }

    @Override
    public String toString() {
        return "RecentMaximum[blockPoints=" + blockPoints + ", current=" + current + ", maxima="
                + Arrays.toString(maxima) + "]";
    }
}
