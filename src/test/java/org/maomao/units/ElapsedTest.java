package org.maomao.units;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ElapsedTest {
    @Test
    void should_write_durations_as_people_read_them() {
        assertThat(Elapsed.format(0.0)).isEqualTo("0 ms");
        assertThat(Elapsed.format(0.8504)).isEqualTo("850 ms");
        assertThat(Elapsed.format(1.0)).isEqualTo("1.0 s");
        assertThat(Elapsed.format(12.34)).isEqualTo("12.3 s");
        assertThat(Elapsed.format(59.94)).isEqualTo("59.9 s");
        assertThat(Elapsed.format(245.0)).isEqualTo("4m 05s");
        assertThat(Elapsed.format(3599.4)).isEqualTo("59m 59s");
        assertThat(Elapsed.format(7380.0)).isEqualTo("2h 03m");
        assertThat(Elapsed.format(273_600.0)).isEqualTo("3d 04h");
    }

    @Test
    void should_write_a_dash_for_no_duration_or_a_clock_that_stepped_back() {
        assertThat(Elapsed.format(null)).isEqualTo("-");
        assertThat(Elapsed.format(-1.0)).isEqualTo("-");
        assertThat(Elapsed.format(Double.NaN)).isEqualTo("-");
        assertThat(Elapsed.format(Double.POSITIVE_INFINITY)).isEqualTo("-");
    }
}
