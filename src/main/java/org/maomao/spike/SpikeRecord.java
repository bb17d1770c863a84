package org.maomao.spike;

import java.time.Instant;

/** A stored spike: which series, where, how far off, and the run and commit that brought the point. */
public record SpikeRecord(long id, String dataset, String series, String timestamp, double value, double mean,
                          double deviation, double z, int direction, String runId, String commit, Instant detectedAt) {
}
