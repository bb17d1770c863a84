package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.maomao.spike.SeriesStore;

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
        String next = SeriesPaging.next(last, 20);
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
}
