package org.maomao.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** One event of {@code maomao watch} as a line for people: its time, kind, what it is about, and its figures. */
final class EventLine {
    private EventLine() {
    }

    static String of(String kind, JsonNode d) {
        return switch (kind) {
            case "spike" -> t(d, "detected_at") + "  spike  " + t(d, "series_id") + " at " + t(d, "timestamp")
                    + ": value " + num(d.get("value")) + ", expected " + num(d.get("mean")) + ", z " + num(d.get("z"))
                    + " (" + t(d, "direction") + "), run " + t(d, "run_id");
            case "alert" -> t(d, "at") + "  alert  " + t(d, "collector") + "@" + t(d, "dataset") + ": " + t(d, "alert")
                    + (d.path("failures").asInt() > 0 ? " after " + d.path("failures").asInt() + " failed runs" : "")
                    + (d.hasNonNull("message") ? ": " + t(d, "message") : "");
            default -> t(d, "finished_at") + "  run    " + t(d, "collector") + "@" + t(d, "dataset") + " " + t(d, "state")
                    + " (attempt " + t(d, "attempt") + ", member " + t(d, "member") + ", commit " + t(d, "commit")
                    + ", exit " + t(d, "exit_code") + ") " + t(d, "id");
        };
    }

    private static String t(JsonNode d, String field) {
        return ClientCommand.text(d, field);
    }

    /** A number without trailing noise: 900, 102.35, 4.2e-07. */
    static String num(JsonNode v) {
        if (v == null || !v.isNumber()) {
            return "-";
        }
        double x = v.asDouble();
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        String s = String.format(java.util.Locale.ROOT, "%.4g", x);
        return s.contains("e") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
