package org.maomao.run;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs executing in this process, each with the cancel signal its container listens to
 * and, once its attempt claimed the run, the attempt's fence.
 */
final class ActiveRuns {
    private final Map<String, Entry> active = new ConcurrentHashMap<>();

    private static final class Entry {
        final Cancellation cancellation = new Cancellation();
        volatile String fence;
        volatile boolean lost;
    }

    Cancellation add(String runId) {
        Entry e = new Entry();
        active.put(runId, e);
        return e.cancellation;
    }

    /** The run's attempt claimed it under {@code fence}. */
    void claimed(String runId, String fence) {
        Entry e = active.get(runId);
        if (e != null) {
            e.fence = fence;
        }
    }

    /** The run's container has ended: there is nothing left to stop, and {@link #fences} no longer lists it. */
    void containerEnded(String runId) {
        Entry e = active.get(runId);
        if (e != null) {
            e.fence = null;
        }
    }

    void remove(String runId) {
        active.remove(runId);
    }

    /** Signals the run's cancel if it executes here; false otherwise. */
    boolean cancel(String runId) {
        Entry e = active.get(runId);
        if (e == null) {
            return false;
        }
        e.cancellation.cancel();
        return true;
    }

    /** The run is no longer this process's (another member took it over, or it ended elsewhere): its container stops. */
    void lose(String runId) {
        Entry e = active.get(runId);
        if (e != null) {
            e.lost = true;
            e.cancellation.cancel();
        }
    }

    /** Whether {@link #lose} was called for the run. */
    boolean isLost(String runId) {
        Entry e = active.get(runId);
        return e != null && e.lost;
    }

    /** The fences of the runs whose attempt claimed them and whose container may still run, by run id. */
    Map<String, String> fences() {
        Map<String, String> out = new java.util.HashMap<>();
        active.forEach((id, e) -> {
            if (e.fence != null) {
                out.put(id, e.fence);
            }
        });
        return out;
    }

    Set<String> ids() {
        return Set.copyOf(active.keySet());
    }
}
