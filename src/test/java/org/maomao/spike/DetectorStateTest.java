package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DetectorStateTest {

    private static DetectorState fed(double... values) {
        SpikeDetector detector = new SpikeDetector(new SpikeParameters(SpikeMethod.ZSCORE, 4, 2, 0.5, 1e-6, 3));
        DetectorState state = detector.newState();
        for (double value : values) {
            detector.update(state, value);
        }
        return state;
    }

    @Test
    void should_encode_an_empty_state_compactly() {
        assertThat(new DetectorState(4).encode()).isEqualTo("s1;4;0;0;0;0;0;0;");
    }

    @Test
    void should_decode_to_a_state_that_encodes_identically() {
        DetectorState state = fed(0.1, 0.2, 0.30000000000000004, 1e-300, 7, 7, 50, -0.0);

        DetectorState decoded = DetectorState.decode(state.encode());

        assertThat(decoded.encode()).isEqualTo(state.encode());
        assertThat(decoded.window()).containsExactly(state.window());
        assertThat(decoded.count()).isEqualTo(8);
        assertThat(decoded.cooldownUp()).isEqualTo(state.cooldownUp());
    }

    @Test
    void should_reject_text_that_is_not_a_state_with_a_sentence() {
        assertThatThrownBy(() -> DetectorState.decode("hello"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read spike detector state")
                .hasMessageContaining("start the series over");
    }

    @Test
    void should_reject_a_window_larger_than_its_lag() {
        assertThatThrownBy(() -> DetectorState.decode("s1;2;3;0;0;1;0;0;1,1,1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than the lag");
    }

    @Test
    void should_reject_a_bad_number_in_the_window() {
        assertThatThrownBy(() -> DetectorState.decode("s1;2;2;0;0;1;0;0;1,x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
