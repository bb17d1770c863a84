package org.maomao.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The fast path's JSON ({@link MiniJson}) prints what the full CLI prints through Jackson for every
 * document it reads, and refuses ({@link MiniJson.Unsure}) what Jackson would read otherwise.
 */
class MiniJsonTest {
    static final ObjectMapper JACKSON = new ObjectMapper();

    /** Jackson's pretty and compact text of {@code doc}, and what MiniJson prints of it. */
    static void assertPrintsAsJackson(String doc) throws Exception {
        JsonNode n = JACKSON.readTree(doc);
        Object v = MiniJson.parse(doc);
        assertThat(MiniJson.pretty(v)).as(doc).isEqualTo(JACKSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        assertThat(MiniJson.compact(v)).as(doc).isEqualTo(n.toString());
    }

    @Test
    void should_print_objects_arrays_strings_and_literals_as_jackson_does() throws Exception {
        for (String doc : List.of("[]", "{}", "[ ]", " { } ", "[{}]", "[[]]", "[[[]], {}]", "null", "true", "\"x\"",
                "[{\"a\":1,\"b\":[1,2,{\"c\":null}],\"d\":{\"e\":{\"f\":[]}},\"g\":{}}]",
                "{\"next_fire_times\":[\"2026-01-01T00:00:00Z\",\"2026-01-02T00:00:00Z\"],\"paused\":false}",
                "[{\"a\":[{\"b\":[{\"c\":1}]}]},[1,[2,[3]]]]",
                "\t[\r\n1 ,\n2\t]\n")) {
            assertPrintsAsJackson(doc);
        }
    }

    @Test
    void should_print_every_string_escape_and_character_as_jackson_does() throws Exception {
        StringBuilder all = new StringBuilder("[");
        for (int c = 0; c < 0x80; c++) {
            all.append(c > 0 ? "," : "").append(String.format("\"\\u%04x\"", c));
        }
        all.append(",\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"é漢字😀\",\"\\ud83d\\ude00\",\"\\uD83D\\uDE00\",\"\\u2028\\u00ff\\uFFFF\"");
        all.append(",\"\u007f\",\"tab\\tin\",\"a/b\"]");
        assertPrintsAsJackson(all.toString());
    }

    @Test
    void should_print_numbers_as_jackson_does_and_refuse_those_it_cannot_be_sure_of() throws Exception {
        for (String num : List.of("0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
                "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "0.0", "-0.0", "1.0",
                "1.50", "0.1", "1e2", "1E2", "1e+2", "1e-2", "-1.5e300", "5e-324", "4.9e-325", "1.7976931348623157e308",
                "123.456e-7", "100000000000000000000000.0", "0.30000000000000004", "3.14159265358979323846264338327950288")) {
            assertPrintsAsJackson("[" + num + "," + "{\"n\":" + num + "}]");
            JsonNode n = JACKSON.readTree(num);
            MiniJson.Num m = (MiniJson.Num) MiniJson.parse(num);
            assertThat(m.asDouble()).as(num).isEqualTo(n.asDouble());
            assertThat(String.format("%.2f", m.asDouble())).isEqualTo(String.format("%.2f", n.asDouble()));
        }
        // beyond a double: Jackson's answer is not one MiniJson gives
        assertThatThrownBy(() -> MiniJson.parse("[1e400]")).isInstanceOf(MiniJson.Unsure.class);
        assertThatThrownBy(() -> MiniJson.parse("[" + "9".repeat(600) + "]")).isInstanceOf(MiniJson.Unsure.class);
    }

    @Test
    void should_refuse_what_is_not_strict_json_or_that_jackson_reads_otherwise() {
        for (String doc : List.of("", " ", "[", "]", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "['a']",
                "[01]", "[-]", "[1.]", "[.5]", "[1e]", "[+1]", "[NaN]", "[Infinity]", "[tru]", "[nul]", "[\"a\nb\"]",
                "[\"\\x\"]", "[\"\\u12g4\"]", "[\"unterminated]", "[1] [2]", "[1] x", "{\"a\":1} trailing",
                "{\"a\":1,\"a\":2}", "[1 2]", "// c\n[]", "[/* c */]", "\u00a0[]", "\ufeff[]", "[\"\\u00\"]", "[\"\\ud83d\"]", "[\"\\ude00x\"]", "{\"\\ud83dx\":1}", "[\"\\ude00\\ud83d\"]",
                "[".repeat(600) + "]".repeat(600))) {
            assertThatThrownBy(() -> MiniJson.parse(doc)).as(doc).isInstanceOf(MiniJson.Unsure.class);
        }
    }

    @Test
    void should_print_random_documents_as_jackson_does() throws Exception {
        Random r = new Random(12);
        int refused = 0;
        for (int k = 0; k < 2000; k++) {
            String doc = randomValue(r, 0);
            try {
                MiniJson.parse(doc);
            } catch (MiniJson.Unsure e) {
                refused++; // half a surrogate pair (a random \\u escape): the full CLI reads it
                continue;
            }
            assertPrintsAsJackson(doc);
        }
        assertThat(refused).isLessThan(200);
    }

    @Test
    void should_give_the_cells_of_a_table_as_the_full_cli_does() throws Exception {
        String doc = "{\"s\":\"text\",\"n\":12,\"d\":1.50,\"b\":true,\"z\":null,\"o\":{\"k\":[1,\"v\"]},\"a\":[],"
                + "\"nul\":\"null\",\"e\":\"\"}";
        JsonNode n = JACKSON.readTree(doc);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) MiniJson.parse(doc);
        List<String> fields = new ArrayList<>(m.keySet());
        fields.add("missing");
        for (String f : fields) {
            assertThat(FastCli.text(m, f)).as(f).isEqualTo(ClientCommand.text(n, f));
        }
    }

    static String randomValue(Random r, int depth) {
        int kind = depth > 4 ? 2 + r.nextInt(4) : r.nextInt(6);
        switch (kind) {
            case 0 -> {
                StringBuilder b = new StringBuilder("{");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b.append(i > 0 ? "," : "").append(ws(r)).append(randomString(r)).append(i).append("\"")
                            .append(ws(r)).append(':').append(ws(r)).append(randomValue(r, depth + 1));
                }
                return b.append(ws(r)).append('}').toString();
            }
            case 1 -> {
                StringBuilder b = new StringBuilder("[");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b.append(i > 0 ? "," : "").append(ws(r)).append(randomValue(r, depth + 1)).append(ws(r));
                }
                return b.append(']').toString();
            }
            case 2 -> {
                return randomString(r) + "\"";
            }
            case 3 -> {
                return randomNumber(r);
            }
            case 4 -> {
                return r.nextBoolean() ? "true" : "false";
            }
            default -> {
                return "null";
            }
        }
    }

    /** An opened string literal of random characters and escapes (the caller closes it). */
    static String randomString(Random r) {
        StringBuilder b = new StringBuilder("\"");
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(6)) {
                case 0 -> b.append((char) ('a' + r.nextInt(26)));
                case 1 -> b.append(String.format("\\u%04x", r.nextInt(0x10000)));
                case 2 -> b.append('\\').append("\"\\/bfnrt".charAt(r.nextInt(8)));
                case 3 -> {
                    char c = (char) (0x20 + r.nextInt(0x7f - 0x20));
                    b.append(c == '"' || c == '\\' ? '_' : c);
                }
                case 4 -> b.append((char) (0xa0 + r.nextInt(0x3000)));
                default -> b.append(' ');
            }
        }
        return b.toString();
    }

    static String randomNumber(Random r) {
        StringBuilder b = new StringBuilder();
        if (r.nextBoolean()) {
            b.append('-');
        }
        if (r.nextInt(4) == 0) {
            b.append('0');
        } else {
            b.append(1 + r.nextInt(9));
            int digits = r.nextInt(r.nextInt(5) == 0 ? 30 : 6);
            for (int i = 0; i < digits; i++) {
                b.append(r.nextInt(10));
            }
        }
        if (r.nextBoolean()) {
            b.append('.');
            int digits = 1 + r.nextInt(8);
            for (int i = 0; i < digits; i++) {
                b.append(r.nextInt(10));
            }
        }
        if (r.nextInt(3) == 0) {
            b.append(r.nextBoolean() ? 'e' : 'E').append(r.nextBoolean() ? "" : r.nextBoolean() ? "+" : "-")
                    .append(r.nextInt(300));
        }
        return b.toString();
    }

    static String ws(Random r) {
        return r.nextInt(4) == 0 ? " \n\t\r".substring(r.nextInt(4), 4) : "";
    }
}
