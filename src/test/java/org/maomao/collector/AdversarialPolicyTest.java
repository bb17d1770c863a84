package org.maomao.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Registration values at the edges: ones the engine would read as "no limit" or refuse at every run. */
class AdversarialPolicyTest {
    @Test
    void should_refuse_cpus_below_what_the_engine_can_enforce() {
        // 1e-10 cpus is 0 nano-CPUs, which Docker reads as no CPU limit at all; below 0.01 it refuses the container
        for (String cpus : List.of("1e-10", "1e-9", "0.001", "0.0099", "4.9E-324")) {
            assertThatThrownBy(() -> RunPolicy.defaults().with(Map.of("cpus", cpus), true), cpus)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 0.01");
        }
        assertThat(RunPolicy.defaults().with(Map.of("cpus", "0.01"), true).cpus()).isEqualTo(0.01);
    }
}
