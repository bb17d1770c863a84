package org.maomao.run;

import java.nio.file.Path;
import java.util.List;

import org.maomao.collector.CollectorRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps a collector's history to its {@code keep_runs}: older ended runs go, with their events and logs. */
final class Retention {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private final RunStore store;
    private final CollectorRegistry registry;
    private final Path runsDir;

    Retention(RunStore store, CollectorRegistry registry, Path runsDir) {
        this.store = store;
        this.registry = registry;
        this.runsDir = runsDir;
    }

    /** Deletes the oldest ended runs of {@code collector} beyond its {@code keep_runs} (0: keep all). */
    void prune(String collector) {
        int keep = registry.find(collector).map(c -> c.policy(registry.defaults()).keepRuns()).orElse(0);
        if (keep <= 0) {
            return;
        }
        try {
            List<String> old = store.deleteEndedBeyond(collector, keep);
            for (String id : old) {
                FileTrees.delete(runsDir.resolve(id));
            }
            if (!old.isEmpty()) {
                log.info("pruned {} old run(s) of {} (keep_runs = {})", old.size(), collector, keep);
            }
        } catch (RuntimeException e) {
            log.warn("cannot prune old runs of {}: {}", collector, e.getMessage());
        }
    }
}
