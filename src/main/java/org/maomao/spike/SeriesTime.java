package org.maomao.spike;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Reads a row's time cell as seconds since the epoch, so that windows given as spans of time and
 * the phase of a season can be worked out; a cell that is not a time gives NaN and the detector
 * then counts points instead.
 */
public final class SeriesTime {

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd")
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    private SeriesTime() {
    }

    /**
     * Seconds since 1970-01-01 UTC for ISO-8601 date-times with or without offset
     * ({@code 2024-03-01T12:00:00Z}, {@code 2024-03-01 12:00:00}, {@code 2024-03-01 12:00}), dates
     * ({@code 2024-03-01}) and plain epoch numbers (seconds, or milliseconds above 1e11); local times
     * are read as UTC. NaN for anything else.
     */
    public static double epochSeconds(String text) {
        if (text == null) {
            return Double.NaN;
        }
        String t = text.trim();
        if (t.isEmpty() || t.length() > 64) {
            return Double.NaN;
        }
        char first = t.charAt(0);
        if (t.length() <= 20 && (Character.isDigit(first) || first == '-') && t.indexOf('-', 1) < 0 && t.indexOf(':') < 0) {
            try {
                double n = Double.parseDouble(t);
                if (!Double.isFinite(n)) {
                    return Double.NaN;
                }
                return Math.abs(n) > 1e11 ? n / 1000 : n;
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).toEpochDay() * 86400.0;
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                OffsetDateTime at = OffsetDateTime.parse(t.replace(' ', 'T'), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                return seconds(at.toEpochSecond(), at.getNano());
            }
            LocalDateTime local = LocalDateTime.parse(t, LOCAL);
            return seconds(local.toEpochSecond(ZoneOffset.UTC), local.getNano());
        } catch (DateTimeParseException e) {
            return Double.NaN;
        }
    }

    /**
     * Whether {@code text} is an ISO-8601 date or date-time that {@link #epochSeconds} reads (a plain
     * number is not: in a JSON string it is more often an identifier than a time). Cheap for text that
     * is not one, which is the common case of a string field.
     */
    public static boolean isDateTime(String text) {
        int n = text.length();
        return n >= 10 && n <= 64 && Character.isDigit(text.charAt(0)) && text.charAt(4) == '-'
                && text.charAt(7) == '-' && Double.isFinite(epochSeconds(text));
    }

    private static double seconds(long epochSecond, int nano) {
        return epochSecond + nano / 1e9;
    }
}
