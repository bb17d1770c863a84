package org.maomao.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A guessable token is refused where other machines can reach the daemon, and so are bad API limits. */
class DaemonTokenTest {
    static DaemonConfig load(Map<String, String> env) {
        return DaemonConfig.from(Settings.fromLayers(List.of(), env));
    }

    @Test
    void should_refuse_a_short_token_on_a_non_loopback_address() {
        for (String listen : List.of("0.0.0.0:8080", "[::]:8080", "192.0.2.10:8080")) {
            assertThatThrownBy(() -> load(Map.of("MAOMAO_DAEMON_LISTEN", listen, "MAOMAO_DAEMON_TOKEN", "123456789012345")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least 16 characters").hasMessageContaining("[daemon] token")
                    .hasMessageNotContaining("123456789012345");
        }
        assertThat(load(Map.of("MAOMAO_DAEMON_LISTEN", "0.0.0.0:8080", "MAOMAO_DAEMON_TOKEN", "1234567890123456")).token())
                .hasSize(16);
        // on loopback only local users reach it: a short token is the operator's choice
        assertThat(load(Map.of("MAOMAO_DAEMON_LISTEN", "127.0.0.1:8080", "MAOMAO_DAEMON_TOKEN", "short")).token()).isEqualTo("short");
    }

    @Test
    void should_read_the_api_limits_with_sane_defaults() {
        assertThat(load(Map.of()).http()).isEqualTo(HttpLimits.defaults());
        HttpLimits l = load(Map.of("MAOMAO_DAEMON_READ_TIMEOUT", "5s", "MAOMAO_DAEMON_MAX_CONNECTIONS", "50")).http();
        assertThat(l.readTimeout()).hasSeconds(5);
        assertThat(l.maxConnections()).isEqualTo(50);
        assertThatThrownBy(() -> load(Map.of("MAOMAO_DAEMON_READ_TIMEOUT", "1h"))).hasMessageContaining("read_timeout");
        assertThatThrownBy(() -> load(Map.of("MAOMAO_DAEMON_MAX_CONNECTIONS", "0"))).hasMessageContaining("max_connections");
        assertThatThrownBy(() -> load(Map.of("MAOMAO_DAEMON_MAX_CONNECTIONS", "99999999999"))).hasMessageContaining("max_connections");
    }
}
