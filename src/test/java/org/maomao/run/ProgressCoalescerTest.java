package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.maomao.run.ProgressCoalescer.Write;

class ProgressCoalescerTest {
    final AtomicLong now = new AtomicLong(1_000_000);

    @Test
    void should_store_steps_of_five_points_at_once_and_smaller_ones_after_a_second() {
        ProgressCoalescer c = new ProgressCoalescer(0, now::get);
        assertThat(c.progress(0)).isEqualTo(Write.ROW_AND_EVENT); // the first value
        assertThat(c.progress(1)).isEqualTo(Write.NONE);
        assertThat(c.progress(4)).isEqualTo(Write.NONE);
        assertThat(c.progress(5)).isEqualTo(Write.ROW_AND_EVENT);
        assertThat(c.progress(7)).isEqualTo(Write.NONE);
        now.addAndGet(999);
        assertThat(c.progress(8)).isEqualTo(Write.NONE);
        now.addAndGet(1);
        assertThat(c.progress(8)).isEqualTo(Write.ROW_AND_EVENT);
        assertThat(c.progress(8)).isEqualTo(Write.NONE); // the same value again
        assertThat(c.progress(9)).isEqualTo(Write.NONE);
        ProgressCoalescer.Pending left = c.finish();
        assertThat(left.progress()).isEqualTo(9); // the last value printed is always stored
        assertThat(left.progressEvent()).isTrue();
        assertThat(c.finish().progress()).isNull();
    }

    @Test
    void should_bound_the_events_of_a_run_however_the_values_jump() {
        ProgressCoalescer c = new ProgressCoalescer(0, now::get);
        int events = 0;
        int rows = 0;
        for (int i = 0; i < 10_000; i++) {
            Write w = c.progress(i % 2 == 0 ? 0 : 100);
            events += w == Write.ROW_AND_EVENT ? 1 : 0;
            rows += w != Write.NONE ? 1 : 0;
            now.addAndGet(3);
        }
        assertThat(events).isEqualTo(ProgressCoalescer.MAX_EVENTS - 1);
        assertThat(rows).isLessThan(ProgressCoalescer.MAX_EVENTS + 30); // then one row write per second
        c.progress(42);
        ProgressCoalescer.Pending left = c.finish();
        assertThat(left.progress()).isEqualTo(42);
        assertThat(left.progressEvent()).isTrue(); // the 100th event is the last value
    }

    @Test
    void should_count_the_events_of_earlier_attempts() {
        ProgressCoalescer c = new ProgressCoalescer(ProgressCoalescer.MAX_EVENTS, now::get);
        assertThat(c.progress(10)).isEqualTo(Write.ROW); // no event left, the run's progress still moves
        assertThat(c.progress(50)).isEqualTo(Write.NONE);
        ProgressCoalescer.Pending left = c.finish();
        assertThat(left.progress()).isEqualTo(50);
        assertThat(left.progressEvent()).isFalse();
    }

    @Test
    void should_store_a_result_at_most_once_a_second_and_the_last_one_at_the_end() {
        ProgressCoalescer c = new ProgressCoalescer(0, now::get);
        assertThat(c.result("{\"n\":1}")).isTrue();
        assertThat(c.result("{\"n\":2}")).isFalse();
        assertThat(c.result("{\"n\":3}")).isFalse();
        assertThat(c.finish().result()).isEqualTo("{\"n\":3}");
        now.addAndGet(1000);
        assertThat(c.result("{\"n\":4}")).isTrue();
        assertThat(c.finish().result()).isNull();
    }
}
