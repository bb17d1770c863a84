package org.maomao.units;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes such as {@code 512m}, {@code 1g}, {@code 64k} or a plain number of bytes. */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)i?b?");

    private Sizes() {
    }

    /** Parses {@code text}; {@code what} names the setting in the error message. */
    public static long parse(String what, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIZE.matcher(t);
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                int shift = switch (m.group(2)) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    case "t" -> 40;
                    default -> 0;
                };
                if (n <= (Long.MAX_VALUE >> shift)) {
                    return n << shift;
                }
            } catch (NumberFormatException e) {
                // too many digits: the sentence below says what to write
            }
        }
        throw new IllegalArgumentException(what + " \"" + text + "\" is not a size: write it like 512m, 1g or 65536.");
    }
}
