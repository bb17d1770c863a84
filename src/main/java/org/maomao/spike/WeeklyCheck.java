package org.maomao.spike;

import java.util.Arrays;

/**
 * {@code season = auto}'s look for a weekly cycle (weekday traffic, office hours, a weekend lull) on
 * top of the daily one: over the series' first {@value #WEEKS} weeks it keeps the mean of each
 * quarter hour (each daily phase for a series with fewer than 96 points a day), then decides once
 * whether the series follows a week.
 *
 * <p>Bucket means keep the check's size fixed whatever the cadence (at most 2,016 sums and counts)
 * and average away the noise of single points. A series follows a week when its bucket means
 * correlate with those a week earlier (Pearson, by Commons Math) at least as strongly as
 * {@code season = auto} asks of a day, and the same bucket a week earlier predicts them far better
 * than the same bucket a day earlier ({@link #GAIN}): a plain daily cycle predicts as well from
 * yesterday as from last week.
 *
 * <p>When it switches, the detector adds to its daily profile an offset per bucket of the week, started
 * from these weeks (the bucket's mean minus the mean of that time of day), and both learn from each
 * miss: the day at a quarter per day, so the level follows drift within days, the week's offsets at
 * about a quarter per week. A weekly profile learnt from nothing instead would teach its first week
 * and then judge each day by the wrong one for about a month.
 *
 * <p>Mutable and not thread-safe, like the {@link DetectorState} that holds it.
 */
final class WeeklyCheck {

    static final double WEEK_SECONDS = 7 * 86_400.0;
    /** Weeks observed before deciding. */
    static final int WEEKS = 3;
    /**
     * Share of the day-ago error the week-ago error must stay below for the week to be used. A week
     * costs adaptation (each offset learns from one visit a week), so only a week that explains most
     * of what yesterday misses is worth it: synthetic weekday/weekend series reach 0.005 to 0.05.
     * The two NAB dev files with a weekly rhythm, nyc_taxi and ambient_temperature, sit at 0.51 and
     * 0.53, and switching them cost a caught window each (NAB dev 64.4 to 57.9); they stay daily.
     */
    static final double GAIN = 0.25;
    /** Most buckets a day is cut into: quarter hours. */
    static final int MAX_BUCKETS_PER_DAY = 96;

    /** Buckets per day: quarter hours, or the daily phases when there are fewer. */
    final int bucketsPerDay;
    /** Absolute index ({@code floor(seconds / bucketSeconds)}) of the first bucket; unset until the first point. */
    long firstBucket;
    boolean started;
    final double[] sums;
    final int[] counts;

    WeeklyCheck(int bucketsPerDay) {
        if (bucketsPerDay < 1 || bucketsPerDay > MAX_BUCKETS_PER_DAY) {
            throw new IllegalArgumentException("a weekly check cuts a day into 1.." + MAX_BUCKETS_PER_DAY
                    + " buckets, not " + bucketsPerDay);
        }
        this.bucketsPerDay = bucketsPerDay;
        this.sums = new double[WEEKS * 7 * bucketsPerDay];
        this.counts = new int[sums.length];
    }

    /** The check for a series with {@code phasesPerDay} phases a day. */
    static WeeklyCheck forPhasesPerDay(int phasesPerDay) {
        return new WeeklyCheck(Math.min(MAX_BUCKETS_PER_DAY, phasesPerDay));
    }

    double bucketSeconds() {
        return 86_400.0 / bucketsPerDay;
    }

    /**
     * Counts a point at {@code seconds}; true once a point comes after the weeks observed, when it
     * is time to decide. A point earlier than the first one is left out.
     */
    boolean add(double seconds, double value) {
        long bucket = (long) Math.floor(seconds / bucketSeconds());
        if (!started) {
            started = true;
            firstBucket = bucket;
        }
        long i = bucket - firstBucket;
        if (i >= sums.length) {
            return true;
        }
        // a sum that would overflow keeps what it had: the state must stay storable whatever a series sends
        if (i >= 0 && Double.isFinite(sums[(int) i] + value)) {
            sums[(int) i] += value;
            counts[(int) i]++;
        }
        return false;
    }

    /** Whether the weeks seen follow a weekly cycle (see the class comment). */
    boolean weekly(double strength) {
        double[] h = means();
        int week = 7 * bucketsPerDay;
        int day = bucketsPerDay;
        double[] later = new double[h.length];
        double[] earlier = new double[h.length];
        int pairs = 0;
        double weekError = 0;
        double dayError = 0;
        for (int t = week; t < h.length; t++) {
            if (Double.isNaN(h[t]) || Double.isNaN(h[t - week])) {
                continue;
            }
            later[pairs] = h[t];
            earlier[pairs] = h[t - week];
            pairs++;
            if (!Double.isNaN(h[t - day])) {
                weekError += (h[t] - h[t - week]) * (h[t] - h[t - week]);
                dayError += (h[t] - h[t - day]) * (h[t] - h[t - day]);
            }
        }
        if (pairs < 3 || dayError == 0) {
            return false;
        }
        double r = new org.apache.commons.math3.stat.correlation.PearsonsCorrelation()
                .correlation(Arrays.copyOf(later, pairs), Arrays.copyOf(earlier, pairs));
        return Double.isFinite(r) && r >= strength && weekError < GAIN * dayError;
    }

    /**
     * How far each bucket of the week ({@code floor(seconds / bucketSeconds) mod 7 * bucketsPerDay}) lay
     * above the mean of that time of day over all days seen: the weekly offsets added to the daily
     * profile. 0 where a bucket had no point.
     */
    double[] offsets() {
        int week = 7 * bucketsPerDay;
        double[] weekMeans = meansBy(week);
        double[] dayMeans = meansBy(bucketsPerDay);
        double[] offsets = new double[week];
        for (int b = 0; b < week; b++) {
            offsets[b] = Double.isNaN(weekMeans[b]) ? 0 : weekMeans[b] - dayMeans[b % bucketsPerDay];
        }
        return offsets;
    }

    /** The mean of each bucket of the day over all days seen; NaN for a bucket without points. */
    double[] bucketOfDayMeans() {
        return meansBy(bucketsPerDay);
    }

    /**
     * The mean of the bucket means that share a place in a cycle of {@code period} buckets (a day, a
     * week: the cycles start at the epoch, as the detector's phases do); NaN for a place without points.
     */
    private double[] meansBy(int period) {
        double[] h = means();
        double[] sum = new double[period];
        int[] count = new int[period];
        for (int i = 0; i < h.length; i++) {
            if (!Double.isNaN(h[i])) {
                int b = (int) Math.floorMod(firstBucket + i, (long) period);
                sum[b] += h[i];
                count[b]++;
            }
        }
        for (int b = 0; b < period; b++) {
            sum[b] = count[b] == 0 ? Double.NaN : sum[b] / count[b];
        }
        return sum;
    }

    /** Bucket means, NaN for a bucket without points. */
    private double[] means() {
        double[] h = new double[sums.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = counts[i] == 0 ? Double.NaN : sums[i] / counts[i];
        }
        return h;
    }

    WeeklyCheck copy() {
        WeeklyCheck copy = new WeeklyCheck(bucketsPerDay);
        copy.started = started;
        copy.firstBucket = firstBucket;
        System.arraycopy(sums, 0, copy.sums, 0, sums.length);
        System.arraycopy(counts, 0, copy.counts, 0, counts.length);
        return copy;
    }
}
