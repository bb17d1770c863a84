package org.maomao.spike;

import java.time.Instant;

/**
 * A stored spike: which series, where, how far off, and the run and commit that brought the point.
 * {@code explanation} (band, window and season) is null for spikes stored before it was kept.
 */
public record SpikeRecord(long id, String dataset, String series, String timestamp, double value, double mean,
                          double deviation, double z, int direction, String runId, String commit, Instant detectedAt,
                          SpikeExplanation explanation) {

    public SpikeRecord(long id, String dataset, String series, String timestamp, double value, double mean,
                       double deviation, double z, int direction, String runId, String commit, Instant detectedAt) {
        this(id, dataset, series, timestamp, value, mean, deviation, z, direction, runId, commit, detectedAt, null);
    }
}
