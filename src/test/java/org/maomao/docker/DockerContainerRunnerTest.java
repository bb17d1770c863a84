package org.maomao.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.collector.RunPolicy;
import org.maomao.run.Cancellation;
import org.maomao.run.ContainerResult;
import org.maomao.run.ContainerRunner;
import org.maomao.run.ContainerSpec;
import org.maomao.testing.TestImages;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;

/** The container runner against the real Docker engine. */
class DockerContainerRunnerTest {
    static final String INSTANCE = "test-" + java.util.UUID.randomUUID();
    static DockerClient docker;
    static DockerContainerRunner runner;
    static String probe;
    static String sleeper;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        docker = TestImages.docker();
        // the tests run as root, so this is the daemon's default: nobody, never root
        runner = new DockerContainerRunner(docker, ContainerUser.NOBODY, INSTANCE);
        probe = TestImages.collector("maomao-test/probe:runner", """
                echo "env $MAOMAO_RUN_ID $MAOMAO_COLLECTOR $MAOMAO_DATASET $MAOMAO_ATTEMPT"
                echo "uid $(id -u):$(id -g)"
                echo "groups $(id -G)"
                grep -E '^(CapEff|NoNewPrivs)' /proc/self/status
                echo "ifaces $(ls /sys/class/net | tr '\\n' ' ')"
                echo "memory $(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
                echo "pids $(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max)"
                echo "input $(cat /input/seen.txt)"
                if echo x > /input/new.txt 2>/dev/null; then echo "input writable"; else echo "input read-only"; fi
                echo hello > /output/out.txt
                echo "to stderr" >&2
                printf 'no newline at end'
                """);
        sleeper = TestImages.collector("maomao-test/sleeper:runner", "echo started\nsleep 600\n");
    }

    @AfterAll
    static void tearDown() throws Exception {
        docker.close();
    }

    private ContainerSpec spec(String runId, String image, Duration timeout) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("seen.txt"), "previous");
        // created by root with mode 0755, as RunExecutor does: the runner gives it to the container's user
        return spec(runId, image, timeout, Map.of());
    }

    private ContainerSpec spec(String runId, String image, Duration timeout, Map<String, String> extra) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path in = Files.createDirectories(dir.resolve("in"));
        Map<String, String> settings = new java.util.HashMap<>(Map.of("timeout", timeout.toSeconds() + "s", "memory", "64m",
                "pids", "32"));
        settings.putAll(extra);
        RunPolicy policy = RunPolicy.defaults().with(settings, true);
        return new ContainerSpec(runId, "probe", image, 2, Map.of("MAOMAO_RUN_ID", runId, "MAOMAO_COLLECTOR", "probe",
                "MAOMAO_DATASET", "ds", "MAOMAO_ATTEMPT", "2"), out, in, policy);
    }

    @Test
    void should_run_hardened_with_the_contract_env_and_mounts_and_remove_the_container() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        ContainerResult r = runner.run(spec("run-a", probe, Duration.ofSeconds(60)), (s, l) -> lines.add(s + ": " + l),
                new Cancellation());

        assertThat(r.exitCode()).isZero();
        assertThat(r.timedOut()).isFalse();
        assertThat(lines).contains("stdout: env run-a probe ds 2", "stdout: uid 65534:65534", "stdout: groups 65534",
                "stdout: input previous", "stdout: input read-only", "stderr: to stderr", "stdout: no newline at end");
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("stdout: CapEff:\\s+0+"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("stdout: NoNewPrivs:\\s+1"));
        assertThat(lines).contains("stdout: ifaces lo ", "stdout: memory " + (64L << 20), "stdout: pids 32");
        assertThat(Files.readString(dir.resolve("out/out.txt"))).isEqualTo("hello\n");
        assertThat(Files.getAttribute(dir.resolve("out/out.txt"), "unix:uid")).isEqualTo(65534);
        assertThat(Files.exists(dir.resolve("in/new.txt"))).isFalse();
        assertThat(containers("run-a")).isEmpty();
    }

    @Test
    void should_label_the_running_container_with_run_id_and_collector() throws Exception {
        AtomicReference<List<Container>> seen = new AtomicReference<>();
        Cancellation cancel = new Cancellation();
        runner.run(spec("run-b", sleeper, Duration.ofSeconds(60)), (s, l) -> {
            if (l.equals("started")) {
                seen.set(containers("run-b"));
                cancel.cancel();
            }
        }, cancel);
        assertThat(seen.get()).hasSize(1);
        assertThat(seen.get().get(0).getLabels()).containsEntry("maomao.run-id", "run-b")
                .containsEntry("maomao.collector", "probe");
        assertThat(containers("run-b")).isEmpty();
    }

    @Test
    void should_stop_a_container_at_its_timeout() throws Exception {
        ContainerResult r = runner.run(spec("run-c", sleeper, Duration.ofSeconds(2)), (s, l) -> { }, new Cancellation());
        assertThat(r.timedOut()).isTrue();
        // 128 + SIGTERM: the collector got SIGTERM first (SIGKILL after the grace period would give 137)
        assertThat(r.exitCode()).isEqualTo(143);
        assertThat(containers("run-c")).isEmpty();
    }

    @Test
    void should_refuse_a_missing_image_without_pulling_and_as_not_retryable() {
        assertThatThrownBy(() -> runner.run(spec("run-d", "maomao-test/absent:0", Duration.ofSeconds(5)), (s, l) -> { },
                new Cancellation()))
                .isInstanceOf(ContainerRunner.ContainerException.class)
                .hasMessageContaining("not in the Docker engine")
                .satisfies(e -> assertThat(((ContainerRunner.ContainerException) e).retryable()).isFalse());
        assertThat(containers("run-d")).isEmpty();
    }

    @Test
    void should_remove_leftover_containers_of_runs_that_are_not_active() throws Exception {
        String id = docker.createContainerCmd(sleeper)
                .withLabels(Map.of("maomao.run-id", "run-e", "maomao.instance", INSTANCE)).exec().getId();
        String keep = docker.createContainerCmd(sleeper)
                .withLabels(Map.of("maomao.run-id", "run-f", "maomao.instance", INSTANCE)).exec().getId();
        try {
            runner.removeLeftovers(java.util.Set.of("run-f"));
            assertThat(containers("run-e")).isEmpty();
            assertThat(containers("run-f")).hasSize(1);
        } finally {
            docker.removeContainerCmd(keep).withForce(true).exec();
            if (!containers("run-e").isEmpty()) {
                docker.removeContainerCmd(id).withForce(true).exec();
            }
        }
    }

    @Test
    void should_leave_the_containers_of_another_daemon_on_the_same_engine_alone() throws Exception {
        // another daemon (another data_dir) runs "run-g" on the same engine right now
        String other = docker.createContainerCmd(sleeper)
                .withLabels(Map.of("maomao.run-id", "run-g", "maomao.instance", "test-other-" + INSTANCE)).exec().getId();
        docker.startContainerCmd(other).exec();
        try {
            assertThat(runner.removeLeftovers(java.util.Set.of())).isZero();
            assertThat(containers("run-g")).hasSize(1);
            assertThat(docker.inspectContainerCmd(other).exec().getState().getRunning()).isTrue();
        } finally {
            docker.removeContainerCmd(other).withForce(true).exec();
        }
    }

    @Test
    void a_cluster_member_removes_only_its_own_leftovers_and_the_containers_of_a_run_it_took_over() throws Exception {
        String mine = "m1-" + INSTANCE;
        String gone = "m2-" + INSTANCE;
        // two members with one instance id (a copied data_dir): only the member label tells them apart
        String own = docker.createContainerCmd(sleeper).withLabels(Map.of("maomao.run-id", "run-mh",
                "maomao.instance", INSTANCE, "maomao.member", mine)).exec().getId();
        String other = docker.createContainerCmd(sleeper).withLabels(Map.of("maomao.run-id", "run-mi",
                "maomao.instance", INSTANCE, "maomao.member", gone)).exec().getId();
        String otherRun = docker.createContainerCmd(sleeper).withLabels(Map.of("maomao.run-id", "run-mj",
                "maomao.instance", INSTANCE, "maomao.member", gone)).exec().getId();
        DockerContainerRunner member = new DockerContainerRunner(docker, ContainerUser.NOBODY, INSTANCE);
        member.setMember(mine);
        try {
            assertThat(member.removeLeftovers(java.util.Set.of())).isEqualTo(1);
            assertThat(containers("run-mh")).isEmpty();
            assertThat(containers("run-mi")).hasSize(1);
            // run-i was taken over from the gone member: its container, and only it, goes; not under another member's id
            assertThat(member.removeContainersOf("run-mi", mine)).isZero();
            assertThat(member.removeContainersOf("run-mi", gone)).isEqualTo(1);
            assertThat(containers("run-mi")).isEmpty();
            assertThat(containers("run-mj")).hasSize(1);
        } finally {
            for (String id : java.util.List.of(own, other, otherRun)) {
                try {
                    docker.removeContainerCmd(id).withForce(true).exec();
                } catch (com.github.dockerjava.api.exception.NotFoundException e) {
                    // removed by the test
                }
            }
        }
    }

    @Test
    void should_label_a_members_containers_with_its_id() throws Exception {
        DockerContainerRunner member = new DockerContainerRunner(docker, ContainerUser.NOBODY, INSTANCE);
        member.setMember("m7");
        java.util.List<Map<String, String>> labels = new java.util.ArrayList<>();
        String ok = TestImages.collector("maomao-test/member-label:1", "echo hi\n");
        member.run(spec("run-mk", ok, Duration.ofSeconds(60)), (stream, line) -> {
                    if (labels.isEmpty()) {
                        docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("maomao.run-id", "run-mk"))
                                .exec().forEach(c -> labels.add(c.getLabels()));
                    }
                }, new Cancellation());
        assertThat(labels).singleElement().satisfies(l -> assertThat(l).containsEntry("maomao.member", "m7")
                .containsEntry("maomao.instance", INSTANCE));
        assertThat(containers("run-mk")).isEmpty();
    }

    @Test
    void should_refuse_to_run_containers_as_root() {
        assertThatThrownBy(() -> new DockerContainerRunner(docker, ContainerUser.parse("0:0"), INSTANCE))
                .hasMessageContaining("never run as root");
        assertThatThrownBy(() -> new DockerContainerRunner(docker, new ContainerUser(1000, 0), INSTANCE))
                .hasMessageContaining("never run as root");
    }

    @Test
    void should_stop_a_collector_that_writes_past_max_output_while_it_runs() throws Exception {
        String writer = TestImages.collector("maomao-test/filler:runner", """
                echo writing
                i=0
                while true; do dd if=/dev/zero of=/output/f$i bs=1M count=8 2>/dev/null; i=$((i+1)); done
                """);
        ContainerSpec spec = spec("run-h", writer, Duration.ofSeconds(60), Map.of("max_output", "1m"));
        AtomicLong peak = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread meter = new Thread(() -> {
            while (!done.get()) {
                peak.accumulateAndGet(bytesIn(spec.outputDir()), Math::max);
            }
        });
        meter.start();
        long start = System.nanoTime();
        ContainerResult r;
        try {
            r = runner.run(spec, (s, l) -> { }, new Cancellation());
        } finally {
            done.set(true);
            meter.join();
        }
        assertThat(r.outputOverLimit()).contains("max_output (1048576 bytes)").contains("stopped");
        assertThat(r.exitCode()).isEqualTo(137); // SIGKILL: no grace to write more
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        // the host held at most a small multiple of max_output at any time
        assertThat(peak.get()).isGreaterThan(1L << 20).isLessThan(64L << 20);
        assertThat(bytesIn(spec.outputDir())).isLessThan(64L << 20);
        assertThat(containers("run-h")).isEmpty();
    }

    @Test
    void should_not_let_a_single_file_grow_past_max_output() throws Exception {
        String big = TestImages.collector("maomao-test/bigfile:runner", """
                dd if=/dev/zero of=/output/big bs=1M count=50 2>/dev/null
                echo "dd exit $?"
                """);
        List<String> lines = new CopyOnWriteArrayList<>();
        ContainerResult r = runner.run(spec("run-i", big, Duration.ofSeconds(60), Map.of("max_output", "2m")),
                (s, l) -> lines.add(l), new Cancellation());
        // RLIMIT_FSIZE: the write past 2m failed (SIGXFSZ is 25: exit 153), the file holds exactly max_output
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("dd exit [1-9][0-9]*"));
        assertThat(Files.size(dir.resolve("out/big"))).isEqualTo(2L << 20);
        assertThat(r.outputOverLimit()).isNull();
        assertThat(containers("run-i")).isEmpty();
    }

    @Test
    void should_stop_a_collector_that_creates_more_files_than_max_output_files() throws Exception {
        String many = TestImages.collector("maomao-test/manyfiles:runner", """
                i=0
                while [ $i -lt 100000 ]; do : > /output/f$i; i=$((i+1)); done
                sleep 30
                """);
        ContainerResult r = runner.run(spec("run-j", many, Duration.ofSeconds(60), Map.of("max_output_files", "100")),
                (s, l) -> { }, new Cancellation());
        assertThat(r.outputOverLimit()).contains("max_output_files (100 files and folders)");
        assertThat(r.exitCode()).isEqualTo(137);
        assertThat(containers("run-j")).isEmpty();
    }

    @Test
    void should_report_output_over_its_bounds_when_the_collector_exits_between_two_checks() throws Exception {
        String quick = TestImages.collector("maomao-test/quickfiles:runner", """
                i=0
                while [ $i -lt 150 ]; do : > /output/f$i; i=$((i+1)); done
                """);
        // no check while it runs: only the measure at the exit can see it
        DockerContainerRunner slow = new DockerContainerRunner(docker, ContainerUser.NOBODY, INSTANCE, Duration.ofHours(1));
        ContainerResult r = slow.run(spec("run-k", quick, Duration.ofSeconds(60), Map.of("max_output_files", "100")),
                (s, l) -> { }, new Cancellation());
        assertThat(r.exitCode()).isZero();
        assertThat(r.outputOverLimit()).isEqualTo("/output holds more than max_output_files (100 files and folders) "
                + "when the collector exited");
        assertThat(containers("run-k")).isEmpty();
    }

    private static long bytesIn(Path dir) {
        long[] n = {0};
        try (var walk = Files.walk(dir)) {
            walk.forEach(p -> {
                try {
                    if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        n[0] += Files.size(p);
                    }
                } catch (java.io.IOException e) {
                    // deleted meanwhile
                }
            });
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // the collector changed the folder while it was walked: measure again next time
        }
        return n[0];
    }

    static List<Container> containers(String runId) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("maomao.run-id", runId)).exec();
    }
}
