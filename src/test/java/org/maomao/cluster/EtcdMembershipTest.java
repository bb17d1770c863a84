package org.maomao.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.EtcdServer;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * Membership in a real etcd: members see each other, a clean stop removes the key at once, a
 * member killed with SIGKILL (a child JVM) is gone within the lease TTL and may come back under
 * its id, a lost lease is replaced with a warning, and a live member's id or another version is refused.
 */
class EtcdMembershipTest {
    static final Duration TTL = Duration.ofSeconds(3);
    static final String VERSION = "9.9.9";

    @TempDir
    static Path dir;
    static EtcdServer etcd;
    /** A prefix per test, so that no test sees another's members. */
    static final AtomicInteger PREFIXES = new AtomicInteger();

    final String prefix = "/m" + PREFIXES.incrementAndGet();
    final List<EtcdMembership> joined = new ArrayList<>();
    final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdServer.start(dir);
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        etcd.close();
    }

    @AfterEach
    void leave() {
        joined.forEach(EtcdMembership::close);
        children.forEach(Process::destroyForcibly);
    }

    EtcdMembership join(String id, String version, AtomicInteger inFlight) {
        Instant started = Instant.now();
        EtcdMembership m = EtcdMembership.join(List.of(etcd.endpoint()), prefix, TTL,
                () -> new Member(id, "http://127.0.0.1:1/" + id, version, 4, inFlight.get(), started));
        joined.add(m);
        return m;
    }

    static List<String> ids(EtcdMembership m) {
        return m.list().stream().map(Member::id).toList();
    }

    /** What etcdctl sees under the members' prefix (keys only). */
    String keysInEtcd() throws Exception {
        Process p = etcd.ctlBuilder("get", "--prefix", "--keys-only", prefix + "/members/").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void two_members_see_each_other_and_one_that_stops_is_gone_at_once() throws Exception {
        AtomicInteger aRuns = new AtomicInteger();
        EtcdMembership a = join("a", VERSION, aRuns);
        EtcdMembership b = join("b", VERSION, new AtomicInteger());
        assertThat(ids(a)).containsExactly("a", "b");
        assertThat(ids(b)).containsExactly("a", "b");
        Member seen = b.list().get(0);
        assertThat(seen.url()).isEqualTo("http://127.0.0.1:1/a");
        assertThat(seen.version()).isEqualTo(VERSION);
        assertThat(seen.capacity()).isEqualTo(4);
        assertThat(seen.inFlight()).isZero();
        assertThat(keysInEtcd()).contains(prefix + "/members/a", prefix + "/members/b");

        // the value follows the runs in flight
        aRuns.set(3);
        await("b to see a's 3 runs in flight").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> b.list().get(0).inFlight() == 3);

        // a clean stop revokes the lease: gone for the others without waiting for the TTL
        b.close();
        joined.remove(b);
        assertThat(ids(a)).containsExactly("a");
        assertThat(keysInEtcd()).doesNotContain(prefix + "/members/b");
    }

    @Test
    void a_member_killed_with_sigkill_is_gone_within_the_lease_ttl() throws Exception {
        EtcdMembership a = join("a", VERSION, new AtomicInteger());
        Process child = member("killed");
        assertThat(ids(a)).containsExactly("a", "killed");
        child.destroyForcibly(); // SIGKILL: nothing of the member's runs after this
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Instant killed = Instant.now();
        assertThat(ids(a)).as("nothing revoked the lease of a killed member").contains("killed");
        await("the killed member to disappear").atMost(TTL.plusSeconds(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> !ids(a).contains("killed"));
        assertThat(Duration.between(killed, Instant.now())).isLessThanOrEqualTo(TTL.plusSeconds(2));
        assertThat(ids(a)).containsExactly("a");
    }

    @Test
    void a_killed_member_restarted_at_once_under_its_id_waits_out_its_old_lease_and_joins() throws Exception {
        Process child = member("k");
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Instant restarted = Instant.now();
        EtcdMembership k = join("k", VERSION, new AtomicInteger());
        assertThat(Duration.between(restarted, Instant.now())).isLessThanOrEqualTo(TTL.plusSeconds(3));
        assertThat(k.list()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo("k");
            assertThat(m.startedAt()).isAfterOrEqualTo(restarted);
        });
    }

    @Test
    void an_id_held_by_a_live_member_is_refused_and_the_holder_keeps_it() {
        EtcdMembership a = join("a", VERSION, new AtomicInteger());
        long lease = a.leaseId();
        assertThatThrownBy(() -> join("a", VERSION, new AtomicInteger())).isInstanceOf(MemberRefused.class)
                .hasMessageContaining("member id \"a\" is in use by the member at http://127.0.0.1:1/a")
                .hasMessageContaining("give this daemon its own [cluster] member_id");
        assertThat(a.list()).singleElement().satisfies(m -> assertThat(m.id()).isEqualTo("a"));
        assertThat(a.leaseId()).isEqualTo(lease);
    }

    @Test
    void a_member_of_another_version_is_refused_and_not_listed() {
        EtcdMembership a = join("a", VERSION, new AtomicInteger());
        assertThatThrownBy(() -> join("b", "1.0.0", new AtomicInteger())).isInstanceOf(MemberRefused.class)
                .hasMessageContaining("member a at http://127.0.0.1:1/a runs maomao 9.9.9, but this daemon is 1.0.0");
        assertThat(ids(a)).containsExactly("a");
    }

    @Test
    void a_lost_lease_is_replaced_and_the_member_listed_again_with_a_warning() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(EtcdMembership.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            EtcdMembership a = join("a", VERSION, new AtomicInteger());
            long lease = a.leaseId();
            // what etcd does to a lease that was not renewed in time (or an operator revoking it)
            Process revoke = etcd.ctl("lease", "revoke", Long.toHexString(lease));
            assertThat(revoke.exitValue()).isZero();
            assertThat(keysInEtcd()).doesNotContain(prefix + "/members/a");
            await("a to join again").atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ids(a).contains("a"));
            assertThat(a.leaseId()).isNotEqualTo(lease);
            assertThat(logged.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("member a lost its place in the cluster");
            });
            // and the new lease is kept alive: still listed after more than a TTL
            Instant rejoined = Instant.now();
            await("a TTL to pass").atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Duration.between(rejoined, Instant.now()).compareTo(TTL.plusSeconds(1)) > 0);
            assertThat(ids(a)).containsExactly("a");
        } finally {
            logger.detachAppender(logged);
        }
    }

    /** A member in a child JVM; returns once it has joined. */
    Process member(String id) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MemberProcess.class.getName(), etcd.endpoint(), prefix, id,
                Long.toString(TTL.toSeconds()), VERSION).redirectErrorStream(true).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.equals("joined " + id)) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (java.io.IOException e) {
                        // the child is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return p;
            }
        }
        throw new AssertionError("the member process ended before joining:\n" + seen);
    }

    /** The child: joins, says so, and waits to be killed. */
    public static final class MemberProcess {
        public static void main(String[] args) throws Exception {
            Instant started = Instant.now();
            EtcdMembership.join(List.of(args[0]), args[1], Duration.ofSeconds(Long.parseLong(args[3])),
                    () -> new Member(args[2], "http://127.0.0.1:1/" + args[2], args[4], 4, 0, started));
            System.out.println("joined " + args[2]);
            System.out.flush();
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }
}
