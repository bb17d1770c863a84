package org.maomao.run;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The states of a run and, in one table, the moves allowed between them:
 * {@code queued → running → (succeeded | failed | timed_out | cancelled)}; a failed or
 * timed-out attempt with attempts left goes {@code running → retrying → queued → running}.
 */
public enum RunState {
    QUEUED, RUNNING, RETRYING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED,
    /** A scheduled firing that did not run (overlap = skip, or a missed firing with on_missed = skip). */
    SKIPPED;

    private static final Map<RunState, Set<RunState>> ALLOWED = Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED, FAILED, SKIPPED),
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, RETRYING),
            RETRYING, EnumSet.of(QUEUED, CANCELLED, FAILED),
            SUCCEEDED, EnumSet.noneOf(RunState.class),
            FAILED, EnumSet.noneOf(RunState.class),
            TIMED_OUT, EnumSet.noneOf(RunState.class),
            CANCELLED, EnumSet.noneOf(RunState.class),
            SKIPPED, EnumSet.noneOf(RunState.class));

    /** Whether the move {@code this → next} is in the table. */
    public boolean canMoveTo(RunState next) {
        return ALLOWED.get(this).contains(next);
    }

    /** Whether the run has ended for good. */
    public boolean isFinal() {
        return ALLOWED.get(this).isEmpty();
    }

    /** The lower-case name used in JSON, URLs and the store. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #id()}; throws IllegalArgumentException with the known states. */
    public static RunState fromId(String id) {
        for (RunState s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown run state \"" + id + "\": use one of queued, running, retrying, "
                + "succeeded, failed, timed_out, cancelled, skipped.");
    }
}
