package org.maomao.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.maomao.testing.InMemoryCollectorStore;

/**
 * A registration's {@code spike.*} settings are checked as the detector will read them: over the
 * daemon's {@code [spike]} section, which the registry is given, and before anything is stored.
 */
class SpikeSettingsCheckTest {
    private final InMemoryCollectorStore store = new InMemoryCollectorStore();

    @Test
    void should_refuse_a_bad_spike_setting_with_a_sentence_and_store_nothing() {
        CollectorRegistry registry = new CollectorRegistry(store, RunPolicy.defaults(), Clock.systemUTC());

        assertThatThrownBy(() -> registry.register("c", "img:1", "ds", Map.of("spike.method", "magic"), Collector.SOURCE_API))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spike setting 'method' must be one of ")
                .hasMessageEndingWith(".");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void should_check_a_collector_against_the_daemons_spike_section() {
        // a bad [spike] method is every collector's until its own spike.method overrides it
        CollectorRegistry registry = new CollectorRegistry(store, RunPolicy.defaults(), Map.of("method", "magic"),
                Clock.systemUTC());

        assertThatThrownBy(() -> registry.register("c", "img:1", "ds", Map.of(), Collector.SOURCE_API))
                .hasMessageStartingWith("spike setting 'method' must be one of ");
        assertThat(store.list()).isEmpty();

        registry.register("c", "img:1", "ds", Map.of("spike.method", "zscore"), Collector.SOURCE_API);
        assertThat(store.find("c")).isPresent();
    }
}
