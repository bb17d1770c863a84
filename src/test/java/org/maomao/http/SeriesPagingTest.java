package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.ArrayList;

import org.junit.jupiter.api.Test;
import org.maomao.spike.SeriesStore;
import org.maomao.testing.InMemorySeriesStore;

/** {@code GET /series} pages: the next link names the last series, and {@code ?after=} reads it back. */
class SeriesPagingTest {

    @Test
    void should_start_at_the_first_page_without_after() {
        assertThat(SeriesPaging.after(null)).isEqualTo(SeriesPaging.After.FIRST);
        assertThat(SeriesPaging.after("")).isEqualTo(SeriesPaging.After.FIRST);
    }

    @Test
    void should_read_back_the_after_of_its_own_next_link() {
        SeriesStore.SeriesRecord last = new SeriesStore.SeriesRecord("rs", "c/a b&x.csv#v%", null, 3, "t", 1.0, Instant.EPOCH);
        String next = SeriesPaging.next(last, 20, null);
        assertThat(next).startsWith("/series?limit=20&after=").doesNotContain("#", " ", "&x");
        String after = URLDecoder.decode(next.substring(next.indexOf("after=") + 6), StandardCharsets.UTF_8);
        assertThat(SeriesPaging.after(after)).isEqualTo(new SeriesPaging.After("rs", "c/a b&x.csv#v%"));
    }

    @Test
    void should_refuse_an_after_that_is_no_series_id() {
        for (String bad : new String[] {"nodataset", "/c/f#v", "../c/f#v", "rs/" + "x".repeat(1100)}) {
            assertThatThrownBy(() -> SeriesPaging.after(bad)).as(bad)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("is not a series id", "as the next link does");
                    });
        }
    }

    @Test
    void should_leave_the_runs_own_series_out_unless_asked_for_and_page_past_them() {
        InMemorySeriesStore store = new InMemorySeriesStore(java.time.Clock.systemUTC());
        for (String d : List.of("_maomao", "alpha", "zeta")) {
            for (int i = 0; i < 5; i++) {
                store.save(new SeriesStore.SeriesRecord(d, "c/f.csv#v" + i, null, 1, "t", 1.0, Instant.EPOCH), List.of());
            }
        }
        List<SeriesStore.SeriesRecord> all = new ArrayList<>();
        SeriesPaging.After after = SeriesPaging.After.FIRST;
        while (true) {
            List<SeriesStore.SeriesRecord> page = SeriesPaging.collect(store, null, after, 3);
            all.addAll(page);
            if (page.size() < 3) {
                break;
            }
            SeriesStore.SeriesRecord last = page.get(page.size() - 1);
            after = new SeriesPaging.After(last.dataset(), last.name());
        }
        assertThat(all).hasSize(10).extracting(SeriesStore.SeriesRecord::dataset).doesNotContain("_maomao");
        assertThat(SeriesPaging.collect(store, "_maomao", SeriesPaging.After.FIRST, 100))
                .hasSize(5).extracting(SeriesStore.SeriesRecord::dataset).containsOnly("_maomao");
        assertThat(SeriesPaging.collect(store, "alpha", new SeriesPaging.After("alpha", "c/f.csv#v2"), 100))
                .extracting(SeriesStore.SeriesRecord::name).containsExactly("c/f.csv#v3", "c/f.csv#v4");
        assertThat(SeriesPaging.next(all.get(0), 3, "_maomao")).contains("&dataset=_maomao&after=");
    }
}
