package org.maomao.http;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import io.javalin.http.Context;

/** The query parameters several resources share, each refused with a sentence when malformed. */
final class QueryParams {
    private QueryParams() {
    }

    /** {@code ?name=} as a whole number from 1 to {@code max}; {@code dflt} when absent. */
    static int count(Context ctx, String name, int dflt, int max) {
        return count(name, ctx.queryParam(name), dflt, max);
    }

    static int count(String name, String value, int dflt, int max) {
        if (value == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the sentence below says what is allowed
        }
        throw ApiException.badRequest("query parameter " + name + "=\"" + value + "\" must be a whole number from 1 to " + max + ".");
    }

    /**
     * The earliest instant a query takes: the first of year 0000. Instant.parse goes out to year
     * ±999,999,999, but the store compares epoch milliseconds, a long that ends near year
     * ±292,000,000 (the bind overflowed into a 500). Four-digit years are what ISO-8601 writes
     * without its expanded form, cover every time a run or a spike can have, and keep a margin.
     */
    static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    /** The latest instant a query takes: the end of year 9999 (see {@link #EARLIEST}). */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /** {@code ?name=} as an ISO-8601 instant from year 0000 to 9999; null when absent. */
    static Instant instant(Context ctx, String name) {
        return instant(name, ctx.queryParam(name));
    }

    static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        Instant t;
        try {
            t = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("query parameter " + name + "=\"" + value + "\" is not a time like 2026-01-31T12:00:00Z.");
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw ApiException.badRequest("query parameter " + name + "=\"" + value
                    + "\" is not a time from year 0000 to 9999, like 2026-01-31T12:00:00Z.");
        }
        return t;
    }
}
