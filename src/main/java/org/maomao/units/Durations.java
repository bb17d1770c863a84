package org.maomao.units;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them in config files: {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601. */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * The longest duration accepted: ten years. Longer ones mean "never" and overflow
     * where they are added to a time or turned into milliseconds or nanoseconds.
     */
    public static final Duration MAX = Duration.ofDays(3650);

    /**
     * Parses {@code text}; {@code what} names the setting in the error message. Negative
     * durations and durations longer than {@link #MAX} are refused with a sentence.
     */
    public static Duration parse(String what, String text) {
        Duration d = parseAny(what, text);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " \"" + clip(text) + "\" is negative: write a duration such as 30s or 5m.");
        }
        if (d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(what + " \"" + clip(text) + "\" is longer than " + format(MAX)
                    + " (ten years): write a duration such as 30s, 5m, 2h or 1d.");
        }
        return d;
    }

    private static Duration parseAny(String what, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            // fall through to the sentence below
        }
        throw new IllegalArgumentException(what + " \"" + clip(text) + "\" is not a duration: write it like 30s, 5m, 2h, 1d or PT10M.");
    }

    /** At most 40 characters of what a user wrote, for a message. */
    private static String clip(String text) {
        String t = text == null ? "" : text.replaceAll("\\p{Cntrl}", " ");
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }

    /** Formats a duration the short way when it is whole seconds, minutes, hours or days. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (d.getNano() != 0) {
            return d.toMillis() + "ms";
        }
        if (s != 0 && s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
