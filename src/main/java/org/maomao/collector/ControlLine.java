package org.maomao.collector;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control lines of the collector contract, which a collector prints among its log
 * lines: {@code ::progress N}, {@code ::progress N/M} and {@code ::result {json}}. The
 * daemon stores what they say; the CLI shows progress while it follows a log.
 */
public final class ControlLine {
    private static final Pattern PROGRESS = Pattern.compile("::progress\\s+(\\d+)(?:\\s*/\\s*(\\d+))?\\s*");
    private static final String RESULT = "::result ";

    private ControlLine() {
    }

    /** The percentage in a {@code ::progress} line (clamped to 0–100), or null if the line is not one. */
    public static Integer progress(String line) {
        Matcher m = PROGRESS.matcher(line.strip());
        if (!m.matches()) {
            return null;
        }
        try {
            long n = Long.parseLong(m.group(1));
            if (m.group(2) != null) {
                long total = Long.parseLong(m.group(2));
                if (total <= 0) {
                    return null;
                }
                n = n * 100 / total;
            }
            return (int) Math.max(0, Math.min(100, n));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The JSON text of a {@code ::result} line, or null if the line is not one. */
    public static String result(String line) {
        String s = line.strip();
        return s.startsWith(RESULT) ? s.substring(RESULT.length()).strip() : null;
    }
}
