package org.maomao.schedule;

import java.time.Instant;
import java.util.List;

/**
 * What one firing of a schedule does, as {@link MissedFirings} judged it.
 *
 * @param kind      on time, or which {@code on_missed} rule a late firing follows
 * @param scheduled the time the firing was due
 * @param runs      the fire times that get a run now: one for {@code ON_TIME} and {@code RUN_ONCE}, none for
 *                  {@code SKIP}, the latest {@code catch_up_max} missed ones for {@code CATCH_UP}
 * @param missed    how many firings were missed, counting {@code scheduled}: 1 for {@code RUN_ONCE} and
 *                  {@code SKIP} (the firings after it are not counted), all of them for {@code CATCH_UP}; 0 on time
 */
public record Firing(Kind kind, Instant scheduled, List<Instant> runs, int missed) {
    /** How a firing was judged. */
    public enum Kind {
        /** Due less than {@link MissedFirings#MISSED_AFTER} ago: one run, the collector's {@code overlap} applies. */
        ON_TIME,
        /** Missed, {@code on_missed = run_once}: one run for all that was missed, {@code overlap} applies. */
        RUN_ONCE,
        /** Missed, {@code on_missed = skip}: no run; a skipped run records {@link #reason()}. */
        SKIP,
        /**
         * Missed, {@code on_missed = all}: one run per missed firing, the latest {@code catch_up_max}. They queue
         * behind each other: {@code overlap = skip} would otherwise drop all but the first.
         */
        CATCH_UP
    }

    public Firing {
        runs = List.copyOf(runs);
    }

    /** Why a skipped firing has no run, as the skipped run's message says it. */
    public String reason() {
        return "missed the firing at " + scheduled + " while no daemon ran (on_missed = skip)";
    }
}
