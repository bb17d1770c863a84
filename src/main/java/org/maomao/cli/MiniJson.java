package org.maomao.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader and a writer that prints what Jackson's tree model prints, for the fast
 * path of the CLI ({@link FastCli}): loading Jackson's ObjectMapper costs a listing more than all
 * of its own work. Objects are {@link LinkedHashMap}s, arrays {@link List}s, strings {@link String}s,
 * booleans {@link Boolean}s, numbers {@link Num} and null {@link #NULL}.
 * <p>
 * It only has to be right where it answers: a document it is not sure Jackson reads the same way
 * (a duplicate key, a number Jackson would print differently, anything beyond RFC 8259, a depth or
 * a length near Jackson's limits) is refused with {@link Unsure}, and the full CLI then does the work.
 */
final class MiniJson {
    /** JSON null. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Below Jackson's default limits (nesting 1000, number 1000 chars, name 50,000, string 20 M). */
    private static final int MAX_DEPTH = 500;
    private static final int MAX_NUMBER = 500;
    private static final int MAX_NAME = 40_000;
    private static final int MAX_STRING = 10_000_000;

    /** A document this reader does not answer for: the caller falls back to Jackson. */
    static final class Unsure extends Exception {
        Unsure(String why) {
            super(why, null, false, false);
        }
    }

    /** A number as written, and how Jackson prints it once read into its tree. */
    record Num(String literal, boolean integral) {
        /** Jackson's text of the number: an integer's digits, or {@link Double#toString} of a float. */
        String jackson() {
            if (integral) {
                return literal.equals("-0") ? "0" : literal;
            }
            return Double.toString(Double.parseDouble(literal));
        }

        /** What {@code JsonNode.asDouble()} gives: an integer's value (0 for -0), or the float's. */
        double asDouble() {
            return integral && literal.equals("-0") ? 0.0 : Double.parseDouble(literal);
        }
    }

    private final String s;
    private int i;

    private MiniJson(String s) {
        this.s = s;
    }

    /** The value of {@code text}, which must hold exactly one JSON value. */
    static Object parse(String text) throws Unsure {
        MiniJson p = new MiniJson(text);
        p.space();
        Object v = p.value(0);
        p.space();
        if (p.i != text.length()) {
            throw new Unsure("text after the value");
        }
        return v;
    }

    private Object value(int depth) throws Unsure {
        if (i >= s.length()) {
            throw new Unsure("end of text");
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string(MAX_STRING);
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", NULL);
            default -> number();
        };
    }

    private Map<String, Object> object(int depth) throws Unsure {
        if (depth > MAX_DEPTH) {
            throw new Unsure("too deep");
        }
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw new Unsure("a name expected");
            }
            String name = string(MAX_NAME);
            space();
            expect(':');
            space();
            if (m.put(name, value(depth)) != null) {
                throw new Unsure("duplicate key");
            }
            space();
            char c = next();
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw new Unsure("',' or '}' expected");
            }
        }
    }

    private List<Object> array(int depth) throws Unsure {
        if (depth > MAX_DEPTH) {
            throw new Unsure("too deep");
        }
        i++;
        List<Object> a = new ArrayList<>();
        space();
        if (peek() == ']') {
            i++;
            return a;
        }
        while (true) {
            space();
            a.add(value(depth));
            space();
            char c = next();
            if (c == ']') {
                return a;
            }
            if (c != ',') {
                throw new Unsure("',' or ']' expected");
            }
        }
    }

    private String string(int max) throws Unsure {
        i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return paired(b);
            }
            if (c < 0x20) {
                throw new Unsure("a control character in a string");
            }
            if (c == '\\') {
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        int code = 0;
                        for (int k = 0; k < 4; k++) {
                            int d = Character.digit(next(), 16);
                            if (d < 0) {
                                throw new Unsure("a bad \\u escape");
                            }
                            code = code * 16 + d;
                        }
                        b.append((char) code);
                    }
                    default -> throw new Unsure("a bad escape");
                }
            } else {
                b.append(c);
            }
            if (b.length() > max) {
                throw new Unsure("too long a string");
            }
        }
    }

    /**
     * The string, if each surrogate in it is half of a pair: Jackson refuses a broken pair in a
     * name (and reads one in a value), and the daemon writes none.
     */
    private static String paired(StringBuilder b) throws Unsure {
        for (int k = 0; k < b.length(); k++) {
            char c = b.charAt(k);
            if (Character.isHighSurrogate(c) && k + 1 < b.length() && Character.isLowSurrogate(b.charAt(k + 1))) {
                k++;
            } else if (Character.isSurrogate(c)) {
                throw new Unsure("half a surrogate pair");
            }
        }
        return b.toString();
    }

    private Object word(String w, Object v) throws Unsure {
        if (!s.startsWith(w, i)) {
            throw new Unsure("a bad literal");
        }
        i += w.length();
        return v;
    }

    /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private Num number() throws Unsure {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else if (digits() == 0) {
            throw new Unsure("a value expected");
        }
        boolean integral = true;
        if (peek() == '.') {
            i++;
            integral = false;
            if (digits() == 0) {
                throw new Unsure("digits expected after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            integral = false;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (digits() == 0) {
                throw new Unsure("digits expected in an exponent");
            }
        }
        if (i - start > MAX_NUMBER) {
            throw new Unsure("too long a number");
        }
        Num n = new Num(s.substring(start, i), integral);
        if (!integral && Double.isInfinite(n.asDouble())) {
            throw new Unsure("a number beyond a double");
        }
        return n;
    }

    private int digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i - start;
    }

    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() throws Unsure {
        if (i >= s.length()) {
            throw new Unsure("end of text");
        }
        return s.charAt(i++);
    }

    private void expect(char c) throws Unsure {
        if (next() != c) {
            throw new Unsure("'" + c + "' expected");
        }
    }

    /** {@code v} as {@code JsonNode.toString()} prints it: compact. */
    static String compact(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, -1);
        return b.toString();
    }

    /** {@code v} as Jackson's default pretty printer prints it. */
    static String pretty(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, 0);
        return b.toString();
    }

    /**
     * Writes {@code v}; {@code level} < 0 is compact, else the nesting of objects, as Jackson's
     * DefaultPrettyPrinter: objects one entry a line indented by two spaces a level, {@code " : "}
     * between name and value, arrays on one line ({@code [ a, b ]}), {@code { }} and {@code [ ]} empty.
     */
    private static void write(StringBuilder b, Object v, int level) {
        boolean pretty = level >= 0;
        if (v instanceof Map<?, ?> m) {
            b.append('{');
            if (m.isEmpty()) {
                b.append(pretty ? " }" : "}");
                return;
            }
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                if (pretty) {
                    newline(b, level + 1);
                }
                quote(b, (String) e.getKey());
                b.append(pretty ? " : " : ":");
                write(b, e.getValue(), pretty ? level + 1 : -1);
            }
            if (pretty) {
                newline(b, level);
            }
            b.append('}');
        } else if (v instanceof List<?> a) {
            b.append('[');
            if (a.isEmpty()) {
                b.append(pretty ? " ]" : "]");
                return;
            }
            boolean first = true;
            for (Object e : a) {
                b.append(first ? (pretty ? " " : "") : (pretty ? ", " : ","));
                first = false;
                write(b, e, level);
            }
            b.append(pretty ? " ]" : "]");
        } else if (v instanceof String t) {
            quote(b, t);
        } else if (v instanceof Num n) {
            b.append(n.jackson());
        } else {
            b.append(v); // true, false, null
        }
    }

    private static void newline(StringBuilder b, int level) {
        b.append(System.lineSeparator());
        b.append("  ".repeat(level));
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** A string as Jackson writes it: {@code " \\} and control characters escaped, nothing else. */
    static void quote(StringBuilder b, String t) {
        b.append('"');
        for (int k = 0; k < t.length(); k++) {
            char c = t.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
