package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code season = auto} finds a weekly cycle after three weeks and then judges each point against the
 * same time of the same weekday, so the days that differ (the weekend, its mornings without a rush)
 * are no spikes, while a bump off the week still is.
 */
class WeeklySeasonTest {
    /** A Thursday, 00:00 UTC; five-minute points. */
    private static final long START = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    private static final int DAY = 288;
    /** True bumps: day 30 at 08:20 and day 45 at 12:30 (days 30 and 45 are a Saturday and a Sunday). */
    private static final int[] BUMPS = {30 * DAY + 100, 45 * DAY + 150};

    private static boolean weekend(int i) {
        long day = Math.floorDiv(START + 300L * i, 86_400L);
        int dow = (int) Math.floorMod(day + 3, 7L); // 1970-01-01 was a Thursday: 0 = Monday
        return dow >= 5;
    }

    /** Weekdays at 100 and weekends at 40, both on a daily wave. */
    private static double level(int i, Random r) {
        return (weekend(i) ? 40 : 100) * (1 + 0.5 * Math.sin(2 * Math.PI * (i % DAY) / DAY)) + 3 * r.nextGaussian();
    }

    /** Weekday rush hours at 08:00 and 17:30; weekends one broad bump at 13:00. */
    private static double traffic(int i, Random r) {
        double h = (i % DAY) / 12.0;
        double v = weekend(i) ? 30 * Math.exp(-Math.pow((h - 13) / 3, 2))
                : 60 * Math.exp(-Math.pow((h - 8) / 1.2, 2)) + 50 * Math.exp(-Math.pow((h - 17.5) / 1.5, 2));
        return 20 + v + 3 * r.nextGaussian();
    }

    private record Scan(List<Integer> spikes, DetectorState state) {
    }

    private static Scan scan(Map<String, String> settings, IntToDoubleFunction values, int days) {
        SpikeDetector detector = new SpikeDetector(SpikeParameters.fromMap(settings));
        DetectorState state = detector.newState();
        List<Integer> spikes = new ArrayList<>();
        for (int i = 0; i < days * DAY; i++) {
            double v = values.applyAsDouble(i);
            for (int b : BUMPS) {
                v += i == b ? 40 : 0;
            }
            if (detector.update(state, START + 300.0 * i, v).isSpike()) {
                spikes.add(i);
            }
        }
        return new Scan(spikes, state);
    }

    private static IntToDoubleFunction shape(String kind, long seed) {
        Random r = new Random(seed);
        return kind.equals("level") ? i -> level(i, r) : i -> traffic(i, r);
    }

    @Test
    void should_judge_the_points_right_after_the_week_is_found() {
        // the daily cycle was active: the window keeps its residuals when the week's offsets are added, where
        // it used to start empty and leave the next min_points points (here two and a half hours) unjudged
        for (long seed : new long[] {3, 4}) {
            SpikeDetector detector = new SpikeDetector(SpikeParameters.defaults());
            DetectorState probe = detector.newState();
            IntToDoubleFunction quiet = shape("traffic", seed);
            int switched = -1;
            for (int i = 0; switched < 0; i++) {
                detector.update(probe, START + 300.0 * i, quiet.applyAsDouble(i));
                switched = probe.weekOffsets != null ? i : -1;
            }
            int bump = switched + 10;
            IntToDoubleFunction values = shape("traffic", seed);
            DetectorState state = detector.newState();
            List<Integer> spikes = new ArrayList<>();
            for (int i = 0; i < switched + 3 * DAY; i++) {
                double v = values.applyAsDouble(i) + (i == bump ? 40 : 0);
                if (detector.update(state, START + 300.0 * i, v).isSpike()) {
                    spikes.add(i);
                }
            }
            assertThat(SpikeDetector.seasonName(state)).isEqualTo("7d");
            int after = switched;
            assertThat(spikes.stream().filter(i -> i > after).toList()).as("seed %d", seed).containsExactly(bump);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"level", "traffic"})
    void should_find_the_week_and_then_report_only_the_bumps_off_it(String kind) {
        for (long seed : new long[] {3, 4}) {
            Scan auto = scan(Map.of(), shape(kind, seed), 56);
            assertThat(auto.state().weekOffsets).as("weekly offsets found").isNotNull();
            assertThat(auto.state().seasonal()).isTrue();
            assertThat(SpikeDetector.seasonName(auto.state())).isEqualTo("7d");
            // from the fourth week on: the two bumps, and at most one false alarm in five weeks
            List<Integer> late = auto.spikes().stream().filter(i -> i >= 22 * DAY).toList();
            assertThat(late).as("%s seed %d", kind, seed).contains(BUMPS[0], BUMPS[1]).hasSizeLessThanOrEqualTo(3);
            // judged against the day alone, the days that differ are spikes every week
            Scan daily = scan(Map.of("season", "daily"), shape(kind, seed), 56);
            assertThat(daily.spikes().stream().filter(i -> i >= 22 * DAY && i != BUMPS[0] && i != BUMPS[1]).count())
                    .as("%s seed %d, daily only", kind, seed).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void should_keep_a_plain_daily_cycle_daily() {
        Random r = new Random(7);
        Scan plain = scan(Map.of(), i -> 100 + 40 * Math.sin(2 * Math.PI * (i % DAY) / DAY) + 3 * r.nextGaussian(), 31);
        assertThat(plain.state().seasonal()).isTrue();
        assertThat(plain.state().weeklyDecided).isTrue();
        assertThat(plain.state().weekOffsets).isNull();
        assertThat(plain.spikes().stream().filter(i -> i >= 4 * DAY).toList()).containsExactly(BUMPS[0]);
    }

    @Test
    void should_give_the_same_results_when_stored_and_read_back_across_the_weekly_check() {
        SpikeDetector detector = new SpikeDetector(SpikeParameters.defaults());
        DetectorState straight = detector.newState();
        DetectorState resumed = detector.newState();
        IntToDoubleFunction a = shape("traffic", 5);
        IntToDoubleFunction b = shape("traffic", 5);
        for (int i = 0; i < 26 * DAY; i++) {
            double t = START + 300.0 * i;
            Detection x = detector.update(straight, t, a.applyAsDouble(i));
            // stored and read back every 97th point, and at every point around the week's decision
            if (i % 97 == 0 || Math.abs(i - 21 * DAY) < 20) {
                resumed = detector.resume(resumed.encode());
            }
            Detection y = detector.update(resumed, t, b.applyAsDouble(i));
            assertThat(y).as("point %d", i).isEqualTo(x);
        }
        assertThat(resumed.weekOffsets).isNotNull();
        assertThat(resumed.encode()).startsWith("s5;").isEqualTo(straight.encode());
    }

    @Test
    void should_keep_the_state_of_a_hostile_series_storable_during_the_check() {
        SpikeDetector detector = new SpikeDetector(SpikeParameters.defaults());
        DetectorState state = detector.newState();
        for (int i = 0; i < 4 * DAY; i++) {
            detector.update(state, START + 300.0 * i, i % 2 == 0 ? 1e308 : -1e308);
            if (i % 50 == 0) {
                state = detector.resume(state.encode());
            }
        }
        assertThat(state.weeklyCheck).isNotNull();
        assertThat(DetectorState.decode(state.encode()).encode()).isEqualTo(state.encode());
    }
}
