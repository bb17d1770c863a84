package org.maomao.http;

/** Client-controlled text put into a message: one line, and short, so an error never echoes a whole body. */
final class Texts {
    /** The most characters of client text a message repeats. */
    static final int MAX_ECHO = 80;

    private Texts() {
    }

    /** {@code s} without control characters, cut to {@link #MAX_ECHO} characters with "..." when longer. */
    static String clip(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\p{Cntrl}", " ");
        return one.length() <= MAX_ECHO ? one : one.substring(0, MAX_ECHO) + "...";
    }
}
