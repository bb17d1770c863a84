package org.maomao.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonConfigTest {
    @TempDir
    Path dir;

    @Test
    void should_default_to_loopback_port_8080_without_token() {
        DaemonConfig c = DaemonConfig.from(Settings.fromLayers(List.of(), Map.of()));
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenPort()).isEqualTo(8080);
        assertThat(c.token()).isNull();
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/maomao"));
    }

    @Test
    void should_let_later_layers_and_then_the_environment_win() throws Exception {
        Path a = Files.writeString(dir.resolve("a.ini"), "[daemon]\nlisten = 127.0.0.1:9001\nmax_concurrent_runs = 2\n"
                + "[defaults]\nretries = 5\n");
        Files.createDirectories(dir.resolve("sub"));
        Path b = Files.writeString(dir.resolve("sub/b.ini"), "[daemon]\nlisten = 127.0.0.1:9002\ndata_dir = data\n");
        DaemonConfig c = DaemonConfig.from(Settings.fromLayers(List.of(a, b, dir.resolve("missing.ini")),
                Map.of("MAOMAO_DAEMON_MAX_CONCURRENT_RUNS", "7", "MAOMAO_DEFAULTS_TIMEOUT", "90s")));
        assertThat(c.listenPort()).isEqualTo(9002);
        assertThat(c.maxConcurrentRuns()).isEqualTo(7);
        assertThat(c.dataDir()).isEqualTo(dir.resolve("sub/data"));
        assertThat(c.defaults().retries()).isEqualTo(5);
        assertThat(c.defaults().timeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void should_refuse_to_listen_beyond_loopback_without_a_token() {
        assertThatThrownBy(() -> DaemonConfig.from(Settings.fromLayers(List.of(), Map.of("MAOMAO_DAEMON_LISTEN", "0.0.0.0:8080"))))
                .hasMessageContaining("token").hasMessageContaining("[daemon] token");
        DaemonConfig c = DaemonConfig.from(Settings.fromLayers(List.of(),
                Map.of("MAOMAO_DAEMON_LISTEN", "0.0.0.0:8080", "MAOMAO_DAEMON_TOKEN", "s3cret-of-16char")));
        assertThat(c.token()).isEqualTo("s3cret-of-16char");
    }

    @Test
    void should_name_the_setting_and_the_fix_for_bad_values() {
        assertThatThrownBy(() -> DaemonConfig.from(Settings.fromLayers(List.of(), Map.of("MAOMAO_DEFAULTS_TIMEOUT", "soon"))))
                .hasMessageContaining("[defaults] timeout \"soon\"").hasMessageContaining("30s");
        assertThatThrownBy(() -> DaemonConfig.from(Settings.fromLayers(List.of(), Map.of("MAOMAO_DAEMON_LISTEN", "8080"))))
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> DaemonConfig.from(Settings.fromLayers(List.of(), Map.of("MAOMAO_DAEMON_TIMEZONE", "Mars/Base"))))
                .hasMessageContaining("timezone");
    }

    @Test
    void should_stop_at_start_when_defaults_exceed_the_docker_bounds() {
        for (Map<String, String> env : List.of(Map.of("MAOMAO_DEFAULTS_MEMORY", "8g"), Map.of("MAOMAO_DEFAULTS_PIDS", "4194304"),
                Map.of("MAOMAO_DEFAULTS_NETWORK", "host"),
                Map.of("MAOMAO_DEFAULTS_CPUS", "2", "MAOMAO_DOCKER_MAX_CPUS", "1"))) {
            assertThatThrownBy(() -> DaemonConfig.from(Settings.fromLayers(List.of(), env)), env.toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("[defaults] ")
                    .hasMessageContaining("[docker]");
        }
        DaemonConfig c = DaemonConfig.from(Settings.fromLayers(List.of(), Map.of("MAOMAO_DEFAULTS_NETWORK", "host",
                "MAOMAO_DOCKER_ALLOWED_NETWORKS", "none,host", "MAOMAO_DEFAULTS_MEMORY", "8g", "MAOMAO_DOCKER_MAX_MEMORY", "8g")));
        assertThat(c.containment().allowedNetworks()).containsExactly("none", "host");
        assertThat(c.defaults().memoryBytes()).isEqualTo(8L << 30);
    }

    @Test
    void should_refuse_root_as_the_container_user_and_default_to_nobody_as_root() {
        for (String root : List.of("0", "0:1000", "root")) {
            assertThatThrownBy(() -> DaemonConfig.from(Settings.fromLayers(List.of(), Map.of("MAOMAO_DOCKER_USER", root))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("root");
        }
        long[] ids = org.maomao.docker.ContainerUser.processIds();
        DaemonConfig c = DaemonConfig.from(Settings.fromLayers(List.of(), Map.of()));
        assertThat(c.containerUser().uid()).isNotZero();
        if (ids != null && ids[0] == 0) {
            assertThat(c.containerUser()).hasToString("65534:65534");
        }
    }
}
