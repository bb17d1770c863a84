package org.maomao.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.collector.RunPolicy.OutputMode;
import org.maomao.dataset.ClusterDatasetLock;
import org.maomao.dataset.GitDatasets;
import org.maomao.dataset.RemoteUrls;
import org.maomao.run.DatasetWriter.IngestException;
import org.maomao.run.DatasetWriter.IngestRequest;
import org.maomao.run.DatasetWriter.IngestResult;
import org.maomao.run.DatasetWriter.TablesCheck;
import org.maomao.testing.EtcdServer;
import org.maomao.testing.GitCli;

/**
 * Datasets across members, on a real etcd and real git: every member has its own clone and
 * its own etcd client and lease, and the remote (a bare repository on disk) is what they share.
 */
class ClusterDatasetsTest {
    static final Duration TTL = Duration.ofSeconds(3);
    static final AtomicInteger PREFIXES = new AtomicInteger();

    @TempDir
    static Path etcdDir;
    static EtcdServer etcd;

    @TempDir
    Path dir;
    final String prefix = "/d" + PREFIXES.incrementAndGet();
    final List<EtcdMembership> joined = new ArrayList<>();
    final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdServer.start(etcdDir);
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        etcd.close();
    }

    @AfterEach
    void leave() {
        children.forEach(Process::destroyForcibly);
        joined.forEach(EtcdMembership::close);
    }

    EtcdMembership join(String id) {
        Instant started = Instant.now();
        EtcdMembership m = EtcdMembership.join(List.of(etcd.endpoint()), prefix, TTL,
                () -> new Member(id, "http://127.0.0.1:1/" + id, "9.9.9", 4, 0, started));
        joined.add(m);
        return m;
    }

    Path bareRemote() throws Exception {
        Path remote = dir.resolve("remote.git");
        Files.createDirectories(remote);
        GitCli.run(remote, "init", "--bare", "-b", "main");
        return remote;
    }

    /** A member's dataset writer: its own data dir, its clone of the remote, the cluster lock under its own lease. */
    GitDatasets member(String id, EtcdMembership m, Path remote) throws Exception {
        return member(id, m.datasetLocks(Duration.ofMinutes(2)), m, remote);
    }

    GitDatasets member(String id, ClusterDatasetLock lock, EtcdMembership m, Path remote) throws Exception {
        Path root = dir.resolve(id).resolve("datasets");
        GitDatasets d = new GitDatasets(root, "maomao " + id, id + "@localhost", false);
        d.setRemotes(new RemoteUrls(List.of("file://" + dir.toRealPath() + "/*"), root));
        d.enableCluster(lock, m.datasetCatalog());
        if (remote != null) {
            d.create("shared", "file://" + remote.toRealPath());
        }
        return d;
    }

    IngestRequest run(String member, String runId, TablesCheck check) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out").resolve(runId));
        Files.writeString(out.resolve("data.csv"), "member,run\n" + member + "," + runId + "\n");
        return new IngestRequest("shared", "col", out, OutputMode.APPEND, runId, 1, "img:1", null, Instant.now(), check);
    }

    @Test
    void three_members_with_twenty_runs_each_make_sixty_commits_in_one_linear_history() throws Exception {
        Path remote = bareRemote();
        List<GitDatasets> members = new ArrayList<>();
        for (String id : List.of("m1", "m2", "m3")) {
            members.add(member(id, join(id), remote));
        }
        // two workers per member: runs of one member also meet at its local lock
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<IngestResult>> done = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            for (int m = 0; m < 3; m++) {
                GitDatasets d = members.get(m);
                String member = "m" + (m + 1);
                IngestRequest req = run(member, member + "-run-" + i, TablesCheck.NONE);
                done.add(pool.submit(() -> d.ingest(req)));
            }
        }
        pool.shutdown();
        List<String> commits = new ArrayList<>();
        for (Future<IngestResult> f : done) {
            IngestResult r = f.get(5, TimeUnit.MINUTES);
            assertThat(r.commit()).isNotNull();
            assertThat(r.earlier()).isFalse();
            commits.add(r.commit());
        }
        assertThat(commits).doesNotHaveDuplicates();
        assertThat(GitCli.run(remote, "rev-list", "--count", "main")).isEqualTo("60");
        assertThat(GitCli.run(remote, "log", "--merges", "--oneline", "main")).isEmpty();
        assertThat(GitCli.run(remote, "rev-list", "--max-parents=0", "main").lines().count())
                .as("one root: a line, not branches grafted together").isEqualTo(1);
        GitCli.run(remote, "fsck", "--strict"); // fails the test on a non-zero exit
        List<String> runIds = GitCli.lines(remote, "log", "--format=%(trailers:key=Run-Id,valueonly)", "main")
                .stream().filter(l -> !l.isBlank()).sorted().toList();
        assertThat(runIds).hasSize(60).doesNotHaveDuplicates();
        assertThat(GitCli.lines(remote, "rev-list", "main")).containsExactlyInAnyOrderElementsOf(commits);
        // every row of every run, once, under one header
        List<String> rows = GitCli.lines(remote, "show", "main:col/data.csv");
        assertThat(rows.get(0)).isEqualTo("member,run");
        assertThat(rows.subList(1, rows.size())).hasSize(60).doesNotHaveDuplicates();
        for (String member : List.of("m1", "m2", "m3")) {
            assertThat(runIds.stream().filter(r -> r.startsWith(member + "-"))).hasSize(20);
        }
    }

    @Test
    void a_member_brings_its_clone_up_to_the_remote_before_a_run_reads_it_and_refuses_a_link_there() throws Exception {
        Path remote = bareRemote();
        GitDatasets m1 = member("m1", join("m1"), remote);
        GitDatasets m2 = member("m2", join("m2"), remote);
        m1.ingest(run("m1", "first", TablesCheck.NONE));
        Path m2Rows = m2.datasetDir("shared").resolve("col/data.csv");
        assertThat(m2Rows).as("m2's clone, behind the remote").doesNotExist();

        m2.catchUp("shared");
        assertThat(Files.readAllLines(m2Rows)).containsExactly("member,run", "m1,first");
        assertThat(GitCli.run(m2.datasetDir("shared"), "rev-parse", "HEAD")).isEqualTo(GitCli.run(remote, "rev-parse", "main"));
        m2.catchUp("shared"); // nothing new: nothing changes, nothing fails
        assertThat(Files.readAllLines(m2Rows)).containsExactly("member,run", "m1,first");

        // a link pushed to the remote is never checked out for a run to read
        GitCli.run(dir, "clone", remote.toString(), "attacker");
        Path attacker = dir.resolve("attacker");
        Files.createSymbolicLink(attacker.resolve("col/evil"), Path.of("/etc/passwd"));
        GitCli.run(attacker, "add", "col/evil");
        GitCli.run(attacker, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-m", "link");
        GitCli.run(attacker, "push", "origin", "main");
        assertThatThrownBy(() -> m2.catchUp("shared")).isInstanceOf(IngestException.class)
                .hasMessageContaining("never checks out");
        assertThat(Files.exists(m2.datasetDir("shared").resolve("col/evil"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .isFalse();
    }

    @Test
    void a_dataset_without_a_remote_is_refused_with_how_to_add_one() throws Exception {
        GitDatasets d = member("m1", join("m1"), null);
        assertThatThrownBy(() -> d.create("local", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataset \"local\" has no remote")
                .hasMessageContaining("maomao datasets add local URL");
        assertThat(d.list()).isEmpty();
        assertThat(d.refusal("local")).contains("maomao datasets add local URL");
        assertThat(d.refusal("none")).isNull();
        IngestRequest req = run("m1", "r1", TablesCheck.NONE);
        assertThatThrownBy(() -> d.ingest(req)).isInstanceOf(IngestException.class)
                .hasMessageContaining("maomao datasets add local URL".replace("local", "shared"))
                .hasMessageContaining("nothing was committed");
        assertThat(d.list()).as("no dataset made on the fly").isEmpty();

        // a dataset made before cluster mode, with no remote, is refused too, and left as it was
        Path root = dir.resolve("m2").resolve("datasets");
        GitDatasets alone = new GitDatasets(root, "maomao", "m@localhost", false);
        alone.create("shared", null);
        EtcdMembership m2 = join("m2");
        alone.enableCluster(m2.datasetLocks(Duration.ofSeconds(10)), m2.datasetCatalog());
        assertThatThrownBy(() -> alone.ingest(run("m2", "r2", TablesCheck.NONE))).isInstanceOf(IngestException.class)
                .hasMessageContaining("has no remote");
        assertThat(alone.commits("shared", 10)).isEmpty();
        assertThat(root.resolve("shared").resolve("col")).doesNotExist();
    }

    @Test
    void a_dataset_added_through_one_member_is_listed_and_written_on_another() throws Exception {
        Path remote = bareRemote();
        GitDatasets a = member("a", join("a"), remote); // adds "shared" with its remote
        GitDatasets b = member("b", join("b"), null);
        assertThat(b.list()).containsExactly("shared");
        assertThat(b.refusal("shared")).isNull();
        assertThat(b.info("shared")).get().satisfies(i -> assertThat(i.toString()).contains("remote.git"));
        IngestResult r = b.ingest(run("b", "on-b", TablesCheck.NONE));
        assertThat(r.commit()).isEqualTo(GitCli.run(remote, "rev-parse", "main"));
        a.ingest(run("a", "on-a", TablesCheck.NONE));
        assertThat(GitCli.run(remote, "rev-list", "--count", "main")).isEqualTo("2");
        // the first remote given for a name stands: another is refused on any member
        Path other = dir.resolve("other.git");
        Files.createDirectories(other);
        GitCli.run(other, "init", "--bare", "-b", "main");
        GitDatasets c = member("c", join("c"), null);
        assertThatThrownBy(() -> c.create("shared", "file://" + other.toRealPath()))
                .isInstanceOf(GitDatasets.DatasetExistsException.class)
                .hasMessageContaining("already exists in the cluster with remote");
        assertThat(dir.resolve("c/datasets/shared")).doesNotExist();
        // a name no member added is refused with how to add it
        assertThat(c.refusal("nobody")).contains("maomao datasets add nobody URL");
        // a member whose [git] allowed_remotes refuses the remote says so, and clones nothing
        GitDatasets strict = member("strict", join("strict"), null);
        strict.setRemotes(new RemoteUrls(List.of("https://*"), dir.resolve("strict/datasets")));
        assertThat(strict.refusal("shared")).contains("was added through another member, but this member cannot clone it");
        assertThatThrownBy(() -> strict.ingest(run("strict", "s1", TablesCheck.NONE))).isInstanceOf(IngestException.class)
                .hasMessageContaining("cannot clone it");
        assertThat(dir.resolve("strict/datasets/shared")).doesNotExist();
    }

    @Test
    void a_commit_that_cannot_be_pushed_is_taken_back_and_the_run_commits_once_at_its_next_attempt() throws Exception {
        Path remote = bareRemote();
        GitDatasets m = member("m1", join("m1"), remote);
        Path clone = dir.resolve("m1/datasets/shared");
        // a stale lock on the remote's branch: fetches work, every push is refused
        Path stuck = Files.createDirectories(remote.resolve("refs/heads")).resolve("main.lock");
        Files.writeString(stuck, "");
        assertThatThrownBy(() -> m.ingest(run("m1", "R", TablesCheck.NONE))).isInstanceOf(IngestException.class)
                .hasMessageContaining("cannot push to the remote of dataset shared")
                .hasMessageContaining("nothing was committed");
        assertThat(GitCli.run(clone, "rev-list", "--all")).as("the unpushed commit is taken back").isEmpty();
        Files.delete(stuck);
        assertThat(m.ingest(run("m1", "R", TablesCheck.NONE)).earlier()).isFalse();
        assertThat(GitCli.run(remote, "rev-list", "--count", "main")).isEqualTo("1");
        assertThat(GitCli.lines(remote, "show", "main:col/data.csv")).containsExactly("member,run", "m1,R");

        // the same on a remote that has commits: the clone goes back to the remote's head
        String head = GitCli.run(remote, "rev-parse", "main");
        Files.writeString(stuck, "");
        assertThatThrownBy(() -> m.ingest(run("m1", "S", TablesCheck.NONE))).isInstanceOf(IngestException.class);
        assertThat(GitCli.run(clone, "rev-parse", "HEAD")).isEqualTo(head);
        assertThat(GitCli.run(clone, "status", "--porcelain")).isEmpty();
        Files.delete(stuck);
        m.ingest(run("m1", "S", TablesCheck.NONE));
        assertThat(GitCli.lines(remote, "show", "main:col/data.csv")).containsExactly("member,run", "m1,R", "m1,S");
        assertThat(GitCli.run(remote, "rev-list", "--count", "main")).isEqualTo("2");
    }

    @Test
    void a_remote_that_gains_a_symbolic_link_is_refused_and_nothing_of_it_is_checked_out() throws Exception {
        Path remote = bareRemote();
        GitDatasets m = member("m1", join("m1"), remote);
        m.ingest(run("m1", "first", TablesCheck.NONE));
        Path clone = dir.resolve("m1/datasets/shared");
        String before = GitCli.run(clone, "rev-parse", "HEAD");
        // someone with write access to the remote pushes a link out of the dataset
        GitCli.run(dir, "clone", remote.toString(), "attacker");
        Path attacker = dir.resolve("attacker");
        Files.createSymbolicLink(attacker.resolve("col/evil"), Path.of("/etc/passwd"));
        GitCli.run(attacker, "add", "col/evil");
        GitCli.run(attacker, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-m", "link");
        GitCli.run(attacker, "push", "origin", "main");
        assertThatThrownBy(() -> m.ingest(run("m1", "second", TablesCheck.NONE))).isInstanceOf(IngestException.class)
                .hasMessageContaining("never checks out").hasMessageContaining("nothing was committed");
        assertThat(Files.exists(clone.resolve("col/evil"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(GitCli.run(clone, "rev-parse", "HEAD")).isEqualTo(before);
    }

    @Test
    void a_member_that_lost_its_lock_never_commits_a_run_twice_and_never_overwrites_another() throws Exception {
        Path remote = bareRemote();
        EtcdMembership t = join("taker");
        GitDatasets taker = member("taker", t, remote);
        // a paused member whose lease ran out: it goes on as if it held the lock
        ClusterDatasetLock lost = dataset -> () -> { };
        GitDatasets paused = member("paused", lost, t, remote);
        taker.ingest(run("taker", "first", TablesCheck.NONE));

        // while the paused member writes run R, the member that took R over commits and pushes it
        AtomicBoolean once = new AtomicBoolean();
        IngestResult late = paused.ingest(run("paused", "R", tables -> {
            if (once.compareAndSet(false, true)) {
                try {
                    taker.ingest(run("taker", "R", TablesCheck.NONE));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }));
        assertThat(late.earlier()).as("the run's commit was found on the remote after the refused push").isTrue();
        List<String> runIds = GitCli.lines(remote, "log", "--format=%(trailers:key=Run-Id,valueonly)", "main")
                .stream().filter(l -> !l.isBlank()).toList();
        assertThat(runIds).containsExactly("R", "first");
        assertThat(late.commit()).isEqualTo(GitCli.run(remote, "rev-parse", "main"));
        assertThat(GitCli.run(dir.resolve("paused/datasets/shared"), "rev-parse", "HEAD"))
                .as("the paused member's own commit of R is gone from its clone").isEqualTo(late.commit());

        // another run pushed meanwhile: the late member's run is committed again on top, once
        AtomicBoolean again = new AtomicBoolean();
        IngestResult s = paused.ingest(run("paused", "S", tables -> {
            if (again.compareAndSet(false, true)) {
                try {
                    taker.ingest(run("taker", "T", TablesCheck.NONE));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }));
        assertThat(s.earlier()).isFalse();
        assertThat(s.commit()).isEqualTo(GitCli.run(remote, "rev-parse", "main"));
        runIds = GitCli.lines(remote, "log", "--format=%(trailers:key=Run-Id,valueonly)", "main")
                .stream().filter(l -> !l.isBlank()).toList();
        assertThat(runIds).containsExactly("S", "T", "R", "first");
        assertThat(GitCli.run(remote, "log", "--merges", "--oneline", "main")).isEmpty();
        GitCli.run(remote, "fsck", "--strict");
    }

    @Test
    void a_lock_holder_killed_with_sigkill_frees_the_lock_within_the_lease_ttl() throws Exception {
        Process holder = holder("holder");
        ClusterDatasetLock mine = join("waiter").datasetLocks(Duration.ofMinutes(1));
        CompletableFuture<ClusterDatasetLock.Held> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return mine.acquire("shared");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThatThrownBy(() -> waiting.get(1, TimeUnit.SECONDS)).as("the child holds the lock")
                .isInstanceOf(TimeoutException.class);
        holder.destroyForcibly(); // SIGKILL: no unlock, no revoke
        assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Instant killed = Instant.now();
        ClusterDatasetLock.Held held = waiting.get(TTL.plusSeconds(5).toSeconds(), TimeUnit.SECONDS);
        assertThat(Duration.between(killed, Instant.now())).isLessThanOrEqualTo(TTL.plusSeconds(2));
        held.close();
    }

    @Test
    void a_revoked_lease_frees_the_lock_and_an_abandoned_wait_never_holds_it() throws Exception {
        EtcdMembership a = join("a");
        ClusterDatasetLock.Held heldByA = a.datasetLocks(Duration.ofSeconds(10)).acquire("shared");
        // b gives up waiting: its abandoned wait must not take the lock later and keep it
        ClusterDatasetLock impatient = join("b").datasetLocks(Duration.ofSeconds(1));
        assertThatThrownBy(() -> impatient.acquire("shared")).hasMessageContaining("another member has held it");
        heldByA.close();
        ClusterDatasetLock c = join("c").datasetLocks(Duration.ofSeconds(5));
        ClusterDatasetLock.Held heldByC = c.acquire("shared");
        // c's lease revoked (what etcd does when c stops renewing it): the lock is free for a at once
        assertThat(etcd.ctl("lease", "revoke", Long.toHexString(joined.get(2).leaseId())).exitValue()).isZero();
        ClusterDatasetLock.Held again = a.datasetLocks(Duration.ofSeconds(5)).acquire("shared");
        again.close();
        heldByC.close(); // a release after the lease is gone is harmless
    }

    /** A member in a child JVM that holds the dataset's lock; returns once it holds it. */
    Process holder(String id) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), etcd.endpoint(), prefix, id,
                Long.toString(TTL.toSeconds())).redirectErrorStream(true).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.equals("locked " + id)) {
                return p;
            }
        }
        throw new AssertionError("the lock holder ended before it held the lock:\n" + seen);
    }

    /** The child JVM: joins, takes the dataset's lock, says so, and waits to be killed. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            Instant started = Instant.now();
            EtcdMembership m = EtcdMembership.join(List.of(args[0]), args[1], Duration.ofSeconds(Long.parseLong(args[3])),
                    () -> new Member(args[2], "http://127.0.0.1:1/" + args[2], "9.9.9", 4, 0, started));
            m.datasetLocks(Duration.ofSeconds(30)).acquire("shared");
            System.out.println("locked " + args[2]);
            System.out.flush();
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }
}
