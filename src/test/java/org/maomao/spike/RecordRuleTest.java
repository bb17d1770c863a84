package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The record rule (a spike must deviate more than every point of the last {@code record}) and the new
 * level (a run of outliers longer than a quarter of the window becomes the window's level).
 */
class RecordRuleTest {

    private static final long START = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    private static final int DAY = 288; // 5-minute points

    /** Bounded noise (uniform ±1), so what is judged is the rule, not a Gaussian tail. */
    private static double[] quiet(int n, double level, long seed) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = level + (2 * random.nextDouble() - 1);
        }
        return v;
    }

    private static List<Integer> spikes(Map<String, String> settings, double[] values) {
        SpikeDetector detector = new SpikeDetector(SpikeParameters.fromMap(settings));
        DetectorState state = detector.newState();
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (detector.update(state, START + i * 300.0, values[i]).isSpike()) {
                found.add(i);
            }
        }
        return found;
    }

    @Test
    void should_report_only_a_burst_larger_than_every_one_of_the_last_three_days() {
        double[] v = quiet(12 * DAY, 50, 31);
        int first = 4 * DAY;
        int smaller = 5 * DAY;          // a day after a larger one: its echo, not news
        int larger = 6 * DAY;           // beats everything of the three days before it
        int laterSmall = 9 * DAY + 150; // over three days after the largest: news again
        v[first] += 40;
        v[smaller] += 20;
        v[larger] += 60;
        v[laterSmall] += 20;
        for (String method : List.of("likelihood", "zscore")) {
            assertThat(spikes(Map.of("method", method), v)).as(method)
                    .containsExactly(first, larger, laterSmall);
            assertThat(spikes(Map.of("method", method, "record", "0"), v)).as(method + " without the rule")
                    .containsExactly(first, smaller, larger, laterSmall);
        }
        // a span in points works the same: three days of 5-minute points
        assertThat(spikes(Map.of("record", Integer.toString(3 * DAY)), v)).containsExactly(first, larger, laterSmall);
    }

    @Test
    void should_keep_its_maxima_when_the_state_is_stored_and_read_back_between_points() {
        double[] v = quiet(8 * DAY, 50, 32);
        v[3 * DAY] += 40;
        v[4 * DAY] += 20;
        v[5 * DAY] += 60;
        SpikeDetector detector = new SpikeDetector(SpikeParameters.defaults());
        DetectorState straight = detector.newState();
        String stored = null;
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            Detection a = detector.update(straight, START + i * 300.0, v[i]);
            DetectorState resumed = detector.resume(stored);
            Detection b = detector.update(resumed, START + i * 300.0, v[i]);
            stored = resumed.encode();
            assertThat(b).as("point " + i).isEqualTo(a);
            if (a.isSpike()) {
                found.add(i);
            }
        }
        assertThat(found).containsExactly(3 * DAY, 5 * DAY);
        assertThat(stored).isEqualTo(straight.encode());
    }

    @Test
    void should_go_on_finding_spikes_after_the_series_moves_to_a_new_level() {
        // Before the new-level rule, every point after the shift was an outlier entering the window as a
        // copy of the last normal value: the spread fell to the floor, each point restarted the cool-down,
        // and neither the spike nor the drop below was ever reported.
        double[] v = quiet(10 * DAY, 10, 33);
        for (int i = 3 * DAY; i < v.length; i++) {
            v[i] += 90;
        }
        int spike = 5 * DAY;
        int drop = 9 * DAY; // more than three days after the spike, which the record rule would let it beat
        v[spike] += 200;
        v[drop] -= 60;
        for (String method : List.of("likelihood", "zscore", "robust")) {
            assertThat(spikes(Map.of("method", method), v)).as(method).containsExactly(3 * DAY, spike, drop);
        }
    }

    @Test
    void should_take_a_new_level_in_a_quarter_of_the_window_and_judge_the_next_points_against_it() {
        double[] v = quiet(4 * DAY, 10, 34);
        int shift = 2 * DAY;
        for (int i = shift; i < v.length; i++) {
            v[i] += 90;
        }
        SpikeDetector detector = new SpikeDetector(SpikeParameters.fromMap(Map.of("method", "zscore")));
        DetectorState state = detector.newState();
        int lastOutlier = -1;
        for (int i = 0; i < v.length; i++) {
            Detection d = detector.update(state, START + i * 300.0, v[i]);
            if (Math.abs(d.score()) > 4) {
                lastOutlier = i;
            }
        }
        // the window is 72 points (6h): after 19 outliers (more than a quarter) the new level enters it,
        // and its points stop being outliers well before a window's length has passed
        assertThat(state.lag()).isEqualTo(72);
        assertThat(lastOutlier).isBetween(shift + 18, shift + 72);
        assertThat(java.util.Arrays.stream(state.window()).min().orElseThrow()).isGreaterThan(99.0);
        assertThat(java.util.Arrays.stream(state.window()).max().orElseThrow()).isLessThan(101.0);
    }

    @Test
    void should_report_each_event_of_a_series_that_is_constant_between_events() {
        // Between events the window has no spread at all, so every event scores in the millions; which
        // of two events from nothing is the larger says nothing, and the rule leaves them alone.
        double[] v = new double[8 * DAY];
        int[] events = {2 * DAY, 3 * DAY, 4 * DAY + 100, 6 * DAY};
        double[] sizes = {9, 2, 5, 1};
        for (int k = 0; k < events.length; k++) {
            v[events[k]] = sizes[k];
        }
        for (String method : List.of("likelihood", "zscore")) {
            assertThat(spikes(Map.of("method", method), v)).as(method)
                    .containsExactly(events[0], events[1], events[2], events[3]);
        }
    }

    /**
     * Counts per 5 minutes with a daily cycle and natural bursts (2% of points multiplied by a log-normal
     * factor), like the volume of posts about a topic, and one burst 30 times the usual rate at day 10.
     */
    private static double[] burstyCounts(long seed, int burst) {
        Random random = new Random(seed);
        double[] v = new double[14 * DAY];
        for (int i = 0; i < v.length; i++) {
            double rate = 20 * (1 + 0.6 * Math.sin(2 * Math.PI * i / DAY));
            if (random.nextDouble() < 0.02) {
                rate *= Math.exp(0.8 * random.nextGaussian() + 0.5);
            }
            if (i >= burst && i < burst + 3) {
                rate *= 30;
            }
            v[i] = new org.apache.commons.math3.distribution.PoissonDistribution(
                    new org.apache.commons.math3.random.JDKRandomGenerator((int) (seed * 100_003 + i)), rate,
                    org.apache.commons.math3.distribution.PoissonDistribution.DEFAULT_EPSILON,
                    org.apache.commons.math3.distribution.PoissonDistribution.DEFAULT_MAX_ITERATIONS).sample();
        }
        return v;
    }

    @Test
    void should_report_few_of_the_usual_bursts_of_a_bursty_count_and_the_one_that_is_news() {
        int burst = 10 * DAY + 100;
        for (long seed = 1; seed <= 3; seed++) {
            double[] v = burstyCounts(seed, burst);
            List<Integer> found = spikes(Map.of(), v);
            List<Integer> withoutRule = spikes(Map.of("record", "0"), v);
            assertThat(found).as("seed " + seed + ": " + found).hasSizeLessThanOrEqualTo(5)
                    .anySatisfy(i -> assertThat(i).as("within an hour of the burst").isBetween(burst, burst + 12));
            assertThat(withoutRule.size()).as("seed " + seed + " without the rule: " + withoutRule)
                    .isGreaterThanOrEqualTo(2 * found.size());
        }
    }

    @Test
    void should_continue_a_state_stored_before_the_record_rule_and_learn_its_maxima_afresh() {
        double[] v = quiet(8 * DAY, 50, 35);
        v[6 * DAY] += 40;
        SpikeDetector before = new SpikeDetector(SpikeParameters.fromMap(Map.of("record", "0", "season", "none")));
        DetectorState old = before.newState();
        for (int i = 0; i < 3 * DAY; i++) {
            before.update(old, START + i * 300.0, v[i]);
        }
        String s3 = old.encode();
        assertThat(s3).startsWith("s3;");
        SpikeDetector now = new SpikeDetector(SpikeParameters.defaults());
        DetectorState resumed = now.resume(s3);
        List<Integer> found = new ArrayList<>();
        for (int i = 3 * DAY; i < v.length; i++) {
            if (now.update(resumed, START + i * 300.0, v[i]).isSpike()) {
                found.add(i);
            }
        }
        assertThat(found).containsExactly(6 * DAY);
        assertThat(resumed.encode()).startsWith("s5;");
        assertThat(DetectorState.decode(resumed.encode()).encode()).isEqualTo(resumed.encode());
    }

    @Test
    void should_keep_a_storable_state_when_a_hostile_series_sends_the_largest_doubles() {
        // 1e308 after -1e308: the difference overflows to an infinite |z|, which the stored state could
        // not hold (decode refuses non-finite numbers), and the series would start over at every run
        double[] v = quiet(8 * DAY, 50, 36);
        double[] hostile = {1e308, -1e308, Double.MAX_VALUE, -Double.MAX_VALUE, 1e300};
        System.arraycopy(hostile, 0, v, DAY, hostile.length);
        v[6 * DAY] += 40;
        SpikeDetector detector = new SpikeDetector(SpikeParameters.defaults());
        DetectorState state = detector.newState();
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            if (detector.update(state, START + i * 300.0, v[i]).isSpike()) {
                found.add(i);
            }
            String stored = state.encode();
            assertThat(DetectorState.decode(stored).encode()).as("point " + i).isEqualTo(stored);
        }
        assertThat(found).contains(DAY, 6 * DAY);
    }
}
