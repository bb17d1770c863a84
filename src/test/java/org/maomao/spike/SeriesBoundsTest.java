package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.spike.SeriesLimitException;
import org.maomao.spike.TableRows;
import org.maomao.spike.SeriesStore;
import org.maomao.store.Database;
import org.maomao.store.JdbcSeriesStore;

/** The bounds of the series reader and of the series a run may create, against a real H2 store. */
class SeriesBoundsTest {
    @TempDir
    Path dir;
    Database db;
    JdbcSeriesStore store;
    SeriesLimits limits;

    @BeforeEach
    void open() {
        db = Database.open(Database.h2Url(dir), null, null, 2);
        store = new JdbcSeriesStore(db.dataSource(), Clock.systemUTC());
        limits = new SeriesLimits(store);
    }

    @AfterEach
    void close() {
        db.close();
    }

    static String columns(int n) {
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < n; i++) {
            h.append(",c").append(i);
        }
        return h.toString();
    }

    @Test
    void should_count_the_columns_the_detector_would_see_even_when_a_quote_carries_the_header_into_the_rows() {
        // the header line has two columns, but its open quote makes the next line part of the header
        TableRows sneaky = new TableRows("x.csv", "t,\"x", List.of("\"" + columns(300), "1" + ",5".repeat(301)));
        assertThat(CsvSeriesReader.parse(sneaky.header(), sneaky.rows()).header()).hasSize(302);
        assertThatThrownBy(() -> limits.check("ds", "col", List.of(sneaky), 256, 10_000))
                .isInstanceOf(SeriesLimitException.class).hasMessageContaining("x.csv has 301 columns besides its time column");

        // a header of empty fields makes the first row the header
        TableRows blank = new TableRows("y.csv", ",,,", List.of("t" + columns(300), "1" + ",5".repeat(300)));
        assertThatThrownBy(() -> limits.check("ds", "col", List.of(blank), 256, 10_000))
                .isInstanceOf(SeriesLimitException.class).hasMessageContaining("y.csv has 300 columns");
    }

    @Test
    void should_count_only_new_numeric_series_of_the_collector_against_max_series() throws Exception {
        for (int i = 0; i < 5; i++) {
            store.save(new SeriesStore.SeriesRecord("ds", "col/a.csv#c" + i, null, 1, "1", 1.0, Instant.now()), List.of());
        }
        store.save(new SeriesStore.SeriesRecord("ds", "col_other/a.csv#c0", null, 1, "1", 1.0, Instant.now()), List.of());
        store.save(new SeriesStore.SeriesRecord("ds", "colx/a.csv#c0", null, 1, "1", 1.0, Instant.now()), List.of());
        assertThat(store.count("ds", "col")).isEqualTo(5); // '_' in a name is no LIKE wildcard
        assertThat(store.count("ds", "col_")).isZero();

        // five known series, two new numeric ones, one text column: 7 of at most 7
        TableRows rows = new TableRows("a.csv", "t" + columns(7) + ",label", List.of("1" + ",5".repeat(7) + ",red"));
        limits.check("ds", "col", List.of(rows), 256, 7);
        assertThatThrownBy(() -> limits.check("ds", "col", List.of(rows), 256, 6))
                .isInstanceOf(SeriesLimitException.class)
                .hasMessageContaining("would add 2 series to the 5 that col has in dataset ds, more than max_series (6)");
        // known series alone never fail, even past a lowered bound
        TableRows known = new TableRows("a.csv", "t" + columns(5), List.of("1" + ",5".repeat(5)));
        limits.check("ds", "col", List.of(known), 256, 3);
    }

    @Test
    void should_refuse_a_series_name_longer_than_the_store_holds_and_take_one_that_fits() throws Exception {
        // "col/a.csv#" is 10 characters: a column of 502 makes a name of 512, the most the store holds
        String fits = "v".repeat(SeriesStore.MAX_NAME_LENGTH - "col/a.csv#".length());
        TableRows ok = new TableRows("a.csv", "t," + fits + "," + "x".repeat(5000), List.of("1,5,some text"));
        limits.check("ds", "col", List.of(ok), 256, 10_000); // the long column is text: no series
        store.save(new SeriesStore.SeriesRecord("ds", SeriesTable.seriesName("col/a.csv", fits), null, 1, "1", 5.0,
                Instant.now()), List.of());
        assertThatThrownBy(() -> store.save(new SeriesStore.SeriesRecord("ds", SeriesTable.seriesName("col/a.csv", fits + "w"),
                null, 1, "1", 5.0, Instant.now()), List.of())).as("the bound is what the store holds").isNotNull();

        TableRows csv = new TableRows("a.csv", "t," + fits + "w", List.of("1,5"));
        assertThatThrownBy(() -> limits.check("ds", "col", List.of(csv), 256, 10_000))
                .isInstanceOf(SeriesLimitException.class)
                .hasMessage("output \"a.csv\" has a column named \"" + "v".repeat(SeriesLimits.QUOTED_NAME) + "…\" whose "
                        + "series name (col/<file>#<column>) would be 513 characters, more than the 512 the store holds; "
                        + "write a shorter column or file name. Nothing was committed.");

        String deep = "d/".repeat(300) + "b.jsonl";
        TableRows jsonl = new TableRows(deep, null, List.of("{\"time\":\"1\",\"m\":{\"v\":1}}"));
        assertThatThrownBy(() -> limits.check("ds", "col", List.of(jsonl), 256, 10_000))
                .isInstanceOf(SeriesLimitException.class)
                .hasMessageStartingWith("output \"" + deep.substring(0, SeriesLimits.QUOTED_NAME) + "…\" has a field named "
                        + "\"m.v\" whose series name (col/<file>#<field>) would be 615 characters");
    }

    @Test
    void should_name_a_jsonl_field_holding_a_nul_as_stored_and_find_its_points_by_that_name() throws Exception {
        // JSON's \\u0000 decodes to U+0000, which PostgreSQL's text refuses: the stores keep U+FFFD, and the
        // reader names the field so too, or the stored series could never be read from its file again
        String line = "{\"time\":\"1\",\"a\\u0000b\":5,\"m\":{\"\\u0000\":7}}";
        TableRows jsonl = new TableRows("k.jsonl", null, List.of(line));
        limits.check("ds", "col", List.of(jsonl), 256, 10_000);
        assertThat(SeriesFormat.table(jsonl).numericColumns()).containsExactly("a\uFFFDb", "m.\uFFFD");
        String name = SeriesTable.seriesName("col/k.jsonl", "a\uFFFDb");
        store.save(new SeriesStore.SeriesRecord("ds", name, null, 1, "1", 5.0, Instant.now()), List.of());
        assertThat(store.find("ds", name)).isPresent();
        assertThat(JsonlSeriesReader.point(line, "a\uFFFDb")).isEqualTo(new SeriesPoint("1", 5.0));
        assertThat(JsonlSeriesReader.point(line, "m.\uFFFD")).isEqualTo(new SeriesPoint("1", 7.0));
    }

    @Test
    void should_refuse_a_csv_record_longer_than_the_bound_without_reading_further() throws IOException {
        // a reader of an endless line: reading it whole would never end
        Reader endless = new Reader() {
            @Override
            public int read(char[] buf, int off, int len) {
                java.util.Arrays.fill(buf, off, off + len, '7');
                return len;
            }

            @Override
            public void close() {
            }
        };
        assertThatThrownBy(() -> CsvSeriesReader.read(endless))
                .isInstanceOf(CsvSeriesReader.RecordTooLongException.class).hasMessageContaining("record 1 is longer than 1048576");
        // a record just within the bound is read (leading zeros: a number of a million digits is too
        // large for a double, which makes the cell missing)
        String ok = "t,v\n1," + "0".repeat(CsvSeriesReader.MAX_RECORD_CHARS - 4) + "2\n";
        assertThat(CsvSeriesReader.read(new java.io.StringReader(ok)).series("v")).hasSize(1);
    }

    @Test
    void should_plot_from_the_tail_of_a_big_file_and_not_from_a_file_with_a_huge_header() throws IOException {
        Path csv = dir.resolve("big.csv");
        List<String> lines = new ArrayList<>();
        lines.add("timestamp,a,v");
        for (int i = 0; i < 200_000; i++) {
            lines.add(i + ",x," + (i % 97));
        }
        Files.write(csv, lines);
        List<SeriesPoint> tail = SeriesFiles.tail(csv, "v", 300);
        assertThat(tail).hasSize(300);
        assertThat(tail.get(299)).isEqualTo(new SeriesPoint("199999", 199_999 % 97));
        assertThat(tail.get(0).timestamp()).isEqualTo("199700");
        assertThat(SeriesFiles.tail(csv, "timestamp", 10)).isEmpty();
        assertThat(SeriesFiles.tail(csv, "nope", 10)).isEmpty();
        assertThat(SeriesFiles.tail(csv, "a", 10)).isEmpty(); // not numeric

        // a whole file shorter than the limit, with \r\n line breaks
        Path small = Files.writeString(dir.resolve("small.csv"), "timestamp,v\r\n1,10\r\n2,20\r\n");
        assertThat(SeriesFiles.tail(small, "v", 300)).containsExactly(new SeriesPoint("1", 10), new SeriesPoint("2", 20));

        Path huge = dir.resolve("huge.csv");
        Files.writeString(huge, "timestamp,v" + ",x".repeat(CsvSeriesReader.MAX_RECORD_CHARS) + "\n1,2\n");
        assertThat(SeriesFiles.tail(huge, "v", 10)).isEmpty();
    }
}
