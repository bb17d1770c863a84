package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlSeriesReaderTest {
    @TempDir
    Path dir;

    @Test
    void should_flatten_nested_numbers_ignore_arrays_and_text_and_take_the_time_field() throws Exception {
        SeriesTable t = JsonlSeriesReader.parse(List.of(
                "{\"date\":\"d0\",\"Timestamp\":\"t1\",\"a\":{\"b\":1,\"c\":{\"d\":2.5}},\"arr\":[1,{\"x\":3}],\"s\":\"x\",\"n\":null}",
                "",
                "{\"timestamp\":\"t2\",\"a\":{\"b\":-3e2},\"s\":\"y\",\"n\":4}"), 100);
        assertThat(t.numericColumns()).containsExactly("a.b", "a.c.d", "n");
        assertThat(t.series("a.b")).containsExactly(new SeriesPoint("t1", 1), new SeriesPoint("t2", -300));
        assertThat(t.series("a.c.d")).containsExactly(new SeriesPoint("t1", 2.5));
        assertThat(t.series("n")).containsExactly(new SeriesPoint("t2", 4));
        assertThat(t.header()).doesNotContain("arr", "arr.x", "timestamp", "Timestamp", "date");
    }

    @Test
    void should_make_no_series_of_a_field_that_is_once_not_a_number_and_count_points_without_a_time() throws Exception {
        SeriesTable t = JsonlSeriesReader.parse(List.of("{\"v\":1,\"w\":1}", "{\"v\":\"2\",\"w\":true}", "{\"v\":3,\"w\":{}}"), 10);
        assertThat(t.numericColumns()).isEmpty();
        SeriesTable u = JsonlSeriesReader.parse(List.of("{\"v\":1}", "{\"v\":2}"), 10);
        assertThat(u.series("v")).containsExactly(new SeriesPoint("", 1), new SeriesPoint("", 2));
    }

    @Test
    void should_date_lines_by_the_first_date_time_string_when_no_field_is_named_for_time() throws Exception {
        SeriesTable t = JsonlSeriesReader.parse(List.of(
                "{\"host\":\"a\",\"id\":\"1700000000\",\"ts\":\"2026-09-01T00:00:00Z\",\"v\":1,\"at\":\"2026-01-01\"}",
                "{\"@timestamp\":\"2026-09-01 00:05\",\"v\":2,\"time\":\"t2\"}",
                "{\"ts\":\"not a time\",\"v\":3}",
                "{\"ts\":\"2026-09-01T00:15:00Z\",\"v\":4,\"ts2\":5}"), 10);
        // a plain number in a string is no time (more often an id); a field named for time still wins
        assertThat(t.series("v")).containsExactly(new SeriesPoint("2026-09-01T00:00:00Z", 1),
                new SeriesPoint("t2", 2), new SeriesPoint("", 3), new SeriesPoint("2026-09-01T00:15:00Z", 4));
        assertThat(t.numericColumns()).containsExactly("v", "ts2"); // the time strings stay no series
        Path f = dir.resolve("ts.jsonl");
        Files.write(f, List.of("{\"ts\":\"2026-09-01T00:00:00Z\",\"v\":1}", "{\"ts\":\"2026-09-01T00:05:00Z\",\"v\":2}"));
        assertThat(SeriesHistory.all(f, "v")).extracting(SeriesPoint::timestamp)
                .containsExactly("2026-09-01T00:00:00Z", "2026-09-01T00:05:00Z");
    }

    @Test
    void should_count_a_number_beyond_a_double_as_missing_and_keep_the_field_a_series() throws Exception {
        List<String> lines = List.of("{\"time\":\"1\",\"v\":1}", "{\"time\":\"2\",\"v\":1e400}",
                "{\"time\":\"3\",\"v\":-" + "9".repeat(400) + "}", "{\"time\":\"4\",\"v\":4}");
        assertThat(JsonlSeriesReader.parse(lines, 10).series("v"))
                .containsExactly(new SeriesPoint("1", 1), new SeriesPoint("4", 4));
        Path f = dir.resolve("inf.jsonl");
        Files.write(f, lines);
        assertThat(SeriesHistory.read(f, "v", p -> { })).as("skipped").isZero();
    }

    @Test
    void should_refuse_malformed_lines_deep_nesting_and_too_many_fields() {
        for (String bad : List.of("[1,2]", "{\"a\":1", "{\"a\":1} {\"b\":2}", "{\"a\":1}x", "42", "{a:1}", "{\"a\":NaN}")) {
            assertThatThrownBy(() -> JsonlSeriesReader.parse(List.of("{\"ok\":1}", bad), 10)).as(bad)
                    .isInstanceOf(JsonlSeriesReader.MalformedLineException.class).hasMessageContaining("line 2");
        }
        String deep = "{\"a\":".repeat(17) + "1" + "}".repeat(17);
        assertThatThrownBy(() -> JsonlSeriesReader.parse(List.of(deep), 10))
                .isInstanceOf(JsonlSeriesReader.MalformedLineException.class).hasMessageContaining("16 levels");
        String deepArray = "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}";
        assertThatThrownBy(() -> JsonlSeriesReader.parse(List.of(deepArray), 10))
                .isInstanceOf(JsonlSeriesReader.MalformedLineException.class);
        String fine = "{\"a\":".repeat(15) + "1" + "}".repeat(15);
        assertThat(JsonlSeriesReader.parseLenient(List.of(fine)).numericColumns()).hasSize(1);
        assertThatThrownBy(() -> JsonlSeriesReader.parse(List.of("{\"a\":1,\"b\":2}", "{\"c\":{\"d\":3}}"), 2))
                .isInstanceOf(JsonlSeriesReader.TooManyFieldsException.class);
    }

    @Test
    void should_find_by_streaming_exactly_the_numeric_fields_and_points_the_whole_table_has() throws Exception {
        List<List<String>> files = List.of(
                List.of("{\"time\":\"1\",\"a\":1,\"b\":\"x\"}", "{\"time\":\"2\",\"a\":null,\"b\":2}", "",
                        "{\"time\":\"3\",\"c\":{\"d\":1e400,\"e\":[1,2]},\"a\":3}"),
                List.of("{\"x\":null}", "{\"y\":true,\"z\":{\"w\":1}}", "{\"z\":{\"w\":2.5},\"y\":1}"),
                List.of("{\"Timestamp\":\"t\",\"date\":\"d\",\"v\":-0.0}", "{\"m\":{\"\\u0000\":1},\"v\":1e-300}"));
        for (List<String> lines : files) {
            SeriesTable table = JsonlSeriesReader.parse(lines, 100);
            String text = String.join("\n", lines);
            List<String> streamed = JsonlSeriesReader.numericFields(new java.io.StringReader(text), 100);
            assertThat(streamed).as(text).isEqualTo(table.numericColumns());
            for (String field : streamed) {
                List<SeriesPoint> points = new java.util.ArrayList<>();
                JsonlSeriesReader.forEachPoint(new java.io.StringReader(text), field, points::add);
                assertThat(points).as(field).isEqualTo(table.series(field));
            }
        }
        assertThatThrownBy(() -> JsonlSeriesReader.numericFields(new java.io.StringReader("{\"a\":1,\"b\":2,\"c\":3}"), 2))
                .isInstanceOf(JsonlSeriesReader.TooManyFieldsException.class);
        String longLine = "{\"a\":\"" + "x".repeat(CsvSeriesReader.MAX_RECORD_CHARS) + "\"}";
        assertThatThrownBy(() -> JsonlSeriesReader.numericFields(new java.io.StringReader(longLine), 2))
                .isInstanceOf(JsonlSeriesReader.LineTooLongException.class).hasMessageContaining("line 1 is longer than");
    }

    @Test
    void should_stream_one_series_of_a_history_skipping_malformed_lines() throws Exception {
        Path f = dir.resolve("h.jsonl");
        Files.writeString(f, "{\"time\":\"1\",\"m\":{\"v\":1}}\r\nnot json\n\n{\"time\":\"2\",\"m\":{\"v\":\"x\"}}\n"
                + "{\"time\":\"3\",\"m\":{\"v\":3}}");
        long[] skipped = new long[1];
        List<SeriesPoint> points = new java.util.ArrayList<>();
        skipped[0] = SeriesHistory.read(f, "m.v", points::add);
        assertThat(points).containsExactly(new SeriesPoint("1", 1), new SeriesPoint("3", 3));
        assertThat(skipped[0]).isEqualTo(2);
        Path csv = dir.resolve("h.csv");
        Files.writeString(csv, "value,timestamp\n1,t1\nx,t2\n\n,t3\n4,t4\n");
        assertThat(SeriesHistory.all(csv, "value")).containsExactly(new SeriesPoint("t1", 1), new SeriesPoint("t4", 4));
        assertThat(SeriesHistory.all(csv, "nope")).isEmpty();
        Path longLine = dir.resolve("l.jsonl");
        Files.writeString(longLine, "{\"v\":\"" + "x".repeat(CsvSeriesReader.MAX_RECORD_CHARS) + "\"}\n");
        assertThatThrownBy(() -> SeriesHistory.all(longLine, "v")).isInstanceOf(SeriesHistory.UnreadableException.class);
    }
}
