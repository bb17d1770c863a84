package org.maomao.dataset;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The newest rows of one table that a run hands to the spike detector, bounded in rows and in
 * characters. Every row is committed; only the detector's share is bounded, so that a collector's
 * output (up to {@code max_output} bytes, lines up to 1 Mi characters) cannot run the daemon out of
 * heap while its rows are held for analysis: 450 lines of almost 1 Mi characters each were under the
 * row bound and took a 512 MB heap down, in the run and again in the recovery of every restart.
 *
 * <p>A run's tables share one {@link Budget} of characters, so the bound also holds for a run of
 * many tables. The ingest and the recovery of a committed run ({@link CommittedTables}) keep the
 * rows the same way.
 */
final class RowTail {
    /** The most rows of one table the detector gets: the newest. */
    static final int MAX_ROWS = 100_000;
    /** The most characters of rows the detector gets from one run, over all its tables. */
    static final long MAX_RUN_CHARS = 32L << 20;

    /** What is left of a run's characters for the tables still to be read. */
    static final class Budget {
        private long left;

        Budget(long chars) {
            this.left = chars;
        }

        static Budget perRun() {
            return new Budget(MAX_RUN_CHARS);
        }

        /** A tail for the next table, within what is left. */
        RowTail tail() {
            return new RowTail(this);
        }
    }

    private final Budget budget;
    private final long maxChars;
    private final ArrayDeque<String> rows = new ArrayDeque<>();
    private long chars;
    private long seen;
    private boolean closed;

    private RowTail(Budget budget) {
        this.budget = budget;
        this.maxChars = budget.left;
    }

    /** Adds the next row; the oldest ones go once there are too many or they are too long together. */
    void add(String row) {
        seen++;
        rows.addLast(row);
        chars += row.length();
        while (!rows.isEmpty() && (rows.size() > MAX_ROWS || chars > maxChars)) {
            chars -= rows.removeFirst().length();
        }
    }

    /** How many rows were added, kept or not. */
    long seen() {
        return seen;
    }

    /**
     * The kept rows whose index (0 = the first added) is {@code from} or later, oldest first; the
     * characters of the rows kept are then taken from the run's budget (once).
     */
    List<String> from(long from) {
        long firstKept = seen - rows.size();
        int skip = (int) Math.min(rows.size(), Math.max(0, from - firstKept));
        List<String> all = new java.util.ArrayList<>(rows);
        List<String> kept = List.copyOf(all.subList(skip, all.size()));
        if (!closed) {
            closed = true;
            budget.left -= kept.stream().mapToLong(String::length).sum();
        }
        return kept;
    }
}
