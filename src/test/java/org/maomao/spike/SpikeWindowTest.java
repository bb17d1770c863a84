package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SpikeWindowTest {

    @Test
    void should_read_points_and_spans() {
        assertThat(SpikeWindow.parse("450")).isEqualTo(SpikeWindow.ofPoints(450));
        assertThat(SpikeWindow.parse("12h").duration()).isEqualTo(Duration.ofHours(12));
        assertThat(SpikeWindow.parse(" 7d ").duration()).isEqualTo(Duration.ofDays(7));
        assertThat(SpikeWindow.parse("2w").duration()).isEqualTo(Duration.ofDays(14));
        assertThat(SpikeWindow.parse("90s").duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(SpikeWindow.parse("30m").toString()).isEqualTo("30m");
        assertThat(SpikeWindow.parse("48h").toString()).isEqualTo("2d");
    }

    @Test
    void should_reject_what_is_neither_with_a_sentence() {
        for (String bad : new String[] {"12x", "0h", "h", "", "1.5d", "-5m", "99999d"}) {
            assertThatThrownBy(() -> SpikeWindow.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.isEmpty() ? "neither" : bad);
        }
    }

    @Test
    void should_turn_a_span_into_points_from_the_step_and_clamp_it() {
        SpikeWindow halfDay = SpikeWindow.parse("12h");
        assertThat(halfDay.resolve(300, 2, 10_000)).isEqualTo(144);
        assertThat(halfDay.resolve(3600, 2, 10_000)).isEqualTo(12);
        assertThat(halfDay.resolve(86_400, 30, 10_000)).isEqualTo(30); // daily data: at least min_points
        assertThat(halfDay.resolve(1, 2, 10_000)).isEqualTo(10_000);
        assertThat(halfDay.resolve(Double.NaN, 2, 10_000)).isEqualTo(144); // unknown step: 5 minutes
        assertThat(SpikeWindow.ofPoints(450).resolve(86_400, 2, 10_000)).isEqualTo(450);
    }

    @Test
    void should_name_the_setting_whose_span_or_season_is_wrong() {
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("lag", "12x")))
                .hasMessageContaining("'lag'").hasMessageContaining("12x");
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("cooldown", "soon")))
                .hasMessageContaining("'cooldown'");
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("season", "yearly")))
                .hasMessageContaining("'season'").hasMessageContaining("none, auto");
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("min_points", "1")))
                .hasMessageContaining("min_points must be between 2");
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("season", "1")))
                .hasMessageContaining("season");
    }

    @Test
    void should_read_the_usual_time_cells_as_seconds() {
        assertThat(SeriesTime.epochSeconds("1970-01-02")).isEqualTo(86_400);
        assertThat(SeriesTime.epochSeconds("1970-01-01 01:00:00")).isEqualTo(3600);
        assertThat(SeriesTime.epochSeconds("1970-01-01T01:00")).isEqualTo(3600);
        assertThat(SeriesTime.epochSeconds("1970-01-01T01:00:00Z")).isEqualTo(3600);
        assertThat(SeriesTime.epochSeconds("1970-01-01T02:00:00+01:00")).isEqualTo(3600);
        assertThat(SeriesTime.epochSeconds("1970-01-01 00:00:01.5")).isEqualTo(1.5);
        assertThat(SeriesTime.epochSeconds("1700000000")).isEqualTo(1_700_000_000);
        assertThat(SeriesTime.epochSeconds("1700000000000")).isEqualTo(1_700_000_000);
        assertThat(SeriesTime.epochSeconds("not a time")).isNaN();
        assertThat(SeriesTime.epochSeconds("2024-13-45")).isNaN();
        assertThat(SeriesTime.epochSeconds(null)).isNaN();
    }
}
