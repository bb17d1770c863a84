package org.maomao.run;

import java.util.function.LongSupplier;

/**
 * Decides which of an attempt's {@code ::progress} and {@code ::result} lines are written to
 * the store: a collector may print thousands of them (one run printed 8,713 progress lines),
 * and each write is a database update and an event. A progress value is stored when it moved
 * {@link #MIN_STEP} points or {@link #MIN_INTERVAL_MS} passed since the last stored one, with at
 * most {@link #MAX_EVENTS} progress events per run (all attempts together); past that, the run's
 * progress is still updated, once per interval, without an event. A result is stored at most
 * once per interval. When the attempt ends, {@link #finish} gives what is still unstored, so the
 * last value printed is always the one kept. Not thread-safe: the caller serialises its calls.
 */
final class ProgressCoalescer {
    static final int MIN_STEP = 5;
    static final long MIN_INTERVAL_MS = 1000;
    static final int MAX_EVENTS = 100;

    /** What to write for a progress value. */
    enum Write { NONE, ROW, ROW_AND_EVENT }

    /** What an ended attempt still has to write; null fields are already stored. */
    record Pending(Integer progress, boolean progressEvent, String result) {
    }

    private final LongSupplier millis;
    private int events;
    private Integer stored;
    private long storedAt;
    private Integer latest;
    private String pendingResult;
    private long resultAt = Long.MIN_VALUE;

    /**
     * @param eventsSoFar progress events earlier attempts of the run stored
     * @param millis      the clock, in milliseconds
     */
    ProgressCoalescer(int eventsSoFar, LongSupplier millis) {
        this.events = eventsSoFar;
        this.millis = millis;
    }

    Write progress(int percent) {
        latest = percent;
        if (stored != null && stored == percent) {
            return Write.NONE;
        }
        long now = millis.getAsLong();
        boolean interval = stored == null || now - storedAt >= MIN_INTERVAL_MS;
        if (events < MAX_EVENTS - 1 && (interval || Math.abs(percent - stored) >= MIN_STEP)) {
            // one event is kept back for the last value
            events++;
            stored = percent;
            storedAt = now;
            return Write.ROW_AND_EVENT;
        }
        if (interval) {
            stored = percent;
            storedAt = now;
            return Write.ROW;
        }
        return Write.NONE;
    }

    /** Whether {@code json} is to be stored now; else it waits for the interval or the end. */
    boolean result(String json) {
        long now = millis.getAsLong();
        if (resultAt == Long.MIN_VALUE || now - resultAt >= MIN_INTERVAL_MS) {
            resultAt = now;
            pendingResult = null;
            return true;
        }
        pendingResult = json;
        return false;
    }

    /** What is left to write when the attempt has ended; afterwards nothing is pending. */
    Pending finish() {
        Integer progress = null;
        boolean event = false;
        if (latest != null && !latest.equals(stored)) {
            progress = latest;
            event = events < MAX_EVENTS;
            if (event) {
                events++;
            }
            stored = latest;
        }
        String result = pendingResult;
        pendingResult = null;
        return new Pending(progress, event, result);
    }
}
