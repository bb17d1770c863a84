package org.maomao.schedule;

import java.time.Instant;
import java.util.List;

/**
 * A collector's recurring run into a dataset. Its id is {@code <collector>@<dataset>}:
 * one schedule per collector and dataset, so asking again updates it instead of
 * doubling the runs.
 */
public record Schedule(String id, String collector, String dataset, String frequency, String cron, String timezone,
                       String source, boolean paused, List<Instant> nextFireTimes) {

    public static String idOf(String collector, String dataset) {
        return collector + "@" + dataset;
    }
}
