package org.maomao.schedule;

import java.time.Instant;
import java.util.Optional;

import org.maomao.collector.Collector;
import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.RunPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One firing of a schedule, without Quartz: looks up the collector, lets {@link MissedFirings}
 * judge the firing, hands the runs to {@link ScheduledRuns}, and says when the schedule fires
 * next. {@link QuartzRunScheduler} calls it from its job and stores the next time.
 */
final class ScheduleFiring {
    private static final Logger log = LoggerFactory.getLogger(ScheduleFiring.class);

    private final CollectorRegistry registry;
    private final ScheduledRuns runs;
    private final MissedFirings rules;

    ScheduleFiring(CollectorRegistry registry, ScheduledRuns runs, MissedFirings rules) {
        this.registry = registry;
        this.runs = runs;
        this.rules = rules;
    }

    /**
     * Fires schedule {@code id}, due at {@code scheduled}, and returns its next fire time (empty: it never
     * fires again). A firing that fails is logged, never thrown: it must not stop the schedule.
     */
    Optional<Instant> fire(String id, String collector, String dataset, CronSchedule cron, Instant scheduled) {
        try {
            Collector c = registry.find(collector).orElse(null);
            if (c == null) {
                log.warn("schedule {}: collector {} is not registered; no run", id, collector);
            } else {
                RunPolicy policy = c.policy(registry.defaults());
                Firing f = rules.judge(scheduled, cron, policy.onMissed(), policy.catchUpMax());
                switch (f.kind()) {
                    case ON_TIME -> runs.submit(collector, dataset, id, scheduled);
                    case RUN_ONCE -> {
                        log.info("schedule {}: missed since {}; running once (on_missed = run_once)", id, scheduled);
                        runs.submit(collector, dataset, id, scheduled);
                    }
                    case SKIP -> runs.skip(c, dataset, id, f.reason());
                    case CATCH_UP -> {
                        log.info("schedule {}: missed {} firing(s) since {}; catching up {} (on_missed = all, catch_up_max = {})",
                                id, f.missed(), scheduled, f.runs().size(), policy.catchUpMax());
                        for (int i = 0; i < f.runs().size(); i++) {
                            runs.catchUp(collector, dataset, id);
                        }
                    }
                    default -> throw new IllegalStateException("unknown firing " + f.kind());
                }
            }
        } catch (RuntimeException e) {
            // a bad firing must not stop the schedule: log it and go on to the next time
            log.warn("schedule {} could not start a run: {}", id, e.getMessage());
        }
        return rules.next(scheduled, cron);
    }
}
