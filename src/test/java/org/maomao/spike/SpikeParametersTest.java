package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SpikeParametersTest {

    @Test
    void should_use_the_defaults_for_missing_keys() {
        assertThat(SpikeParameters.fromMap(Map.of())).isEqualTo(SpikeParameters.defaults());
    }

    @Test
    void should_read_every_key() {
        SpikeParameters parameters = SpikeParameters.fromMap(Map.of(
                "method", "Robust", "lag", " 30 ", "threshold", "4.5", "influence", "0",
                "min_deviation", "0.01", "cooldown", "0"));

        // season and min_points not given: their defaults (auto, 30)
        assertThat(parameters).isEqualTo(new SpikeParameters(SpikeMethod.ROBUST, SpikeWindow.ofPoints(30), 4.5, 0, 0.01,
                SpikeWindow.ofPoints(0), 30, SpikeSeason.AUTO));
    }

    @Test
    void should_read_spans_min_points_and_season_and_write_them_back() {
        SpikeParameters parameters = SpikeParameters.fromMap(Map.of("lag", "7d", "cooldown", "6h", "min_points", "12",
                "season", "weekly"));

        assertThat(parameters.lag().duration()).hasDays(7);
        assertThat(parameters.cooldown().duration()).hasHours(6);
        assertThat(parameters.minPoints()).isEqualTo(12);
        assertThat(parameters.season().period().duration()).hasDays(7);
        assertThat(SpikeParameters.fromMap(parameters.toMap())).isEqualTo(parameters);
    }

    @Test
    void should_read_back_what_it_writes() {
        SpikeParameters parameters = new SpikeParameters(SpikeMethod.ROBUST, 30, 4.5, 0.25, 0.01, 7);

        assertThat(SpikeParameters.fromMap(parameters.toMap())).isEqualTo(parameters);
    }

    @Test
    void should_refuse_a_collectors_empty_setting_but_keep_the_default_for_the_daemons_blank_one() {
        assertThatThrownBy(() -> SpikeParameters.forCollector(Map.of(), Map.of("season", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spike setting 'season' is empty: give a value (see the README) or leave it out for the "
                        + "default (auto).");
        assertThatThrownBy(() -> SpikeParameters.forCollector(Map.of(), Map.of("lag", "  ", "webhook", "")))
                .hasMessageStartingWith("spike setting 'lag' is empty");
        // the daemon's [spike] section: a blank key keeps its default, like any section's
        assertThat(SpikeParameters.forCollector(Map.of("lag", ""), Map.of())).isEqualTo(SpikeParameters.defaults());
    }

    @Test
    void should_ignore_keys_it_does_not_know() {
        assertThat(SpikeParameters.fromMap(Map.of("enabled", "true"))).isEqualTo(SpikeParameters.defaults());
    }

    @Test
    void should_reject_a_lag_below_two_with_a_sentence_saying_the_range() {
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("lag", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spike lag must be between 2 and 10000 points, got 1");
    }

    @Test
    void should_name_the_key_whose_value_is_not_a_number() {
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("threshold", "high")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'threshold'")
                .hasMessageContaining("high");
    }

    @Test
    void should_name_the_key_with_an_unknown_method_and_list_the_known_ones() {
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("method", "mad")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'method'")
                .hasMessageContaining("zscore, robust");
    }

    @Test
    void should_reject_an_influence_above_one() {
        assertThatThrownBy(() -> new SpikeParameters(SpikeMethod.ZSCORE, 10, 3, 1.5, 1e-6, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("influence must be between 0");
    }

    @Test
    void should_reject_a_zero_min_deviation() {
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("min_deviation", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min_deviation must be a positive number");
    }

    @Test
    void should_reject_a_negative_cooldown() {
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("cooldown", "-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cooldown must be 0");
    }

    @Test
    void should_read_the_likelihood_settings_write_them_back_and_reject_bad_ones_with_a_sentence() {
        SpikeParameters parameters = SpikeParameters.fromMap(Map.of("method", "likelihood", "history", "2d",
                "likelihood_tail", "1e-7"));
        assertThat(parameters.method()).isEqualTo(SpikeMethod.LIKELIHOOD);
        assertThat(parameters.history().duration()).hasDays(2);
        assertThat(parameters.likelihoodTail()).isEqualTo(1e-7);
        assertThat(SpikeParameters.fromMap(parameters.toMap())).isEqualTo(parameters);
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("history", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("history must be between 2 and");
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("history", "-5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("history must be between 2 and");
        for (String tail : new String[] {"0", "0.5", "-1e-6", "1e-13", "Infinity"}) {
            assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("likelihood_tail", tail))).as(tail)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("likelihood_tail");
        }
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("likelihood_tail", "rare")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("likelihood_tail");
    }

    @Test
    void should_read_the_record_rule_write_it_back_and_reject_bad_ones_with_a_sentence() {
        assertThat(SpikeParameters.defaults().record().duration()).hasDays(3);
        SpikeParameters off = SpikeParameters.fromMap(Map.of("record", "0"));
        assertThat(off.record().points()).isZero();
        assertThat(SpikeParameters.fromMap(off.toMap())).isEqualTo(off);
        SpikeParameters week = SpikeParameters.fromMap(Map.of("record", "7d"));
        assertThat(week.record().duration()).hasDays(7);
        assertThat(SpikeParameters.fromMap(week.toMap())).isEqualTo(week);
        assertThat(week.toString()).contains("record=1w");
        for (String bad : new String[] {"-1", "1000001", "forever", "3x", "0d"}) {
            assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("record", bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record");
        }
        assertThatThrownBy(() -> SpikeParameters.fromMap(Map.of("record", "-1")))
                .hasMessage("spike record must be 0 (off) to 1000000 points or a span such as 3d, got -1");
    }
}
