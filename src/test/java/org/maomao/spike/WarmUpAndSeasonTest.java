package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.junit.jupiter.api.Test;

/** Warm-up, windows given as spans, seasons and the bounded state, with the shipped defaults unless said. */
class WarmUpAndSeasonTest {
    private static final long START = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();

    private static List<SeriesPoint> series(double[] values, long stepSeconds) {
        List<SeriesPoint> points = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            points.add(new SeriesPoint(Instant.ofEpochSecond(START + i * stepSeconds).toString(), values[i]));
        }
        return points;
    }

    private static double[] quiet(int n, double level, double noise, long seed) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = level + noise * random.nextGaussian();
        }
        return v;
    }

    private static List<Spike> scan(SpikeParameters parameters, double[] values, long step) {
        SpikeDetector detector = new SpikeDetector(parameters);
        return detector.scan("s", series(values, step), detector.newState());
    }

    @Test
    void should_score_from_min_points_on_so_a_short_hourly_series_gets_its_spike() {
        double[] v = quiet(60, 50, 1, 1);
        v[40] = 400;
        List<Spike> spikes = scan(SpikeParameters.defaults(), v, 3600);
        assertThat(spikes).extracting(Spike::value).containsExactly(400.0);
    }

    @Test
    void should_not_let_a_wild_point_among_the_first_ones_hide_the_first_scored_spike() {
        double[] v = quiet(80, 50, 1, 2);
        v[12] = 5000; // before min_points: not scored, and must not inflate the spread
        v[35] = 70;   // 20 deviations up: a spike even though 5000 is still in the window
        List<Spike> spikes = scan(SpikeParameters.defaults(), v, 86_400);
        assertThat(spikes).extracting(Spike::value).containsExactly(70.0);
    }

    @Test
    void should_give_quiet_hourly_and_daily_series_of_60_to_300_rows_next_to_no_false_alarm() {
        // 160 quiet companions (normal noise, or a count): the first scored points of a series (a young
        // window's band is widened for its own uncertainty) and the likelihood of a daily series (its 2d
        // history is min_points, not two points) were where quiet series raised alarms: 66 here before, 18 now
        int alarms = 0;
        int series = 0;
        for (long step : new long[] {3600, 86_400}) {
            for (int n : new int[] {60, 100, 240, 300}) {
                for (long seed = 0; seed < 20; seed++) {
                    Random random = new Random(seed * 31 + n + step);
                    double[] v = new double[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = seed % 2 == 0 ? 50 + random.nextGaussian() : Math.round(200 + 14 * random.nextGaussian());
                    }
                    alarms += scan(SpikeParameters.defaults(), v, step).size();
                    series++;
                }
            }
        }
        assertThat(series).isEqualTo(160);
        assertThat(alarms).isLessThanOrEqualTo(20);
    }

    @Test
    void should_find_a_daily_cycle_with_missing_rows_and_judge_against_it() {
        // 20 days of hourly points on a strong daily cycle, a sixth of the rows missing (up to 5 in a row):
        // auto's test compares each point with the same hour a day before, not with the row 24 rows back
        Random random = new Random(7);
        List<SeriesPoint> points = new ArrayList<>();
        double bump = Double.NaN;
        for (int hour = 0; hour < 20 * 24; hour++) {
            if (random.nextDouble() < 1.0 / 6) {
                hour += random.nextInt(5);
                continue;
            }
            double value = 50 + 20 * Math.sin(2 * Math.PI * (hour % 24) / 24) + random.nextGaussian();
            if (Double.isNaN(bump) && hour >= 15 * 24 + 6) {
                value -= 15; // at the day's peak: inside the day's range, far off its cycle
                bump = value;
            }
            points.add(new SeriesPoint(Instant.ofEpochSecond(START + hour * 3600L).toString(), value));
        }
        SpikeDetector detector = new SpikeDetector(SpikeParameters.defaults());
        DetectorState state = detector.newState();
        List<Spike> spikes = detector.scan("s", points, state);

        assertThat(SpikeDetector.seasonName(state)).isEqualTo("1d");
        assertThat(spikes).extracting(Spike::value).containsExactly(bump);
        assertThat(spikes.get(0).explanation().season()).isEqualTo("1d");

        // stored and resumed at every point while the test runs (its empty slots are kept as NaN): the same
        DetectorState resumed = detector.newState();
        List<Spike> again = new ArrayList<>();
        for (SeriesPoint p : points) {
            again.addAll(detector.scan("s", List.of(p), resumed));
            resumed = detector.resume(resumed.encode());
        }
        assertThat(again).isEqualTo(spikes);
        assertThat(resumed.encode()).isEqualTo(state.encode());
    }

    @Test
    void should_judge_the_points_right_after_auto_finds_a_daily_cycle() {
        // hourly: auto tests three days from the 30th point and switches at the 102nd; a bump in the next
        // day and a quarter was never judged, as the window started empty (it now starts from the test's days)
        for (int at : new int[] {103, 110, 125}) {
            Random random = new Random(at);
            double[] v = new double[240];
            for (int i = 0; i < v.length; i++) {
                v[i] = 50 + 20 * Math.sin(2 * Math.PI * (i % 24) / 24) + random.nextGaussian();
            }
            v[at] += at % 2 == 0 ? 15 : -15;
            SpikeDetector detector = new SpikeDetector(SpikeParameters.defaults());
            DetectorState state = detector.newState();
            List<Spike> spikes = detector.scan("s", series(v, 3600), state);

            assertThat(SpikeDetector.seasonName(state)).isEqualTo("1d");
            assertThat(spikes).as("bump at %d", at).extracting(Spike::value).containsExactly(v[at]);
            DetectorState resumed = detector.newState();
            List<Spike> again = new ArrayList<>();
            for (SeriesPoint p : series(v, 3600)) {
                again.addAll(detector.scan("s", List.of(p), resumed));
                resumed = detector.resume(resumed.encode());
            }
            assertThat(again).isEqualTo(spikes);
        }
    }

    @Test
    void should_turn_spans_into_points_from_the_cadence() {
        SpikeDetector detector = new SpikeDetector(SpikeParameters.defaults());
        DetectorState hourly = detector.newState();
        detector.scan("h", series(quiet(100, 5, 1, 3), 3600), hourly);
        DetectorState fiveMinutes = detector.newState();
        detector.scan("m", series(quiet(400, 5, 1, 3), 300), fiveMinutes);
        assertThat(hourly.stepSeconds()).isEqualTo(3600);
        assertThat(hourly.lag()).isEqualTo(30); // 6h is 6 points, raised to min_points
        assertThat(fiveMinutes.lag()).isEqualTo(72); // 6h of 5-minute points
    }

    @Test
    void should_keep_streaming_mean_and_variance_equal_to_commons_math_on_the_same_window() {
        SpikeDetector detector = new SpikeDetector(new SpikeParameters(SpikeMethod.ZSCORE, 500, 1e9, 1, 1e-9, 0));
        DetectorState state = detector.newState();
        double[] v = quiet(20_000, 1e6, 3, 4);
        for (double x : v) {
            detector.update(state, x);
        }
        DescriptiveStatistics reference = new DescriptiveStatistics(state.window());
        assertThat(state.mean()).isCloseTo(reference.getMean(), within(1e-6));
        assertThat(state.variance()).isCloseTo(reference.getPopulationVariance(), within(1e-6));
    }

    /** Hourly points on 100 + 40 sin (peak at noon) plus noise of deviation 1, for {@code days} days. */
    private static double[] dailyCycle(int days, long seed) {
        double[] v = quiet(days * 24, 0, 1, seed);
        for (int i = 0; i < v.length; i++) {
            v[i] += 100 + 40 * Math.sin((i % 24 - 6) * Math.PI / 12);
        }
        return v;
    }

    @Test
    void should_find_a_daily_cycle_and_judge_points_against_the_same_hour_of_earlier_days() {
        double[] v = dailyCycle(14, 5);
        v[10 * 24 + 3] += 15; // a bump at 03:00, low in the cycle but well inside its range
        SpikeDetector detector = new SpikeDetector(SpikeParameters.fromMap(Map.of("season", "auto")));
        DetectorState state = detector.newState();
        List<Spike> spikes = detector.scan("cycle", series(v, 3600), state);
        assertThat(state.seasonal()).isTrue();
        assertThat(spikes).extracting(Spike::timestamp).contains("2026-01-11T03:00:00Z");
        // none at the peaks (09:00-15:00), which a flat mean would call high
        assertThat(spikes).extracting(Spike::timestamp)
                .noneMatch(t -> t.compareTo(t.substring(0, 11) + "09") >= 0 && t.compareTo(t.substring(0, 11) + "16") < 0);
        // without the season the bump, inside the day's range, is not found at all
        SpikeDetector flat = new SpikeDetector(SpikeParameters.fromMap(Map.of("season", "none")));
        assertThat(flat.scan("cycle", series(v, 3600), flat.newState())).extracting(Spike::timestamp)
                .doesNotContain("2026-01-11T03:00:00Z");
        // the expected value is the cycle's, not the mean of the day
        assertThat(spikes.get(0).mean()).isCloseTo(100 + 40 * Math.sin(-3 * Math.PI / 12), within(4.0));
    }

    /**
     * A phase of the cycle that changes for good (a new job every morning at 08:00) is news once, then
     * part of the cycle: its outliers teach the profile the edge of their band, so the change is learnt
     * within days. Taught nothing (as the window is), it stayed an outlier every morning and the
     * likelihood reported it every day for the rest of the series.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"auto,likelihood", "auto,zscore", "auto,robust", "daily,likelihood",
            "daily,robust"})
    void should_report_a_lasting_change_in_one_phase_of_the_cycle_then_learn_it(String season, String method) {
        int day = 288; // 5-minute points
        Random random = new Random(5);
        double[] v = new double[30 * day];
        for (int i = 0; i < v.length; i++) {
            int tod = i % day;
            v[i] = 100 + 20 * Math.sin(2 * Math.PI * tod / day) + 2 * random.nextGaussian();
            if (i >= 8 * day && tod >= 96 && tod < 108) {
                v[i] += 30; // from day 8 on, 08:00-09:00 runs 15 noise deviations higher
            }
        }
        SpikeDetector detector = new SpikeDetector(SpikeParameters.fromMap(Map.of("season", season, "method", method)));
        DetectorState state = detector.newState();
        List<Spike> spikes = detector.scan("s", series(v, 300), state);
        assertThat(state.seasonal()).isTrue();
        assertThat(spikes).extracting(Spike::timestamp).as("the first morning of the change")
                .anyMatch(t -> t.startsWith("2026-01-09T08:"));
        assertThat(spikes).extracting(Spike::timestamp).as("spikes in the last 12 days")
                .noneMatch(t -> t.compareTo("2026-01-19") >= 0);
    }

    @Test
    void should_decide_by_the_same_autocorrelation_as_commons_math() {
        double[] cycle = dailyCycle(3, 6);
        double[] noise = quiet(72, 100, 2, 6);
        PearsonsCorrelation pearson = new PearsonsCorrelation();
        for (double[] v : new double[][] {cycle, noise}) {
            double expected = pearson.correlation(java.util.Arrays.copyOfRange(v, 24, 72),
                    java.util.Arrays.copyOfRange(v, 0, 48));
            assertThat(SpikeDetector.autocorrelation(v, 72, 24)).isCloseTo(expected, within(1e-12));
        }
        SpikeDetector detector = new SpikeDetector(SpikeParameters.fromMap(Map.of("season", "auto")));
        DetectorState withCycle = detector.newState();
        detector.scan("c", series(dailyCycle(6, 7), 3600), withCycle);
        DetectorState without = detector.newState();
        detector.scan("n", series(quiet(144, 100, 2, 7), 3600), without);
        assertThat(withCycle.seasonal()).isTrue();
        assertThat(without.seasonal()).isFalse();
    }

    /** Hourly points that drift slowly (a 10-day swing of ±30, like a temperature) plus noise of deviation 1. */
    private static double[] slowDrift(int days, long seed) {
        double[] v = quiet(days * 24, 0, 1, seed);
        for (int i = 0; i < v.length; i++) {
            v[i] += 100 + 30 * Math.sin(i * 2 * Math.PI / 240);
        }
        return v;
    }

    @Test
    void should_not_remove_a_daily_cycle_from_a_series_that_only_drifts() {
        double[] drift = slowDrift(14, 11);
        // The drift alone makes the first three days strongly autocorrelated at one day...
        assertThat(SpikeDetector.autocorrelation(drift, 72, 24)).isGreaterThan(SpikeDetector.SEASON_STRENGTH);
        // ...but yesterday's value misses by far more than the last half day's mean does.
        assertThat(SpikeDetector.seasonReducesError(drift, 72, 24, 12)).isFalse();
        assertThat(SpikeDetector.seasonReducesError(dailyCycle(3, 11), 72, 24, 12)).isTrue();

        SpikeDetector auto = new SpikeDetector(SpikeParameters.fromMap(Map.of("season", "auto")));
        DetectorState state = auto.newState();
        List<Spike> spikes = auto.scan("s", series(drift, 3600), state);
        assertThat(state.seasonal()).isFalse();
        // judged against the recent window, as season = none would
        assertThat(spikes).isEqualTo(scan(SpikeParameters.fromMap(Map.of("season", "none")), drift, 3600));
    }

    @Test
    void should_give_the_same_results_when_the_state_is_stored_and_read_back_between_points() {
        double[] v = dailyCycle(8, 8);
        v[6 * 24 + 15] += 30;
        List<SeriesPoint> points = series(v, 3600);
        SpikeDetector detector = new SpikeDetector(SpikeParameters.fromMap(Map.of("season", "daily")));
        DetectorState straight = detector.newState();
        String stored = null;
        for (SeriesPoint p : points) {
            Detection a = detector.update(straight, SeriesTime.epochSeconds(p.timestamp()), p.value());
            DetectorState resumed = detector.resume(stored);
            Detection b = detector.update(resumed, SeriesTime.epochSeconds(p.timestamp()), p.value());
            stored = resumed.encode();
            assertThat(b).isEqualTo(a);
        }
        // the default method, likelihood, stores its history and the record rule its maxima: the s4 form
        assertThat(stored).startsWith("s4;");
    }

    @Test
    void should_keep_the_state_of_a_year_of_five_minute_data_small() {
        SpikeDetector detector = new SpikeDetector(SpikeParameters.fromMap(Map.of("season", "daily")));
        DetectorState state = detector.newState();
        int year = 365 * 288;
        Random random = new Random(9);
        for (int i = 0; i < year; i++) {
            detector.update(state, START + i * 300.0, 100 + 10 * Math.sin(i * 2 * Math.PI / 288) + random.nextGaussian());
        }
        // the default lag of 6h, the daily profile, the likelihood's ten recent scores and the record rule's
        // six block maxima and the block being filled
        assertThat(state.lag()).isEqualTo(72);
        assertThat(state.storedValues()).isEqualTo(72 + 288 + DetectorState.RECENT + RecentMaximum.BLOCKS + 1);
        assertThat(state.encode().length()).isLessThan(12_000);
    }

    @Test
    void should_continue_a_state_stored_before_spans_and_seasons_existed() {
        SpikeDetector old = new SpikeDetector(new SpikeParameters(SpikeMethod.ZSCORE, 40, 3.5, 0, 1e-6, 5));
        DetectorState before = old.newState();
        double[] v = quiet(200, 50, 1, 10);
        for (int i = 0; i < 100; i++) {
            old.update(before, v[i]);
        }
        // the layout before spans and seasons: the first nine fields, tagged s1
        String s1 = "s1" + String.join(";", java.util.Arrays.copyOfRange(before.encode().split(";", -1), 0, 9))
                .substring(2);
        assertThat(s1).startsWith("s1;40;100;");
        assertThat(DetectorState.decode(s1).window()).isEqualTo(before.window());
        SpikeDetector now = new SpikeDetector(SpikeParameters.defaults());
        DetectorState resumed = now.resume(s1);
        v[150] = 400;
        List<Spike> spikes = new ArrayList<>();
        List<SeriesPoint> points = series(v, 300);
        spikes.addAll(now.scan("s", points.subList(100, 200), resumed));
        assertThat(spikes).extracting(Spike::value).containsExactly(400.0);
        assertThat(resumed.stepSeconds()).isEqualTo(300);
    }
}
