package org.maomao;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.maomao.run.Cancellation;
import org.maomao.run.ContainerResult;
import org.maomao.run.ContainerRunner;
import org.maomao.run.ContainerSpec;

/**
 * bench/cluster-scale's stand-in for Docker: every attempt "exits 0" at once with no output, so a
 * run costs only what maomao itself does for it (Quartz, the store, the run's folder and events).
 * In the test classes, never in the jar: see {@link BenchMember}.
 */
final class InstantContainers implements ContainerRunner {
    /** The attempts run, for a member's own count. */
    final AtomicLong attempts = new AtomicLong();

    @Override
    public ContainerResult run(ContainerSpec spec, LineSink sink, Cancellation cancellation) {
        attempts.incrementAndGet();
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
