package org.maomao.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.RunPolicy;
import org.maomao.spike.SpikeRecord;
import org.maomao.testing.InMemoryCollectorStore;
import org.maomao.testing.InMemoryRunStore;
import org.maomao.testing.ManualExecutor;
import org.maomao.testing.MutableClock;

/**
 * A run executor on in-memory parts: the store, the collectors, a scripted container engine,
 * datasets and detector, a clock the test moves and an executor whose tasks run on the test's
 * thread when it says so. No Docker, no git, no threads, no waiting.
 */
final class PipelineHarness {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    final MutableClock clock = new MutableClock(T0);
    final InMemoryRunStore store = new InMemoryRunStore(clock);
    final InMemoryCollectorStore collectors = new InMemoryCollectorStore();
    final CollectorRegistry registry = new CollectorRegistry(collectors, RunPolicy.defaults(), clock);
    final FakeContainerRunner runner = new FakeContainerRunner();
    final FakeDatasets datasets;
    final FakeAnalyzer analyzer = new FakeAnalyzer();
    final ManualExecutor pool = new ManualExecutor();
    final Path runsDir;
    final RunExecutor executor;
    final List<SpikeRecord> notified = new ArrayList<>();
    final Map<String, Integer> errors = new HashMap<>();
    final List<Run> ended = new ArrayList<>();

    PipelineHarness(Path dir) {
        runsDir = dir.resolve("runs");
        datasets = new FakeDatasets(dir.resolve("datasets"));
        try {
            Files.createDirectories(runsDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = new RunExecutor(store, registry, runner, datasets, analyzer, runsDir, clock, pool, false);
        executor.addSpikeNotifier(notified::add);
        executor.setMetrics(new RunMetrics() {
            @Override
            public void ended(Run run, Duration duration) {
                ended.add(run);
            }

            @Override
            public void spike(SpikeRecord spike, String collector) {
            }

            @Override
            public void error(String component) {
                errors.merge(component, 1, Integer::sum);
            }
        });
    }

    /** Registers collector {@code name} (image maomao-test/NAME:1) writing into {@code dataset}, with policy settings. */
    PipelineHarness collector(String name, String dataset, Map<String, String> settings) {
        registry.register(name, "maomao-test/" + name + ":1", dataset, settings, "api");
        return this;
    }

    Run run(String id) {
        return store.find(id).orElseThrow();
    }

    RunState state(String id) {
        return run(id).state();
    }

    List<String> events(String id) {
        return store.eventTypes(id);
    }

    String log(String id) {
        try {
            return Files.readString(runsDir.resolve(id).resolve("log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs every queued task (and those they queue). */
    int runQueued() {
        return pool.runAll();
    }

    /** Moves the clock and lets the retry timer claim what is due; returns how many runs it queued. */
    int fireRetriesAfter(Duration d) {
        clock.advance(d);
        executor.retryTimer().fireDue();
        return pool.pending();
    }
}
