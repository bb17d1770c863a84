package org.maomao.run;

import java.time.Instant;

/** Keeps a pending retry so that it survives a restart of the daemon. */
public interface RetryScheduler {
    void scheduleRetry(String runId, Instant at);

    void cancelRetry(String runId);

    /** Whether a retry of the run is pending. */
    boolean hasRetry(String runId);
}
