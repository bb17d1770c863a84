package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvSeriesReaderTest {

    @Test
    void should_find_the_time_column_by_name_ignoring_case() {
        SeriesTable table = CsvSeriesReader.parse(List.of("value,Time,other", "1,10:00,2", "3,10:05,4"));

        assertThat(table.timeColumn()).contains("Time");
        assertThat(table.numericColumns()).containsExactly("value", "other");
        assertThat(table.series("value")).containsExactly(new SeriesPoint("10:00", 1), new SeriesPoint("10:05", 3));
    }

    @Test
    void should_prefer_timestamp_over_date() {
        SeriesTable table = CsvSeriesReader.parse(List.of("date,timestamp,v", "2024-01-01,1704067200,5"));

        assertThat(table.timeColumn()).contains("timestamp");
        assertThat(table.numericColumns()).containsExactly("v");
    }

    @Test
    void should_use_the_first_column_when_none_is_named_as_time() {
        SeriesTable table = CsvSeriesReader.parse(List.of("day,visits", "1,100", "2,120"));

        assertThat(table.timeColumn()).contains("day");
        assertThat(table.series("visits")).extracting(SeriesPoint::timestamp).containsExactly("1", "2");
    }

    @Test
    void should_skip_columns_with_a_value_that_is_not_a_number() {
        SeriesTable table = CsvSeriesReader.parse(List.of(
                "timestamp,city,temp,code",
                "2024-01-01,Paris,3.5,12",
                "2024-01-02,Lyon,-1e1,0x1F"));

        assertThat(table.numericColumns()).containsExactly("temp");
        assertThat(table.series("temp")).extracting(SeriesPoint::value).containsExactly(3.5, -10.0);
    }

    @Test
    void should_read_quoted_fields_with_commas_and_doubled_quotes() {
        SeriesTable table = CsvSeriesReader.parse(List.of(
                "timestamp,label,value",
                "\"2024-01-01, noon\",\"say \"\"hi\"\", twice\",\" 42 \"",
                "2024-01-02,plain,43"));

        assertThat(table.numericColumns()).containsExactly("value");
        assertThat(table.series("value")).containsExactly(
                new SeriesPoint("2024-01-01, noon", 42), new SeriesPoint("2024-01-02", 43));
    }

    @Test
    void should_read_a_quoted_field_that_spans_lines() throws IOException {
        SeriesTable table = CsvSeriesReader.read(new StringReader(
                "timestamp,note,value\r\n2024-01-01,\"two\r\nlines\",1\r\n2024-01-02,x,2\r\n"));

        assertThat(table.rowCount()).isEqualTo(2);
        assertThat(table.series("value")).extracting(SeriesPoint::value).containsExactly(1.0, 2.0);
    }

    @Test
    void should_ignore_blank_lines_and_trim_fields() {
        SeriesTable table = CsvSeriesReader.parse(List.of(" timestamp , value ", "", "  t1 ,  1 ", "   ", "t2,2", ""));

        assertThat(table.header()).containsExactly("timestamp", "value");
        assertThat(table.rowCount()).isEqualTo(2);
        assertThat(table.series("value")).containsExactly(new SeriesPoint("t1", 1), new SeriesPoint("t2", 2));
    }

    @Test
    void should_leave_out_empty_and_nan_cells_but_keep_the_column_numeric() {
        SeriesTable table = CsvSeriesReader.parse(List.of("timestamp,a,b", "t1,1,", "t2,NaN,5", "t3,3"));

        assertThat(table.numericColumns()).containsExactly("a", "b");
        assertThat(table.series("a")).extracting(SeriesPoint::timestamp).containsExactly("t1", "t3");
        assertThat(table.series("b")).extracting(SeriesPoint::timestamp).containsExactly("t2");
    }

    @Test
    void should_count_a_number_beyond_a_double_as_missing_and_keep_the_column() {
        SeriesTable table = CsvSeriesReader.parse(List.of(
                "timestamp,a", "t1,1", "t2,1e309", "t3,-1E+400", "t4," + "9".repeat(400), "t5,1e-400"));

        assertThat(table.series("a")).containsExactly(new SeriesPoint("t1", 1), new SeriesPoint("t5", 0));
        assertThat(CsvSeriesReader.isMissing("1e309")).isTrue();
        assertThat(CsvSeriesReader.isMissing("1e308")).isFalse();
    }

    @Test
    void should_recognise_numbers_as_the_documented_pattern_does() {
        for (String number : List.of("12", "-0.5", "+3", "1.", ".5", "1.5e3", "-1E-3", "2e+10", "007", "0.0e0")) {
            assertThat(CsvSeriesReader.isNumber(number)).as(number).isTrue();
        }
        for (String other : List.of("", "+", "-", ".", "e5", ".e5", "1e", "1e+", "1.2.3", "1,000", "0x1F", "1d",
                "1f", " 1", "1 ", "--1", "+-1", "1e5.0", "1ee5", "5%", "١٢", "Infinity", "NaN", "1_000")) {
            assertThat(CsvSeriesReader.isNumber(other)).as(other).isFalse();
        }
    }

    @Test
    void should_reject_a_huge_cell_that_is_almost_a_number_in_linear_time() {
        // The former regex backtracked between its two digit runs: 40,000 digits took 21 s.
        String cell = "1".repeat(1_000_000) + "x";
        String dotted = "1".repeat(500_000) + "." + "1".repeat(500_000) + "e";

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThat(CsvSeriesReader.isNumber(cell)).isFalse();
            assertThat(CsvSeriesReader.isNumber(dotted)).isFalse();
            assertThat(CsvSeriesReader.parse(List.of("timestamp,a", "t1,1", "t2," + cell)).numericColumns()).isEmpty();
        });
    }

    @Test
    void should_find_no_series_in_a_header_only_table() {
        SeriesTable table = CsvSeriesReader.parse(List.of("timestamp,value"));

        assertThat(table.timeColumn()).contains("timestamp");
        assertThat(table.numericColumns()).isEmpty();
        assertThat(table.rowCount()).isZero();
    }

    @Test
    void should_return_an_empty_table_for_empty_input() {
        SeriesTable table = CsvSeriesReader.parse(List.of());

        assertThat(table.timeColumn()).isEmpty();
        assertThat(table.header()).isEmpty();
    }

    @Test
    void should_read_only_the_new_rows_given_with_the_header() {
        SeriesTable table = CsvSeriesReader.parse("timestamp,value", List.of("t9,90", "t10,100"));

        assertThat(table.series("value")).containsExactly(new SeriesPoint("t9", 90), new SeriesPoint("t10", 100));
    }

    @Test
    void should_ignore_a_byte_order_mark() {
        SeriesTable table = CsvSeriesReader.parse(List.of("\uFEFF\"timestamp\",value", "t1,1"));

        assertThat(table.timeColumn()).contains("timestamp");
        assertThat(table.numericColumns()).containsExactly("value");
    }

    @Test
    void should_list_the_numeric_columns_when_asked_for_another() {
        SeriesTable table = CsvSeriesReader.parse(List.of("timestamp,a,b", "t1,1,2"));

        assertThatThrownBy(() -> table.series("c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no numeric column 'c'; numeric columns: a, b");
    }

    @Test
    void should_read_every_numeric_column_of_a_resource_file() throws IOException {
        try (Reader reader = new InputStreamReader(
                getClass().getResourceAsStream("/spike/two-series.csv"), StandardCharsets.UTF_8)) {
            SeriesTable table = CsvSeriesReader.read(reader);

            assertThat(table.timeColumn()).contains("timestamp");
            assertThat(table.numericColumns()).containsExactly("requests", "latency_ms");
            assertThat(table.series("requests")).hasSize(table.rowCount());
        }
    }

    @Test
    void should_name_a_series_by_file_and_column() {
        assertThat(SeriesTable.seriesName("weather/daily.csv", "temp")).isEqualTo("weather/daily.csv#temp");
    }

    @org.junit.jupiter.api.Test
    void should_find_in_one_streaming_pass_the_numeric_columns_the_table_finds() throws java.io.IOException {
        String[] files = {
            "timestamp,a,b,c\n1,1,x,\n2,2,3,\n",          // b has text, c is all missing
            "t,v,v,w\n1,x,2,3\n2,y,4,5\n",                // repeated name: the numeric second one is the series
            "t,v,v\n1,1,2\n",                              // repeated name: the first numeric one
            "value,time\n5,2026-01-01\n6,2026-01-02\n",    // the time column is not a series
            "a,b\n",                                        // header only
            "",                                              // empty
            "t,q\n1,\"1\"\n2,\" 2\"\n3,1e309\n",         // quoted numbers, a number beyond a double
        };
        for (String f : files) {
            SeriesTable table = CsvSeriesReader.read(new java.io.StringReader(f));
            CsvSeriesReader.Columns columns = CsvSeriesReader.columns(new java.io.StringReader(f));
            assertThat(columns.numeric()).as(f).isEqualTo(table.numericColumns());
            for (String name : columns.numeric()) {
                java.util.List<SeriesPoint> streamed = new java.util.ArrayList<>();
                CsvSeriesReader.forEachPoint(new java.io.StringReader(f), columns.numericIndex().get(name), columns.time(),
                        streamed::add);
                assertThat(streamed).as(f + " " + name).isEqualTo(table.series(name));
            }
        }
    }
}
