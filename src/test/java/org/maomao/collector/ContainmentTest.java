package org.maomao.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What a registration may ask for: networks, bounded limits, a bounded clean environment. */
class ContainmentTest {
    final Containment defaults = Containment.defaults();

    private void refused(Map<String, String> settings, String... sentence) {
        assertThatThrownBy(() -> defaults.check(RunPolicy.defaults().with(settings, true)), settings.toString())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(sentence);
    }

    @Test
    void should_allow_only_network_none_by_default() {
        defaults.check(RunPolicy.defaults());
        refused(Map.of("network", "host"), "network \"host\" is not in [docker] allowed_networks (none)");
        refused(Map.of("network", "bridge"), "[docker] allowed_networks");
        Containment withHost = Containment.from(Map.of("allowed_networks", "none, host"));
        withHost.check(RunPolicy.defaults().with(Map.of("network", "host"), true));
        assertThat(withHost.allowedNetworks()).containsExactly("none", "host");
    }

    @Test
    void should_refuse_limits_above_the_bounds_with_the_bound_in_the_sentence() {
        refused(Map.of("memory", "8388607t"), "memory", "above [docker] max_memory", "4g");
        refused(Map.of("memory", "9223372036854775807"), "max_memory");
        refused(Map.of("memory", "5g"), "max_memory (4294967296 bytes, 4g)");
        refused(Map.of("pids", "4194304"), "pids 4194304 is above [docker] max_pids (1024)");
        refused(Map.of("cpus", "4.5"), "above [docker] max_cpus (" + Containment.DEFAULT_MAX_CPUS + ")");
        String cores = Double.toString(Containment.DEFAULT_MAX_CPUS);
        defaults.check(RunPolicy.defaults().with(Map.of("memory", "4g", "pids", "1024", "cpus", cores), true));
    }

    @Test
    void should_refuse_absurd_values_before_the_bounds() {
        for (Map<String, String> s : List.of(Map.of("cpus", "0"), Map.of("cpus", "NaN"), Map.of("cpus", "-1"),
                Map.of("cpus", "Infinity"), Map.of("pids", "0"), Map.of("pids", "-1"), Map.of("memory", "8e"),
                Map.of("memory", "8388608t"), Map.of("memory", "0"), Map.of("pids", "99999999999"))) {
            assertThatThrownBy(() -> RunPolicy.defaults().with(s, true), s.toString())
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void should_read_its_bounds_and_refuse_bad_ones() {
        Containment c = Containment.from(Map.of("max_memory", "1g", "max_cpus", "0.5", "max_pids", "64"));
        assertThat(c.maxMemory()).isEqualTo(1L << 30);
        assertThat(c.maxCpus()).isEqualTo(0.5);
        assertThat(c.maxPids()).isEqualTo(64);
        for (Map<String, String> bad : List.of(Map.of("max_cpus", "NaN"), Map.of("max_cpus", "0"), Map.of("max_pids", "0"),
                Map.of("max_pids", "4194304"), Map.of("max_memory", "1k"), Map.of("allowed_networks", "host;rm"))) {
            assertThatThrownBy(() -> Containment.from(bad), bad.toString()).hasMessageContaining("[docker]");
        }
    }

    @Test
    void should_bound_the_environment_of_a_registration() {
        assertThatThrownBy(() -> RunPolicy.defaults().with(Map.of("env.A", "x\u0000y"), true))
                .hasMessageContaining("env A holds the control character U+0000");
        assertThatThrownBy(() -> RunPolicy.defaults().with(Map.of("env.A", "line\nbreak"), true))
                .hasMessageContaining("U+000A");
        assertThat(RunPolicy.defaults().with(Map.of("env.A", "tab\there, ünïcode"), true).env()).containsKey("A");
        assertThatThrownBy(() -> RunPolicy.defaults().with(Map.of("env.BIG", "x".repeat(10_000)), true))
                .hasMessageContaining("env BIG is 10000 characters long; at most 4096");
        assertThat(RunPolicy.defaults().with(Map.of("env.OK", "x".repeat(4096)), true).env()).containsKey("OK");
        for (String name : List.of("1A", "A-B", "A B", "MAOMAO_RUN_ID", "maomao_x", "", "A=B", "A".repeat(129))) {
            assertThatThrownBy(() -> RunPolicy.defaults().with(Map.of("env." + name, "v"), true), name)
                    .hasMessageContaining("is not allowed");
        }
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            many.put("env.K" + i, "v");
        }
        assertThatThrownBy(() -> RunPolicy.defaults().with(many, true)).hasMessageContaining("at most 64");
        many.remove("env.K64");
        assertThat(RunPolicy.defaults().with(many, true).env()).hasSize(64);
    }

    @Test
    void should_bound_max_output_files() {
        assertThat(RunPolicy.defaults().maxOutputFiles()).isEqualTo(10_000);
        assertThat(RunPolicy.defaults().with(Map.of("max_output_files", "50"), true).maxOutputFiles()).isEqualTo(50);
        assertThatThrownBy(() -> RunPolicy.defaults().with(Map.of("max_output_files", "0"), true))
                .hasMessageContaining("max_output_files");
        RunPolicy p = RunPolicy.defaults().with(Map.of("max_output_files", "77"), true);
        assertThat(RunPolicy.defaults().with(p.toMap(), true)).isEqualTo(p);
    }
}
