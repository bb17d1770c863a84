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

    @Test
    void should_take_instants_of_four_digit_years_and_refuse_those_beyond() {
        assertThat(QueryParams.instant("before", "0000-01-01T00:00:00Z")).isEqualTo(QueryParams.EARLIEST);
        assertThat(QueryParams.instant("before", "9999-12-31T23:59:59.999999999Z")).isEqualTo(QueryParams.LATEST);
        QueryParams.LATEST.toEpochMilli(); // the store binds epoch millis: the bounds fit
        QueryParams.EARLIEST.toEpochMilli();
        for (String far : new String[] {"-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "-0001-12-31T23:59:59Z",
                "+10000-01-01T00:00:00Z"}) {
            assertThatThrownBy(() -> QueryParams.instant("since", far)).as(far)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).isEqualTo("query parameter since=\"" + far
                                + "\" is not a time from year 0000 to 9999, like 2026-01-31T12:00:00Z.");
                    });
        }
    }
}
