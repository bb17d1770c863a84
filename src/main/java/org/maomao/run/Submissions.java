package org.maomao.run;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.maomao.collector.Collector;
import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.Names;
import org.maomao.collector.RunPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a run enters: validated, stored as queued with a {@code submitted} event, and queued;
 * or, for a scheduled firing that overlaps a run still under way ({@code overlap = skip}),
 * stored as {@code skipped} with the reason.
 */
final class Submissions {
    private static final Logger log = LoggerFactory.getLogger(Submissions.class);

    private final RunStore store;
    private final CollectorRegistry registry;
    private final Clock clock;
    private final Endings endings;
    private final Consumer<String> enqueue;

    Submissions(RunStore store, CollectorRegistry registry, Clock clock, Endings endings, Consumer<String> enqueue) {
        this.store = store;
        this.registry = registry;
        this.clock = clock;
        this.endings = endings;
        this.enqueue = enqueue;
    }

    Run submit(String collectorName, String dataset, String trigger, String scheduleId) {
        return submit(collectorName, dataset, trigger, scheduleId, null);
    }

    /** @param fireTime the schedule's fire time the run is for (null: not a firing), kept in its submitted event */
    Run submit(String collectorName, String dataset, String trigger, String scheduleId, Instant fireTime) {
        Collector c = registry.find(collectorName).orElseThrow(() -> new UnknownCollectorException(collectorName));
        String ds = dataset == null ? c.dataset() : Names.require("dataset", dataset);
        RunPolicy policy = c.policy(registry.defaults());
        Run run = Run.queued(UUID.randomUUID().toString(), c.name(), ds, c.image(), trigger, scheduleId,
                policy.retries() + 1, clock.instant());
        store.insert(run);
        Map<String, Object> submitted = new java.util.LinkedHashMap<>(Map.of("trigger", trigger, "dataset", ds,
                "image", c.image()));
        if (fireTime != null) {
            submitted.put("fire_time", fireTime.toString());
        }
        store.addEvent(run.id(), "submitted", EventJson.of(submitted));
        log.info("run {} of {} queued (dataset {}, trigger {})", run.id(), c.name(), ds, trigger);
        enqueue.accept(run.id());
        return run;
    }

    Run submitScheduled(String collectorName, String dataset, String scheduleId, Instant fireTime) {
        Collector c = registry.find(collectorName).orElseThrow(() -> new UnknownCollectorException(collectorName));
        RunPolicy policy = c.policy(registry.defaults());
        if (policy.overlap() == RunPolicy.Overlap.SKIP) {
            Run busy = activeRunOf(c.name(), dataset);
            if (busy != null) {
                return skip(c, dataset, scheduleId, "skipped: run " + busy.id() + " of " + c.name() + " into " + dataset
                        + " is still " + busy.state().id() + " (overlap = skip)");
            }
        }
        return submit(collectorName, dataset, "schedule", scheduleId, fireTime);
    }

    Run skip(Collector c, String dataset, String scheduleId, String reason) {
        Instant now = clock.instant();
        Run run = Run.queued(UUID.randomUUID().toString(), c.name(), dataset, c.image(), "schedule", scheduleId, 1, now)
                .moveTo(RunState.SKIPPED).withOutcome(null, reason, now);
        store.insert(run);
        store.addEvent(run.id(), "skipped", EventJson.of(Map.of("reason", reason)));
        endings.wakeWaiters();
        log.info("schedule {}: {}", scheduleId, reason);
        return run;
    }

    private Run activeRunOf(String collector, String dataset) {
        return store.activeRunOf(collector, dataset).orElse(null);
    }
}
