package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.RunPolicy;
import org.maomao.testing.InMemoryCollectorStore;
import org.maomao.testing.InMemoryRunStore;
import org.maomao.testing.MutableClock;

/**
 * {@code max_concurrent_runs}: 100 runs submitted at once from many threads all end, each
 * once, and never more than 3 containers run at a time, while 3 do run together. The
 * containers are held until the test releases them one by one, so each step is observed,
 * not timed. (The end-to-end burst in SchedulingTest shows the same on the real engine.)
 */
class CapacityTest {
    private static final int RUNS = 100;
    private static final int SLOTS = 3;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void should_run_at_most_max_concurrent_runs_containers_at_once_and_end_all_of_100_runs() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        InMemoryRunStore store = new InMemoryRunStore(clock);
        CollectorRegistry registry = new CollectorRegistry(new InMemoryCollectorStore(), RunPolicy.defaults(), clock);
        registry.register("quick", "maomao-test/quick:1", "none", Map.of(), "api");
        HeldContainers containers = new HeldContainers();
        RunExecutor executor = new RunExecutor(store, registry, containers, new FakeDatasets(dir.resolve("datasets")),
                new FakeAnalyzer(), dir.resolve("runs"), clock, SLOTS);
        try {
            List<CompletableFuture<Run>> asked = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                asked.add(CompletableFuture.supplyAsync(() -> executor.submit("quick", null, "api", null)));
            }
            List<String> ids = new ArrayList<>();
            for (CompletableFuture<Run> f : asked) {
                ids.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS).id());
            }
            for (int released = 0; released < RUNS; released++) {
                int expected = Math.min(SLOTS, RUNS - released);
                // the free slots fill up: exactly `expected` containers run now, never more
                Awaitility.await("containers running").atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                        .until(() -> containers.running.get() == expected);
                containers.release.release();
            }
            Awaitility.await("all runs ended").atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> ids.stream()
                    .allMatch(id -> store.find(id).orElseThrow().state() == RunState.SUCCEEDED));
            assertThat(containers.started.get()).isEqualTo(RUNS);
            assertThat(containers.mostAtOnce.get()).isEqualTo(SLOTS);
            assertThat(ids).doesNotHaveDuplicates();
            for (String id : ids) {
                assertThat(store.eventTypes(id)).as(id).containsOnlyOnce("started", "finished");
            }
        } finally {
            containers.release.release(RUNS);
            executor.shutdown(Duration.ofSeconds(5));
        }
    }

    /** Containers that run until the test releases one, counting how many run at once. */
    private static final class HeldContainers implements ContainerRunner {
        final Semaphore release = new Semaphore(0);
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger started = new AtomicInteger();

        @Override
        public ContainerResult run(ContainerSpec spec, LineSink sink, Cancellation cancellation) {
            started.incrementAndGet();
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            return new ContainerResult(0, false, false);
        }

        @Override
        public String imageId(String image) {
            return "sha256:" + "0".repeat(64);
        }

        @Override
        public int removeLeftovers(Set<String> activeRunIds) {
            return 0;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }
    }
}
