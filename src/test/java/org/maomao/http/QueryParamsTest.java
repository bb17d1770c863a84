package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Shared query parameters: absent means the default, out of range or malformed is a 400 with a sentence. */
class QueryParamsTest {

    @Test
    void should_take_the_default_when_a_count_is_absent_and_accept_1_to_max() {
        assertThat(QueryParams.count("limit", null, 50, 1000)).isEqualTo(50);
        assertThat(QueryParams.count("limit", "1", 50, 1000)).isEqualTo(1);
        assertThat(QueryParams.count("limit", "1000", 50, 1000)).isEqualTo(1000);
    }

    @Test
    void should_refuse_a_count_out_of_range_or_not_a_number() {
        for (String bad : new String[] {"0", "-1", "1001", "", "ten", "1.5", "99999999999"}) {
            assertThatThrownBy(() -> QueryParams.count("limit", bad, 50, 1000)).as(bad)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.code()).isEqualTo("bad_request");
                        assertThat(e.getMessage()).isEqualTo("query parameter limit=\"" + bad
                                + "\" must be a whole number from 1 to 1000.");
                    });
        }
    }

    @Test
    void should_parse_an_instant_and_refuse_anything_else() {
        assertThat(QueryParams.instant("since", null)).isNull();
        assertThat(QueryParams.instant("since", "2026-01-31T12:00:00Z")).isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
        assertThatThrownBy(() -> QueryParams.instant("since", "yesterday"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("query parameter since=\"yesterday\" is not a time like 2026-01-31T12:00:00Z.");
                });
    }
}
