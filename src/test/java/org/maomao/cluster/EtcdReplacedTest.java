package org.maomao.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.EtcdServer;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * etcd killed and replaced by an empty one on the same address (every lease gone): the members
 * say they are not listed while it is down, then join again with new leases, with a warning.
 */
class EtcdReplacedTest {
    static final Duration TTL = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    EtcdServer etcd;
    final List<EtcdMembership> joined = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        joined.forEach(EtcdMembership::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    EtcdMembership join(String id) {
        Instant started = Instant.now();
        EtcdMembership m = EtcdMembership.join(List.of(etcd.endpoint()), "/maomao", TTL,
                () -> new Member(id, "http://127.0.0.1:1/" + id, "1", 4, 0, started));
        joined.add(m);
        return m;
    }

    @Test
    void members_join_again_when_etcd_comes_back_without_their_leases() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(EtcdMembership.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            etcd = EtcdServer.start(dir);
            EtcdMembership a = join("a");
            EtcdMembership b = join("b");
            long leaseA = a.leaseId();
            assertThat(a.isListed()).isTrue();

            etcd.kill();
            await("a to notice it cannot renew its lease").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !a.isListed());
            assertThat(logged.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("cannot renew the cluster lease of member a");
            });

            etcd.startEmpty();
            await("both members to be listed again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> a.isListed() && b.isListed()
                            && a.list().stream().map(Member::id).toList().equals(List.of("a", "b")));
            assertThat(a.leaseId()).isNotEqualTo(leaseA);
            assertThat(logged.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("member a lost its place in the cluster");
            });
        } finally {
            logger.detachAppender(logged);
        }
    }
}
