package org.maomao.run;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The runs executing in this process, each with the cancel signal its container listens to. */
final class ActiveRuns {
    private final Map<String, Cancellation> active = new ConcurrentHashMap<>();

    Cancellation add(String runId) {
        Cancellation c = new Cancellation();
        active.put(runId, c);
        return c;
    }

    void remove(String runId) {
        active.remove(runId);
    }

    /** Signals the run's cancel if it executes here; false otherwise. */
    boolean cancel(String runId) {
        Cancellation c = active.get(runId);
        if (c == null) {
            return false;
        }
        c.cancel();
        return true;
    }

    Set<String> ids() {
        return Set.copyOf(active.keySet());
    }
}
