package org.maomao.run;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.maomao.collector.CollectorRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when collection itself goes wrong: after a run ends, reads the newest runs of its
 * collector into its dataset and raises one alert when they make exactly
 * {@code alert_after_failures} failures in a row, and one "recovered" when a success ends
 * such a streak. The streak is read from the stored runs, not counted in memory, so an
 * alert is neither repeated nor lost across restarts. Skipped and cancelled runs count
 * neither way.
 */
final class FailureStreaks {
    private static final Logger log = LoggerFactory.getLogger(FailureStreaks.class);

    private final RunStore store;
    private final CollectorRegistry registry;
    private final Clock clock;
    private final AlertNotifier alerts;

    FailureStreaks(RunStore store, CollectorRegistry registry, Clock clock, AlertNotifier alerts) {
        this.store = store;
        this.registry = registry;
        this.clock = clock;
        this.alerts = alerts;
    }

    /** Looks at the history of {@code done}'s collector and dataset now that {@code done} has ended. */
    void ended(Run done) {
        if (!counts(done.state())) {
            return;
        }
        int after = alertAfter(done.collector());
        if (after <= 0) {
            return;
        }
        try {
            List<Run> history = new ArrayList<>();
            for (Run r : counted(done.collector(), after)) {
                if (r.dataset().equals(done.dataset())) {
                    history.add(r);
                }
            }
            int i = 0;
            while (i < history.size() && !history.get(i).id().equals(done.id())) {
                i++;
            }
            if (i == history.size()) {
                return; // pruned or moved since: nothing to say
            }
            CollectionAlert alert = null;
            if (done.state() == RunState.SUCCEEDED) {
                int before = failuresFrom(history, i + 1);
                if (before >= after) {
                    alert = new CollectionAlert(CollectionAlert.Kind.RECOVERED, done.collector(), done.dataset(), before,
                            done.id(), "succeeded after " + before + " failed runs in a row", clock.instant());
                }
            } else if (failuresFrom(history, i) == after) {
                alert = new CollectionAlert(CollectionAlert.Kind.FAILING, done.collector(), done.dataset(), after,
                        done.id(), done.message(), clock.instant());
            }
            if (alert != null) {
                raise(alert);
            }
        } catch (RuntimeException e) {
            log.warn("cannot look at the recent runs of {} into {}: {}", done.collector(), done.dataset(), e.getMessage());
        }
    }

    /**
     * The datasets into which {@code collector}'s newest runs have failed at least
     * {@code alert_after_failures} times in a row (an alert was raised and no success came
     * since), with the number of failures; empty when its alert is off.
     */
    Map<String, Integer> failing(String collector) {
        int after = alertAfter(collector);
        if (after <= 0) {
            return Map.of();
        }
        Map<String, Integer> streak = new TreeMap<>();
        Set<String> settled = new HashSet<>();
        for (Run r : counted(collector, after)) {
            if (settled.contains(r.dataset())) {
                continue;
            }
            if (isFailure(r.state())) {
                streak.merge(r.dataset(), 1, Integer::sum);
            } else {
                settled.add(r.dataset()); // a success ends what is counted for its dataset
            }
        }
        streak.values().removeIf(n -> n < after);
        return streak;
    }

    /** The collector's {@code alert_after_failures}; 0 (off) once it is unregistered. */
    private int alertAfter(String collector) {
        return registry.find(collector).map(c -> c.policy(registry.defaults()).alertAfterFailures()).orElse(0);
    }

    /** The collector's newest ended runs that count (succeeded, failed, timed out), into any dataset, newest first. */
    private List<Run> counted(String collector, int after) {
        // a success needs to see `after` failures behind it, plus skipped and cancelled ones between
        int limit = Math.min(RunQuery.MAX_LIMIT, 4 * after + 20);
        List<Run> out = new ArrayList<>();
        for (Run r : store.list(new RunQuery(collector, null, null, limit))) {
            if (r.state().isFinal() && counts(r.state())) {
                out.add(r);
            }
        }
        return out;
    }

    private static int failuresFrom(List<Run> history, int from) {
        int n = 0;
        for (int i = from; i < history.size() && isFailure(history.get(i).state()); i++) {
            n++;
        }
        return n;
    }

    private static boolean counts(RunState s) {
        return s == RunState.SUCCEEDED || isFailure(s);
    }

    private static boolean isFailure(RunState s) {
        return s == RunState.FAILED || s == RunState.TIMED_OUT;
    }

    private void raise(CollectionAlert alert) {
        if (alert.kind() == CollectionAlert.Kind.FAILING) {
            log.warn("collection alert: {} into {} failed {} times in a row (last: {})", alert.collector(),
                    alert.dataset(), alert.failures(), alert.message());
        } else {
            log.info("collection recovered: {} into {} {}", alert.collector(), alert.dataset(), alert.message());
        }
        store.addEvent(alert.runId(), "alert", alert.text());
        alerts.alert(alert);
    }
}
