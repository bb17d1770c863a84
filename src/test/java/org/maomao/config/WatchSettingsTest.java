package org.maomao.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code [etcd] notification_ttl} and {@code [daemon] max_watchers}: defaults, and bad values refused with a sentence. */
class WatchSettingsTest {
    private static WatchSettings read(Map<String, String> env) {
        return DaemonConfig.from(Settings.fromLayers(List.of(), env)).watch();
    }

    @Test
    void defaults_to_a_day_and_32_watchers_and_reads_both_settings() {
        assertThat(read(Map.of())).isEqualTo(new WatchSettings(Duration.ofDays(1), 32));
        assertThat(read(Map.of("MAOMAO_ETCD_NOTIFICATION_TTL", "2h", "MAOMAO_DAEMON_MAX_WATCHERS", "5")))
                .isEqualTo(new WatchSettings(Duration.ofHours(2), 5));
    }

    @Test
    void refuses_bad_values_with_a_sentence() {
        assertThatThrownBy(() -> read(Map.of("MAOMAO_ETCD_NOTIFICATION_TTL", "5s")))
                .hasMessageContaining("[etcd] notification_ttl must be between 10s and 365d");
        assertThatThrownBy(() -> read(Map.of("MAOMAO_ETCD_NOTIFICATION_TTL", "forever")))
                .hasMessageContaining("[etcd] notification_ttl");
        assertThatThrownBy(() -> read(Map.of("MAOMAO_DAEMON_MAX_WATCHERS", "0")))
                .hasMessageContaining("[daemon] max_watchers must be between 1 and 10000");
        assertThatThrownBy(() -> read(Map.of("MAOMAO_DAEMON_MAX_WATCHERS", "many")))
                .hasMessageContaining("[daemon] max_watchers \"many\" is not a whole number.");
    }
}
