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
        Run run = queued(c, ds, trigger, scheduleId);
        store.insert(run);
        store.addEvent(run.id(), "submitted", submittedEvent(c, ds, trigger, fireTime));
        return queue(run);
    }

    /**
     * A scheduled firing. With {@code overlap = skip} the check for a run under way and the insert
     * are one decision in the store (see {@link RunStore#insertUnlessActive}): a schedule fired on
     * two members, or a firing and a missed one caught up at once, never both run.
     */
    Run submitScheduled(String collectorName, String dataset, String scheduleId, Instant fireTime) {
        Collector c = registry.find(collectorName).orElseThrow(() -> new UnknownCollectorException(collectorName));
        RunPolicy policy = c.policy(registry.defaults());
        if (policy.overlap() != RunPolicy.Overlap.SKIP) {
            return submit(collectorName, dataset, "schedule", scheduleId, fireTime);
        }
        String ds = dataset == null ? c.dataset() : Names.require("dataset", dataset);
        Run run = queued(c, ds, "schedule", scheduleId);
        Run busy = store.insertUnlessActive(run, "submitted", submittedEvent(c, ds, "schedule", fireTime)).orElse(null);
        if (busy != null) {
            return skip(c, ds, scheduleId, "skipped: run " + busy.id() + " of " + c.name() + " into " + ds
                    + " is still " + busy.state().id() + " (overlap = skip)");
        }
        return queue(run);
    }

    private Run queued(Collector c, String dataset, String trigger, String scheduleId) {
        RunPolicy policy = c.policy(registry.defaults());
        return Run.queued(UUID.randomUUID().toString(), c.name(), dataset, c.image(), trigger, scheduleId,
                policy.retries() + 1, clock.instant());
    }

    private static String submittedEvent(Collector c, String dataset, String trigger, Instant fireTime) {
        Map<String, Object> submitted = new java.util.LinkedHashMap<>(Map.of("trigger", trigger, "dataset", dataset,
                "image", c.image()));
        if (fireTime != null) {
            submitted.put("fire_time", fireTime.toString());
        }
        return EventJson.of(submitted);
    }

    private Run queue(Run run) {
        log.info("run {} of {} queued (dataset {}, trigger {})", run.id(), run.collector(), run.dataset(), run.trigger());
        enqueue.accept(run.id());
        return run;
    }

    Run skip(Collector c, String dataset, String scheduleId, String reason) {
        Instant now = clock.instant();
        Run run = Run.queued(UUID.randomUUID().toString(), c.name(), dataset, c.image(), "schedule", scheduleId, 1, now)
                .moveTo(RunState.SKIPPED).withOutcome(null, reason, now);
        store.insert(run);
        store.addEvent(run.id(), "skipped", EventJson.of(Map.of("reason", reason)));
        endings.wakeWaiters();
        endings.announce(run);
        endings.prune(c.name()); // skipped firings are kept to keep_runs too, while no run ends
        log.info("schedule {}: {}", scheduleId, reason);
        return run;
    }
}
