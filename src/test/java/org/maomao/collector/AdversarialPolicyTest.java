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

    @Test
    void should_bound_the_disk_a_registration_may_ask_for() {
        // the policy's own max_output is what the watcher enforces: a client must not lift it to "no bound"
        Containment defaults = Containment.defaults();
        for (Map<String, String> s : List.of(Map.of("max_output", "8388607t"), Map.of("max_output", "2g"),
                Map.of("max_output_files", "1000000"), Map.of("max_log", "1t"))) {
            String key = s.keySet().iterator().next();
            assertThatThrownBy(() -> defaults.check(RunPolicy.defaults().with(s, true)), s.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("above [docker] " + key);
        }
        defaults.check(RunPolicy.defaults().with(Map.of("max_output", "1g", "max_output_files", "100000", "max_log", "100m"),
                true));
        Containment tight = Containment.from(Map.of("max_output", "10m", "max_output_files", "50", "max_log", "1m"));
        assertThat(tight.maxOutput()).isEqualTo(10L << 20);
        assertThat(tight.maxOutputFiles()).isEqualTo(50);
        assertThat(tight.maxLog()).isEqualTo(1L << 20);
        assertThatThrownBy(() -> tight.check(RunPolicy.defaults())).hasMessageContaining("max_output");
        assertThatThrownBy(() -> Containment.from(Map.of("max_output_files", "0"))).hasMessageContaining("[docker]");
    }

    @Test
    void should_not_let_a_star_in_the_registry_part_of_an_image_glob_reach_into_the_path() {
        CollectorRegistry registry = new CollectorRegistry(null, RunPolicy.defaults(), java.time.Clock.systemUTC());
        registry.setAllowedImages(List.of("*.mycorp.com/*", "registry?.mycorp.com/team/*", "maomao/dummy:*"));
        for (String image : List.of("evil.com/x.mycorp.com/y", "evil.com/a.mycorp.com/b:1", "evil.io/registry1.mycorp.com/team/x",
                "maomao/dummy:1@sha256:" + "a".repeat(64) + "/x", "maomao/dummy/evil:1", "maomao/dummy2:1")) {
            assertThat(registry.isAllowed(image)).as(image).isFalse();
        }
        for (String image : List.of("hub.mycorp.com/team/x:1", "hub.mycorp.com/x", "registry1.mycorp.com/team/a/b",
                "maomao/dummy:latest", "maomao/dummy:1@sha256:" + "a".repeat(64))) {
            assertThat(registry.isAllowed(image)).as(image).isTrue();
        }
        registry.setAllowedImages(List.of("*"));
        assertThat(registry.isAllowed("any.where/x/y:z")).isTrue();
    }

    @Test
    void should_refuse_durations_whose_arithmetic_overflows_later() {
        // accepted at registration, these overflowed at the run: Duration.toMillis, backoff doubling, now + backoff
        for (Map<String, String> s : List.of(Map.of("timeout", "9999999999999d"), Map.of("timeout", "PT2562047788015215H"),
                Map.of("retry_backoff", "9999999999999d"), Map.of("retry_backoff_max", "9999999999999d"),
                Map.of("timeout", "31d"))) {
            assertThatThrownBy(() -> RunPolicy.defaults().with(s, true), s.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    // the duration parser refuses past ten years, the policy past 30 days
                    .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("at most 30d", "longer than 3650d"));
        }
        RunPolicy longest = RunPolicy.defaults().with(Map.of("timeout", "30d", "retry_backoff", "30d",
                "retry_backoff_max", "30d", "retries", "100"), true);
        assertThat(longest.backoff(100)).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(longest.timeout().toMillis()).isEqualTo(30L * 86_400_000);
    }
}
