package org.maomao.run;

import java.time.Instant;

/** A filter for listing runs, newest first; null fields do not filter. */
public record RunQuery(String collector, RunState state, Instant before, int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;
}
