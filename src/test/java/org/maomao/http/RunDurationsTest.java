package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.maomao.run.Run;
import org.maomao.run.RunState;

/** A run's duration, and a collector's duration history as bars. */
class RunDurationsTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    static Run run(int n, RunState end, double seconds) {
        Instant created = T0.plus(Duration.ofMinutes(n));
        Run r = Run.queued("run-" + n, "c", "d", "img", "manual", null, 1, created).moveTo(RunState.RUNNING)
                .withAttempt(1, created.plusSeconds(1));
        return end == RunState.RUNNING ? r
                : r.moveTo(end).withOutcome(0, null, created.plusSeconds(1).plusMillis(Math.round(seconds * 1000)));
    }

    @Test
    void should_time_the_latest_attempt_to_its_end_or_to_now_while_it_runs() {
        assertThat(RunDurations.seconds(run(0, RunState.SUCCEEDED, 2.5), T0.plusSeconds(999))).isEqualTo(2.5);
        Run running = run(0, RunState.RUNNING, 0);
        assertThat(RunDurations.seconds(running, T0.plusSeconds(13))).isEqualTo(12.0);
        assertThat(RunDurations.text(running, T0.plusSeconds(13))).isEqualTo("running for 12.0 s");
        Run queued = Run.queued("q", "c", "d", "img", "manual", null, 1, T0);
        assertThat(RunDurations.seconds(queued, T0.plusSeconds(5))).isNull();
        assertThat(RunDurations.text(queued, T0)).isEqualTo("-");
    }

    @Test
    void should_draw_the_ended_runs_oldest_left_as_bars_as_tall_as_their_durations_coloured_by_state() {
        List<Run> newestFirst = new ArrayList<>(List.of(run(4, RunState.RUNNING, 0), run(3, RunState.FAILED, 5),
                run(2, RunState.SUCCEEDED, 10), run(1, RunState.SUCCEEDED, 1)));
        String svg = RunDurations.sparkline(newestFirst);
        Matcher m = Pattern.compile("<rect x=\"(\\d+)\" y=\"\\d+\" width=\"\\d+\" height=\"(\\d+)\" fill=\"([^\"]+)\">"
                + "<title>([^<]+)</title>").matcher(svg);
        List<String[]> bars = new ArrayList<>();
        while (m.find()) {
            bars.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
        }
        assertThat(bars).as("the running run has no bar").hasSize(3);
        assertThat(bars.get(0)[3]).startsWith(T0.plus(Duration.ofMinutes(1)).toString()).endsWith("1.0 s, succeeded");
        assertThat(bars.get(2)[3]).endsWith("5.0 s, failed");
        assertThat(Integer.parseInt(bars.get(0)[0])).isLessThan(Integer.parseInt(bars.get(2)[0]));
        int h1 = Integer.parseInt(bars.get(0)[1]);
        int h10 = Integer.parseInt(bars.get(1)[1]);
        int h5 = Integer.parseInt(bars.get(2)[1]);
        assertThat(h10).isGreaterThan(h5).isGreaterThan(h1);
        assertThat(h5).isBetween(h10 / 2 - 1, h10 / 2 + 1);
        assertThat(bars.get(1)[2]).isEqualTo("#17803d");
        assertThat(bars.get(2)[2]).isEqualTo("#c0262d");
        assertThat(svg).endsWith("<span class=\"median\">median 5.0 s</span>");
    }

    @Test
    void should_draw_at_most_the_last_twenty_and_nothing_before_a_run_ended() {
        assertThat(RunDurations.sparkline(List.of(run(0, RunState.RUNNING, 0)))).isEqualTo("-");
        List<Run> many = new ArrayList<>();
        for (int i = 30; i > 0; i--) {
            many.add(run(i, RunState.SUCCEEDED, i));
        }
        assertThat(RunDurations.sparkline(many).split("<rect", -1)).hasSize(RunDurations.HISTORY + 1);
    }
}
