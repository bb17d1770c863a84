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

    /** {@code ?name=} as an ISO-8601 instant; null when absent. */
    static Instant instant(Context ctx, String name) {
        return instant(name, ctx.queryParam(name));
    }

    static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("query parameter " + name + "=\"" + value + "\" is not a time like 2026-01-31T12:00:00Z.");
        }
    }
}
