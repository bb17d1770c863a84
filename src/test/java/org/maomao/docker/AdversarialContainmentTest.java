package org.maomao.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.collector.RunPolicy;
import org.maomao.run.Cancellation;
import org.maomao.run.ContainerResult;
import org.maomao.run.ContainerSpec;
import org.maomao.testing.TestImages;

import com.github.dockerjava.api.DockerClient;

/**
 * What a hostile collector can leave in /output through the kernel rather than through
 * names: hard links to files outside /output, device nodes, and writes from a process
 * that outlives the collector. Checked against the real engine.
 */
class AdversarialContainmentTest {
    static final String INSTANCE = "test-adv-" + java.util.UUID.randomUUID();
    static DockerClient docker;
    static DockerContainerRunner runner;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        docker = TestImages.docker();
        runner = new DockerContainerRunner(docker, ContainerUser.NOBODY, INSTANCE);
    }

    @AfterAll
    static void tearDown() throws Exception {
        docker.close();
    }

    @Test
    void should_give_a_collector_no_hard_link_out_no_device_and_no_write_after_exit() throws Exception {
        String image = TestImages.collector("maomao-test/adversary:containment", """
                if ln /input/secret.txt /output/hard 2>/dev/null; then echo "hardlink made"; else echo "hardlink refused"; fi
                if mknod /output/null c 1 3 2>/dev/null; then echo "device made"; else echo "device refused"; fi
                setsid sh -c 'sleep 2; echo late > /output/late' </dev/null >/dev/null 2>&1 &
                (trap '' TERM HUP; sleep 3; echo later > /output/later) </dev/null >/dev/null 2>&1 &
                echo spawned
                """);
        Path out = Files.createDirectories(dir.resolve("out"));
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("secret.txt"), "the dataset's file");
        RunPolicy policy = RunPolicy.defaults().with(Map.of("timeout", "60s", "memory", "64m", "pids", "32"), true);
        ContainerSpec spec = new ContainerSpec("run-adv", "adversary", image, 1, Map.of(), out, in, policy);
        List<String> lines = new CopyOnWriteArrayList<>();

        ContainerResult r = runner.run(spec, (s, l) -> lines.add(l), new Cancellation());

        assertThat(r.exitCode()).isZero();
        assertThat(lines).contains("hardlink refused", "device refused", "spawned");
        assertThat(Files.getAttribute(in.resolve("secret.txt"), "unix:nlink")).isEqualTo(1);
        // the container and every process in it are gone with the collector: nothing appears afterwards
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
                .until(() -> !Files.exists(out.resolve("late")) && !Files.exists(out.resolve("later")));
    }
}
