package org.maomao.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.CliRun;

/** [cluster]: its defaults, and each missing or bad setting refused at start with a sentence (exit 2, nothing written). */
class ClusterConfigTest {
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/maomao";
    static final String ETCD = "http://127.0.0.1:2379";

    @TempDir
    Path dir;

    static DaemonConfig load(Map<String, String> env) {
        return DaemonConfig.from(Settings.fromLayers(List.of(), env));
    }

    static Map<String, String> cluster(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("MAOMAO_CLUSTER_ENABLED", "true", "MAOMAO_STORE_URL", PG,
                "MAOMAO_ETCD_ENDPOINTS", ETCD, "MAOMAO_DAEMON_LISTEN", "127.0.0.1:8181"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void cluster_mode_is_off_by_default_and_the_single_daemon_needs_neither_postgres_nor_etcd() {
        ClusterConfig c = load(Map.of()).cluster();
        assertThat(c.enabled()).isFalse();
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.checkinInterval()).isEqualTo(Duration.ofMillis(7500));
    }

    @Test
    void a_member_defaults_to_hostname_and_port_with_the_default_lease_and_checkin() {
        ClusterConfig c = load(cluster()).cluster();
        assertThat(c.enabled()).isTrue();
        assertThat(c.memberId()).isEqualTo(ClusterConfig.hostname() + ":8181");
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.checkinInterval()).isEqualTo(Duration.ofMillis(7500));
        assertThat(c.apiUrlFor("127.0.0.1", 8181)).isEqualTo("http://127.0.0.1:8181");
        assertThat(c.apiUrlFor("0.0.0.0", 8181)).isEqualTo("http://" + ClusterConfig.hostname() + ":8181");
        ClusterConfig set = load(cluster("MAOMAO_CLUSTER_MEMBER_ID", "node-a", "MAOMAO_CLUSTER_LEASE_TTL", "30s",
                "MAOMAO_CLUSTER_CHECKIN_INTERVAL", "2s", "MAOMAO_CLUSTER_API_URL", "https://a.example.org:8443")).cluster();
        assertThat(set.memberId()).isEqualTo("node-a");
        assertThat(set.leaseTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(set.checkinInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.apiUrlFor("127.0.0.1", 8181)).isEqualTo("https://a.example.org:8443");
    }

    @Test
    void cluster_mode_without_postgres_is_refused_saying_how_to_set_it() {
        Map<String, String> h2 = cluster();
        h2.remove("MAOMAO_STORE_URL");
        assertThatThrownBy(() -> load(h2)).hasMessageContaining("[cluster] enabled = true needs a PostgreSQL store")
                .hasMessageContaining("[store] url is not set")
                .hasMessageContaining("set [store] url = jdbc:postgresql://HOST/DB");
        assertThatThrownBy(() -> load(cluster("MAOMAO_STORE_URL", "jdbc:h2:file:/tmp/x")))
                .hasMessageContaining("[store] url is not jdbc:postgresql:");
    }

    @Test
    void cluster_mode_without_etcd_is_refused_saying_how_to_set_it() {
        Map<String, String> noEtcd = cluster();
        noEtcd.remove("MAOMAO_ETCD_ENDPOINTS");
        assertThatThrownBy(() -> load(noEtcd)).hasMessageContaining("[cluster] enabled = true needs etcd")
                .hasMessageContaining("set [etcd] endpoints = http://HOST:2379");
    }

    @Test
    void bad_cluster_values_are_refused_with_the_setting_and_an_example() {
        String[][] cases = {
                {"MAOMAO_CLUSTER_ENABLED", "maybe", "[cluster] enabled \"maybe\" must be true or false"},
                {"MAOMAO_CLUSTER_LEASE_TTL", "1s", "[cluster] lease_ttl must be whole seconds between 2s and 1h, got 1s"},
                {"MAOMAO_CLUSTER_LEASE_TTL", "2500ms", "[cluster] lease_ttl must be whole seconds between 2s and 1h, got 2500ms"},
                {"MAOMAO_CLUSTER_LEASE_TTL", "2h", "[cluster] lease_ttl must be whole seconds between 2s and 1h, got 2h"},
                {"MAOMAO_CLUSTER_LEASE_TTL", "-5s", "[cluster] lease_ttl \"-5s\" is not a duration"},
                {"MAOMAO_CLUSTER_CHECKIN_INTERVAL", "100ms", "[cluster] checkin_interval must be between 500ms and 10m, got 100ms"},
                {"MAOMAO_CLUSTER_CHECKIN_INTERVAL", "soon", "[cluster] checkin_interval \"soon\" is not a duration"},
                {"MAOMAO_CLUSTER_MEMBER_ID", "../etc", "[cluster] member_id \"../etc\" must be 1 to 100 letters"},
                {"MAOMAO_CLUSTER_MEMBER_ID", "a/b", "[cluster] member_id \"a/b\" must be"},
                {"MAOMAO_CLUSTER_MEMBER_ID", "x".repeat(101), "must be 1 to 100 letters"},
                {"MAOMAO_CLUSTER_API_URL", "ftp://x", "[cluster] api_url \"ftp://x\" is not an http(s) URL"},
                {"MAOMAO_CLUSTER_API_URL", "http://u:p@x:1", "is not an http(s) URL"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> load(cluster(c[0], c[1])), c[0] + "=" + c[1]).hasMessageContaining(c[2]);
        }
    }

    @Test
    void an_ephemeral_port_needs_an_explicit_member_id() {
        assertThatThrownBy(() -> load(cluster("MAOMAO_DAEMON_LISTEN", "127.0.0.1:0")))
                .hasMessageContaining("[cluster] member_id must be set when [daemon] listen has port 0");
        assertThat(load(cluster("MAOMAO_DAEMON_LISTEN", "127.0.0.1:0", "MAOMAO_CLUSTER_MEMBER_ID", "t1")).cluster().memberId())
                .isEqualTo("t1");
    }

    @Test
    void the_daemon_refuses_to_start_in_cluster_mode_without_postgres_or_etcd_exit_2_and_writes_nothing() throws Exception {
        Path data = dir.resolve("data");
        Path noPg = dir.resolve("no-pg.ini");
        Files.writeString(noPg, "[daemon]\nlisten = 127.0.0.1:0\ndata_dir = " + data + "\n[cluster]\nenabled = true\n"
                + "member_id = a\n[etcd]\nendpoints = " + ETCD + "\n");
        CliRun r = CliRun.daemon(noPg);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("maomao: [cluster] enabled = true needs a PostgreSQL store");
        Path noEtcd = dir.resolve("no-etcd.ini");
        Files.writeString(noEtcd, "[daemon]\nlisten = 127.0.0.1:0\ndata_dir = " + data + "\n[cluster]\nenabled = true\n"
                + "member_id = a\n[store]\nurl = " + PG + "\n");
        r = CliRun.daemon(noEtcd);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("maomao: [cluster] enabled = true needs etcd for membership");
        Path typo = dir.resolve("typo.ini");
        Files.writeString(typo, "[cluster]\nlease-ttl = 10s\n");
        r = CliRun.daemon(typo);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown key `lease-ttl` in [cluster]", "did you mean `lease_ttl`?");
        assertThat(data).doesNotExist();
    }
}
