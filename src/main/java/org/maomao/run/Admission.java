package org.maomao.run;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.maomao.collector.Collector;
import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.RunPolicy;

/**
 * Whether a queued run may start now. Its collector must still exist and be within what the
 * operator allows (allowed_images or [docker] may have been tightened since it registered).
 * With {@code overlap = queue}, a scheduled run waits while another run of the same
 * collector@dataset executes in this process, and is handed back when that one ends.
 */
final class Admission {
    /**
     * The verdict on a queued run.
     *
     * @param parked  true: it waits behind a running one of its key and must not start
     * @param policy  the collector's policy (null when it was removed)
     * @param refusal null, or why the run fails without a container
     * @param serial  true: a scheduled run with overlap = queue, which the store lets start only while no
     *                other run of its collector@dataset runs on any daemon
     */
    record Ticket(String runId, String key, boolean parked, RunPolicy policy, String refusal, boolean serial) {
    }

    private final CollectorRegistry registry;
    /** Runs per collector@dataset executing in this process, and runs waiting for them. */
    private final Map<String, Integer> busy = new HashMap<>();
    private final Map<String, Deque<String>> waiting = new HashMap<>();

    Admission(CollectorRegistry registry) {
        this.registry = registry;
    }

    Ticket admit(Run queued) {
        Collector c = registry.find(queued.collector()).orElse(null);
        String key = queued.collector() + "@" + queued.dataset();
        RunPolicy policy = null;
        String refused = null;
        if (c == null) {
            refused = "collector " + queued.collector() + " was removed before the run started";
        } else {
            try {
                policy = c.policy(registry.defaults());
                registry.checkRunnable(c, policy);
            } catch (IllegalArgumentException e) {
                refused = e.getMessage();
            }
        }
        boolean serial = refused == null && "schedule".equals(queued.trigger())
                && policy.overlap() == RunPolicy.Overlap.QUEUE;
        synchronized (busy) {
            if (serial && busy.containsKey(key)) {
                waiting.computeIfAbsent(key, k -> new ArrayDeque<>()).add(queued.id());
                return new Ticket(queued.id(), key, true, policy, refused, serial);
            }
            busy.merge(key, 1, Integer::sum);
        }
        return new Ticket(queued.id(), key, false, policy, refused, serial);
    }

    /** The admitted run of {@code ticket} has stopped executing; returns the run that waited for it, if any. */
    Optional<String> release(Ticket ticket) {
        synchronized (busy) {
            busy.computeIfPresent(ticket.key(), (k, n) -> n == 1 ? null : n - 1);
            Deque<String> q = waiting.get(ticket.key());
            String next = q == null ? null : q.poll();
            if (q != null && q.isEmpty()) {
                waiting.remove(ticket.key());
            }
            return Optional.ofNullable(next);
        }
    }
}
