package org.maomao.run;

import java.time.Instant;

/**
 * A step in a run's life, with its time and a JSON payload: submitted, started,
 * progress, exited, committed, spike, analysed, retry_scheduled, finished.
 */
public record RunEvent(String runId, int seq, Instant at, String type, String payload) {
}
