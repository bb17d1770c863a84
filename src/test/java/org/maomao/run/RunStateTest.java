package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.maomao.collector.ControlLine;
import org.maomao.collector.RunPolicy;

class RunStateTest {
    @Test
    void should_allow_the_moves_of_the_design_and_nothing_out_of_a_final_state() {
        assertThat(RunState.QUEUED.canMoveTo(RunState.RUNNING)).isTrue();
        assertThat(RunState.RUNNING.canMoveTo(RunState.RETRYING)).isTrue();
        assertThat(RunState.RETRYING.canMoveTo(RunState.QUEUED)).isTrue();
        assertThat(RunState.QUEUED.canMoveTo(RunState.SUCCEEDED)).isFalse();
        for (RunState s : RunState.values()) {
            if (s.isFinal()) {
                for (RunState t : RunState.values()) {
                    assertThat(s.canMoveTo(t)).as(s + "→" + t).isFalse();
                }
            }
        }
    }

    @Test
    void should_refuse_an_illegal_move_of_a_run() {
        Run r = Run.queued("id", "c", "none", "img", "manual", null, 1, Instant.EPOCH);
        assertThatThrownBy(() -> r.moveTo(RunState.SUCCEEDED)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void should_double_the_backoff_per_attempt_up_to_the_cap() {
        RunPolicy p = RunPolicy.defaults().with(Map.of("retry_backoff", "30s", "retry_backoff_max", "5m"), true);
        assertThat(p.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.backoff(3)).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.backoff(30)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void should_read_progress_and_result_lines_of_the_contract() {
        assertThat(ControlLine.progress("::progress 40")).isEqualTo(40);
        assertThat(ControlLine.progress("::progress 3/4")).isEqualTo(75);
        assertThat(ControlLine.progress("::progress 900")).isEqualTo(100);
        assertThat(ControlLine.progress("progress 40")).isNull();
        assertThat(ControlLine.result("::result {\"success\":true}")).isEqualTo("{\"success\":true}");
        assertThat(ControlLine.result("result {}")).isNull();
    }
}
