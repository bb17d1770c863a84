package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A series id is {@code <dataset>/<collector>/<file>#<column>}; anything else names no series (404, no store read). */
class SeriesIdTest {

    @Test
    void should_split_an_id_into_dataset_name_file_and_column() {
        assertThat(SeriesId.parse("rs/hourly/data/hourly.csv#value")).contains(
                new SeriesId("rs", "hourly/data/hourly.csv#value", "hourly/data/hourly.csv", "value"));
    }

    @Test
    void should_take_the_column_after_the_last_hash() {
        SeriesId id = SeriesId.parse("rs/c/a#b.csv#v").orElseThrow();
        assertThat(id.file()).isEqualTo("c/a#b.csv");
        assertThat(id.column()).isEqualTo("v");
    }

    @Test
    void should_name_no_series_without_dataset_collector_or_column() {
        assertThat(SeriesId.parse("")).isEmpty();
        assertThat(SeriesId.parse("rs")).isEmpty();
        assertThat(SeriesId.parse("/c/f.csv#v")).isEmpty();        // no dataset
        assertThat(SeriesId.parse("rs/nothing")).isEmpty();         // no column
        assertThat(SeriesId.parse("rs/f.csv#v")).isEmpty();         // no collector
        assertThat(SeriesId.parse("r#s/c/f.csv")).isEmpty();        // the '#' is before the first '/'
        assertThat(SeriesId.parse("rs//f.csv#v")).isEmpty();        // empty collector
    }

    @Test
    void should_refuse_a_dataset_that_is_not_a_name() {
        assertThat(SeriesId.parse("../c/f.csv#v")).isEmpty();
        assertThat(SeriesId.parse("..%2F../c/f.csv#v")).isEmpty();
        assertThat(SeriesId.parse(".hidden/c/f.csv#v")).isEmpty();
    }

    @Test
    void should_say_how_to_find_series_when_one_is_unknown() {
        ApiException e = SeriesId.unknown("rs/x");
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("not_found");
        assertThat(e.getMessage()).isEqualTo("series \"rs/x\" does not exist; GET /series lists them (write # as %23).");
    }

    @Test
    void should_split_at_the_first_hash_whose_file_exists_when_a_column_holds_one() {
        SeriesId id = SeriesId.parse("ds/c/keys.jsonl#a#b", file -> file.equals("c/keys.jsonl")).orElseThrow();
        assertThat(id.file()).isEqualTo("c/keys.jsonl");
        assertThat(id.column()).isEqualTo("a#b");
        // no such file: the last '#' as before
        SeriesId last = SeriesId.parse("ds/c/keys.jsonl#a#b", file -> false).orElseThrow();
        assertThat(last.file()).isEqualTo("c/keys.jsonl#a");
        assertThat(last.column()).isEqualTo("b");
    }

    @Test
    void should_percent_encode_what_a_collector_may_put_in_a_series_name() {
        assertThat(SeriesId.url("ds", "c/f.csv#v")).isEqualTo("/series/ds/c/f.csv%23v");
        assertThat(SeriesId.url("ds", "c/f.jsonl#a b\"\n%?&é")).isEqualTo("/series/ds/c/f.jsonl%23a%20b%22%0A%25%3F%26%C3%A9");
    }
}
