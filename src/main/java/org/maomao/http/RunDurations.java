package org.maomao.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.maomao.run.Run;
import org.maomao.run.RunState;
import org.maomao.units.Elapsed;

/**
 * How long runs take: a run's duration (its latest attempt, start to end, or start to now while
 * it runs; what the {@code _maomao} duration series records too), and a collector's recent
 * durations as a small inline SVG bar chart for the status page.
 */
final class RunDurations {
    /** Runs drawn in a collector's duration history. */
    static final int HISTORY = 20;
    private static final int BAR = 6;
    private static final int H = 22;

    private RunDurations() {
    }

    /** Seconds of the run's latest attempt; null before it started (or while it waits for a retry after none). */
    static Double seconds(Run r, Instant now) {
        if (r.startedAt() == null) {
            return null;
        }
        Instant end = r.finishedAt() != null ? r.finishedAt() : r.state() == RunState.RUNNING ? now : null;
        return end == null ? null : Duration.between(r.startedAt(), end).toMillis() / 1000.0;
    }

    /** "4.2 s", or "running for 12.0 s" while it runs, or "-". */
    static String text(Run r, Instant now) {
        Double s = seconds(r, now);
        if (s == null) {
            return "-";
        }
        return r.state() == RunState.RUNNING ? "running for " + Elapsed.format(s) : Elapsed.format(s);
    }

    /**
     * The durations of the ended runs among {@code newestFirst} as bars, oldest on the left, each
     * coloured by its state and titled with its time and duration, and their median; "-" when
     * none has ended.
     */
    static String sparkline(List<Run> newestFirst) {
        List<Run> ended = new ArrayList<>();
        for (Run r : newestFirst) {
            if (r.state().isFinal() && r.startedAt() != null && r.finishedAt() != null && ended.size() < HISTORY) {
                ended.add(0, r);
            }
        }
        if (ended.isEmpty()) {
            return "-";
        }
        double max = 0;
        for (Run r : ended) {
            max = Math.max(max, seconds(r, null));
        }
        int w = HISTORY * BAR;
        int x0 = (HISTORY - ended.size()) * BAR; // the newest run at the right edge, always in the same place
        StringBuilder h = new StringBuilder(256 + ended.size() * 160);
        h.append("<svg class=\"durations\" width=\"").append(w).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(H).append("\" role=\"img\" aria-label=\"durations of the last ")
                .append(ended.size()).append(ended.size() == 1 ? " run" : " runs").append("\">");
        for (int i = 0; i < ended.size(); i++) {
            Run r = ended.get(i);
            double s = seconds(r, null);
            long bar = max > 0 ? Math.max(1, Math.round((H - 2) * s / max)) : 1;
            h.append("<rect x=\"").append(x0 + i * BAR).append("\" y=\"").append(H - bar).append("\" width=\"").append(BAR - 1)
                    .append("\" height=\"").append(bar).append("\" fill=\"").append(colour(r.state()))
                    .append("\"><title>").append(r.createdAt()).append(": ").append(Elapsed.format(s)).append(", ")
                    .append(r.state().id()).append("</title></rect>");
        }
        double[] sorted = ended.stream().mapToDouble(r -> seconds(r, null)).sorted().toArray();
        return h.append("</svg> <span class=\"median\">median ").append(Elapsed.format(sorted[sorted.length / 2]))
                .append("</span>").toString();
    }

    private static String colour(RunState s) {
        return switch (s) {
            case SUCCEEDED -> "#17803d";
            case FAILED, TIMED_OUT -> "#c0262d";
            default -> "#999";
        };
    }
}
