package org.maomao.http;

import java.util.Locale;

/**
 * Content negotiation for the resources that also have a page: a browser's
 * {@code Accept: text/html,...} gets HTML; API clients ({@code *}{@code /*}, {@code application/json},
 * no Accept at all) keep JSON, so nothing scripted against the API changes.
 */
final class Accepts {
    /** Accept headers longer than this are read only this far (Jetty bounds the header anyway). */
    private static final int MAX_PARTS = 64;

    private Accepts() {
    }

    /** True when {@code accept} names HTML explicitly, with a higher quality than JSON. */
    static boolean html(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        double html = 0;
        double json = 0;
        String[] parts = accept.split(",", MAX_PARTS + 1);
        for (int i = 0; i < Math.min(parts.length, MAX_PARTS); i++) {
            String[] fields = parts[i].split(";");
            String type = fields[0].trim().toLowerCase(Locale.ROOT);
            double q = quality(fields);
            if (type.equals("text/html") || type.equals("application/xhtml+xml")) {
                html = Math.max(html, q);
            } else if (type.equals("application/json")) {
                json = Math.max(json, q);
            }
        }
        return html > 0 && html > json;
    }

    /** The {@code q} parameter of one media range, 1 without one, 0 when it is not a number from 0 to 1. */
    private static double quality(String[] fields) {
        for (int i = 1; i < fields.length; i++) {
            String f = fields[i].trim();
            if (f.length() > 2 && (f.charAt(0) == 'q' || f.charAt(0) == 'Q') && f.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(f.substring(2).trim());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
