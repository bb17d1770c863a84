package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.cluster.EtcdMembership;
import org.maomao.cluster.Member;
import org.maomao.testing.CliRun;
import org.maomao.testing.EtcdServer;
import org.maomao.testing.Ports;

/**
 * Starting in cluster mode against a real etcd: a member id a live member holds and a version other
 * than the members' are refused (exit 2) before anything is written, and a start that fails after
 * joining leaves no member key behind. (The store is never reached in these cases: no PostgreSQL is needed.)
 */
class ClusterStartTest {
    @TempDir
    static Path etcdDir;
    static EtcdServer etcd;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdServer.start(etcdDir);
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        etcd.close();
    }

    /** A cluster config whose PostgreSQL is a closed port: only the membership step can succeed. */
    Path config(String prefix, String memberId) throws Exception {
        Path c = dir.resolve("config.ini");
        Files.writeString(c, "[daemon]\nlisten = 127.0.0.1:0\ndata_dir = " + dir.resolve("data") + "\n"
                + "[store]\nurl = jdbc:postgresql://127.0.0.1:" + Ports.free() + "/maomao?connectTimeout=2\n"
                + "user = maomao\npassword = x\n"
                + "[etcd]\nendpoints = " + etcd.endpoint() + "\nprefix = " + prefix + "\n"
                + "[cluster]\nenabled = true\nmember_id = " + memberId + "\nlease_ttl = 2s\n");
        return c;
    }

    EtcdMembership live(String prefix, String id, String version) {
        Instant started = Instant.now();
        return EtcdMembership.join(List.of(etcd.endpoint()), prefix, Duration.ofSeconds(5),
                () -> new Member(id, "http://10.0.0.1:8080", version, 4, 0, started));
    }

    @Test
    void a_member_id_held_by_a_live_member_is_refused_with_exit_2_and_nothing_written() throws Exception {
        try (EtcdMembership holder = live("/dup", "node-1", MaomaoDaemon.version())) {
            CliRun r = CliRun.daemon(config("/dup", "node-1"));
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("maomao: cannot join the cluster: member id \"node-1\" is in use by the member at "
                    + "http://10.0.0.1:8080", "give this daemon its own [cluster] member_id");
            assertThat(dir.resolve("data")).doesNotExist();
            assertThat(holder.list()).singleElement().satisfies(m -> assertThat(m.url()).isEqualTo("http://10.0.0.1:8080"));
        }
    }

    @Test
    void another_version_than_the_members_is_refused_with_exit_2_and_nothing_written() throws Exception {
        try (EtcdMembership other = live("/ver", "node-1", "0.0.1-old")) {
            CliRun r = CliRun.daemon(config("/ver", "node-2"));
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("maomao: cannot join the cluster: member node-1 at http://10.0.0.1:8080 runs maomao "
                    + "0.0.1-old, but this daemon is " + MaomaoDaemon.version());
            assertThat(dir.resolve("data")).doesNotExist();
            assertThat(other.list()).extracting(Member::id).containsExactly("node-1");
        }
    }

    @Test
    void a_start_that_fails_after_joining_leaves_the_cluster_at_once() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(EtcdMembership.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (EtcdMembership watcher = live("/fail", "watcher", MaomaoDaemon.version())) {
            CliRun r = CliRun.daemon(config("/fail", "node-3"));
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("maomao: cannot open the store at jdbc:postgresql://127.0.0.1:");
            assertThat(logged.list).extracting(e -> e.getFormattedMessage())
                    .anySatisfy(m -> assertThat(m).startsWith("joined the cluster as member node-3"))
                    .anySatisfy(m -> assertThat(m).isEqualTo("member node-3 left the cluster"));
            // its lease was revoked as the start was undone, not left to run out
            assertThat(watcher.list()).extracting(Member::id).containsExactly("watcher");
        } finally {
            logger.detachAppender(logged);
        }
    }
}
