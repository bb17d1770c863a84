package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@code method = likelihood}: the z-score plus an anomaly likelihood over the recent scores. */
class LikelihoodMethodTest {
    private static final long START = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    private static final long FIVE_MINUTES = 300;

    private static final SpikeParameters LIKELIHOOD = SpikeParameters.fromMap(Map.of("method", "likelihood"));

    private static List<SeriesPoint> series(double[] values, long step) {
        List<SeriesPoint> points = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            points.add(new SeriesPoint(time(i, step), values[i]));
        }
        return points;
    }

    private static String time(int i, long step) {
        return Instant.ofEpochSecond(START + i * step).toString();
    }

    private static double[] quiet(int n, double level, double noise, long seed) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = level + noise * random.nextGaussian();
        }
        return v;
    }

    private static List<String> spikes(SpikeParameters parameters, double[] values) {
        SpikeDetector detector = new SpikeDetector(parameters);
        return detector.scan("s", series(values, FIVE_MINUTES), detector.newState()).stream()
                .map(Spike::timestamp).toList();
    }

    @Test
    void should_find_an_obvious_spike_at_its_point_and_nowhere_else() {
        double[] v = quiet(2000, 50, 1, 11);
        v[1500] = 80;
        assertThat(spikes(LIKELIHOOD, v)).containsExactly(time(1500, FIVE_MINUTES));
    }

    @Test
    void should_add_no_spike_of_its_own_on_noisy_quiet_series() {
        // Ten series of Gaussian noise, 4,000 five-minute points each (about 140 days in all). The
        // z-score test at 4 deviations fires now and then on pure noise (|z| > 4 has a probability of
        // 6e-5 per point); the likelihood must hardly add to that, and the whole stays rare. Its scores
        // take the change from the previous point too (see the jagged-series test), whose tail on pure
        // noise is heavier than that of |z|: one spike of its own in the 140 days is allowed. A spike
        // within a day of another is silenced.
        SpikeParameters zscore = new SpikeParameters(SpikeMethod.ZSCORE, LIKELIHOOD.lag(), LIKELIHOOD.threshold(),
                LIKELIHOOD.influence(), LIKELIHOOD.minDeviation(), LIKELIHOOD.cooldown(), LIKELIHOOD.minPoints(),
                LIKELIHOOD.season(), LIKELIHOOD.history(), LIKELIHOOD.likelihoodTail());
        int withLikelihood = 0;
        int zscoreAlone = 0;
        int ofItsOwn = 0;
        for (long seed = 1; seed <= 10; seed++) {
            double[] v = quiet(4000, 50, 5, seed);
            List<String> found = spikes(LIKELIHOOD, v);
            List<String> plain = spikes(zscore, v);
            ofItsOwn += (int) found.stream().filter(t -> !plain.contains(t)).count();
            withLikelihood += found.size();
            zscoreAlone += plain.size();
        }
        assertThat(ofItsOwn).isLessThanOrEqualTo(1);
        assertThat(withLikelihood).isPositive().isLessThanOrEqualTo(zscoreAlone + 1);
        assertThat(zscoreAlone).isLessThanOrEqualTo(10);
    }

    @Test
    void should_give_no_spike_on_a_quiet_series_with_noise_of_a_few_percent() {
        // Bounded noise (uniform, ±3 % of the level) has no tail to pass 4 deviations: nothing at all.
        Random random = new Random(21);
        double[] v = new double[4000];
        for (int i = 0; i < v.length; i++) {
            v[i] = 50 + 1.5 * (2 * random.nextDouble() - 1);
        }
        assertThat(spikes(LIKELIHOOD, v)).isEmpty();
    }

    @Test
    void should_flag_a_level_shift_once_where_it_starts() {
        double[] v = quiet(3000, 50, 1, 12);
        for (int i = 1500; i < v.length; i++) {
            v[i] += 10;
        }
        assertThat(spikes(LIKELIHOOD, v)).containsExactly(time(1500, FIVE_MINUTES));
    }

    @Test
    void should_find_a_change_in_spread_that_no_single_point_passes_the_threshold_for() {
        // From point 2000 on, every point sits 3 deviations off the level, alternately above and
        // below: none is 4 deviations out, so the z-score alone sees nothing; the mean |z| of the last
        // ten points climbs from about 0.8 to about 3, which is improbable under the history.
        double[] v = quiet(3000, 50, 1, 13);
        for (int i = 2000; i < v.length; i++) {
            v[i] = 50 + (i % 2 == 0 ? 3 : -3);
        }
        SpikeParameters zscore = SpikeParameters.fromMap(Map.of("method", "zscore", "threshold", "4"));
        assertThat(spikes(zscore, v)).isEmpty();
        List<String> found = spikes(LIKELIHOOD, v);
        assertThat(found).hasSize(1);
        assertThat(Instant.parse(found.get(0)).getEpochSecond()).isBetween(START + 2000 * FIVE_MINUTES,
                START + 2009 * FIVE_MINUTES);
    }

    @Test
    void should_find_a_series_that_turns_jagged_inside_its_usual_range() {
        // From point 2000 on, the points alternate 2 above and below the level: each is inside the
        // usual range (|z| under 2; scored on |z| alone the likelihood never fires here), but each
        // jumps about 3.5 deviations from the last, where noise jumps about 1.1. The likelihood's
        // scores take the larger of |z| and that change, so it finds the flapping within ten points.
        double[] v = quiet(3000, 50, 1, 22);
        for (int i = 2000; i < v.length; i++) {
            v[i] = 50 + (i % 2 == 0 ? 2 : -2);
        }
        String from = time(1990, FIVE_MINUTES);
        SpikeParameters zscore = SpikeParameters.fromMap(Map.of("method", "zscore"));
        assertThat(spikes(zscore, v)).filteredOn(t -> t.compareTo(from) >= 0).isEmpty();
        List<String> found = spikes(LIKELIHOOD, v).stream().filter(t -> t.compareTo(from) >= 0).toList();
        assertThat(found).hasSize(1);
        assertThat(Instant.parse(found.get(0)).getEpochSecond()).isBetween(START + 2000 * FIVE_MINUTES,
                START + 2009 * FIVE_MINUTES);
    }

    @Test
    void should_report_one_disturbance_once_whatever_its_directions() {
        // A spike up and, two hours later, one down: one incident. The z-score method keeps a cool-down
        // per direction and reports both; the likelihood silences every kind of spike for the cool-down
        // after any spike, and reports the next one once the cool-down has passed. (The record rule is
        // off: the third spike is no larger than the first, see the record tests.)
        double[] v = quiet(3000, 50, 1, 23);
        v[1500] = 80;
        v[1524] = 20;
        v[1900] = 80;
        SpikeParameters zscore = SpikeParameters.fromMap(Map.of("method", "zscore", "record", "0"));
        assertThat(spikes(zscore, v)).containsExactly(time(1500, FIVE_MINUTES), time(1524, FIVE_MINUTES),
                time(1900, FIVE_MINUTES));
        SpikeParameters likelihood = SpikeParameters.fromMap(Map.of("method", "likelihood", "record", "0"));
        assertThat(spikes(likelihood, v)).containsExactly(time(1500, FIVE_MINUTES), time(1900, FIVE_MINUTES));
    }

    @Test
    void should_not_flag_the_peaks_of_a_daily_cycle_once_it_is_found_but_find_a_bump_off_it() {
        // Bounded noise (uniform ±2) so that what is judged is the handling of the cycle, not the
        // Gaussian tail a 4-deviation threshold passes now and then (see the noise test above).
        int day = 288;
        Random random = new Random(14);
        double[] v = new double[14 * day];
        for (int i = 0; i < v.length; i++) {
            v[i] = 100 + 30 * Math.sin(2 * Math.PI * i / day) + 2 * (2 * random.nextDouble() - 1);
        }
        int bump = 10 * day + day / 2 + 17; // on the falling side of day 10, off the cycle
        double[] bumped = v.clone();
        bumped[bump] += 15;
        SpikeDetector detector = new SpikeDetector(LIKELIHOOD);
        for (double[] series : new double[][] {v, bumped}) {
            DetectorState state = detector.newState();
            List<Integer> found = new ArrayList<>();
            for (int i = 0; i < series.length; i++) {
                if (detector.update(state, START + i * FIVE_MINUTES, series[i]).isSpike()) {
                    found.add(i);
                }
                if (i == 4 * day) {
                    assertThat(state.seasonal()).as("daily cycle found after three days of data").isTrue();
                }
            }
            // Before season=auto has seen three days the cycle is judged against a flat window and its
            // first day can raise a spike or two (see the README); from then on, no peak is a spike.
            List<Integer> afterDecision = found.stream().filter(i -> i >= 4 * day).toList();
            assertThat(afterDecision).isEqualTo(series == v ? List.of() : List.of(bump));
        }
    }

    @Test
    void should_learn_the_usual_recent_mean_of_quiet_noise_in_its_history() {
        double[] v = quiet(3000, 50, 1, 15);
        SpikeDetector detector = new SpikeDetector(LIKELIHOOD);
        DetectorState state = detector.newState();
        for (int i = 0; i < v.length; i++) {
            detector.update(state, START + i * FIVE_MINUTES, v[i]);
        }
        double spread = Math.max(Math.sqrt(state.historyVariance), SpikeDetector.LIKELIHOOD_MIN_SPREAD);
        assertThat(state.historyCount).isPositive();
        // Each score is the larger of |z| and |change| (the change of two independent normal points
        // has deviation √2): for normal noise their mean is about 1.3.
        assertThat(state.historyMean).isBetween(1.1, 1.5);
        assertThat(spread).isLessThan(0.5);
    }

    @Test
    void should_keep_the_history_moments_equal_to_a_direct_computation_until_the_history_is_full() {
        double[] values = quiet(500, 3, 2, 16);
        DetectorState state = new DetectorState(10);
        org.apache.commons.math3.stat.descriptive.SummaryStatistics direct =
                new org.apache.commons.math3.stat.descriptive.SummaryStatistics();
        for (double x : values) {
            state.learnHistory(x, 10_000);
            direct.addValue(x);
        }
        assertThat(state.historyMean).isCloseTo(direct.getMean(), within(1e-9));
        assertThat(state.historyVariance).isCloseTo(direct.getPopulationVariance(), within(1e-9));
    }

    @Test
    void should_give_the_same_results_when_the_state_is_stored_and_read_back_between_points() {
        double[] v = quiet(3000, 50, 1, 17);
        v[1200] = 90;
        for (int i = 2000; i < v.length; i++) {
            v[i] = 50 + (i % 2 == 0 ? 3 : -3);
        }
        SpikeDetector detector = new SpikeDetector(LIKELIHOOD);
        DetectorState straight = detector.newState();
        DetectorState stored = detector.newState();
        String encoded = stored.encode();
        int reported = 0;
        for (int i = 0; i < v.length; i++) {
            double t = START + i * FIVE_MINUTES;
            Detection a = detector.update(straight, t, v[i]);
            DetectorState resumed = detector.resume(encoded);
            Detection b = detector.update(resumed, t, v[i]);
            encoded = resumed.encode();
            assertThat(b).as("point " + i).isEqualTo(a);
            reported += Math.abs(a.signal());
        }
        assertThat(reported).isEqualTo(2);
        assertThat(encoded).startsWith("s5;").isEqualTo(straight.encode());
    }

    @Test
    void should_continue_a_series_stored_by_another_method_and_start_its_history_afresh() {
        double[] v = quiet(3000, 50, 1, 18);
        SpikeDetector zscore = new SpikeDetector(SpikeParameters.fromMap(Map.of("method", "zscore", "record", "0",
                "season", "none")));
        DetectorState before = zscore.newState();
        for (int i = 0; i < 1000; i++) {
            zscore.update(before, START + i * FIVE_MINUTES, v[i]);
        }
        String s2 = before.encode();
        assertThat(s2).startsWith("s2;");
        SpikeDetector likelihood = new SpikeDetector(LIKELIHOOD);
        DetectorState resumed = likelihood.resume(s2);
        assertThat(resumed.historyCount).isZero();
        v[2500] = 80;
        List<String> found = new ArrayList<>();
        for (int i = 1000; i < v.length; i++) {
            if (likelihood.update(resumed, START + i * FIVE_MINUTES, v[i]).isSpike()) {
                found.add(time(i, FIVE_MINUTES));
            }
        }
        assertThat(found).containsExactly(time(2500, FIVE_MINUTES));
        assertThat(resumed.historyCount).isEqualTo(2000);
    }

    @Test
    void should_refuse_a_stored_likelihood_that_is_out_of_bounds_with_a_sentence() {
        SpikeDetector detector = new SpikeDetector(LIKELIHOOD);
        DetectorState state = detector.newState();
        double[] v = quiet(400, 50, 1, 19);
        for (int i = 0; i < v.length; i++) {
            detector.update(state, START + i * FIVE_MINUTES, v[i]);
        }
        String good = state.encode();
        String[] fields = good.split(";", -1);
        assertThat(fields).hasSize(29);
        assertThat(fields[26]).as("the record rule's maxima").matches("\\d+:\\d:\\d+:[^:]+:([^,]+,){5}[^,]+");
        assertThat(DetectorState.decode(good).encode()).isEqualTo(good);
        String[][] breaks = {{"23", "-1"}, {"22", "NaN"}, {"24", "1,2,3,4,5,6,7,8,9,10,11"}, {"20", "-3"},
                {"21", "-1"}, {"24", "1,x"}, {"25", "x"}, {"26", "12:0:0:1:1,2,3"}, {"26", "12:6:0:1:1,1,1,1,1,1"},
                {"26", "12:0:12:1:1,1,1,1,1,1"}, {"26", "0:0:0:1:1,1,1,1,1,1"}, {"26", "12:0:0:-1:1,1,1,1,1,1"},
                {"26", "12:0:0:1:1,1,1,1,1,NaN"}, {"26", "12:0:0:1"}};
        for (String[] b : breaks) {
            String[] bad = fields.clone();
            bad[Integer.parseInt(b[0])] = b[1];
            String text = String.join(";", bad);
            assertThatThrownBy(() -> DetectorState.decode(text)).as(String.join(" ", b))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("start the series over with a new state");
        }
        assertThatThrownBy(() -> DetectorState.decode(good + ";1")).isInstanceOf(IllegalArgumentException.class);
    }
}
