package org.maomao.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The lines of {@code maomao watch} for people, from the daemon's own JSON shapes. */
class EventLineTest {
    @Test
    void a_spike_an_alert_and_a_run_end_each_make_one_line() throws Exception {
        String spike = "{\"dataset\":\"levels\",\"series\":\"spiky/level.csv#value\",\"series_id\":\"levels/spiky/level.csv#value\","
                + "\"timestamp\":\"2026-02-01T00:00:50\",\"value\":900.0,\"mean\":102.04999,\"deviation\":1.4,\"z\":569.2500001,"
                + "\"direction\":\"up\",\"run_id\":\"r1\",\"commit\":\"abc\",\"detected_at\":\"2026-12-01T20:00:00Z\"}";
        assertThat(EventLine.of("spike", ApiClient.JSON.readTree(spike))).isEqualTo("2026-12-01T20:00:00Z  spike  "
                + "levels/spiky/level.csv#value at 2026-02-01T00:00:50: value 900, expected 102, z 569.3 (up), run r1");
        String alert = "{\"alert\":\"failing\",\"collector\":\"flaky\",\"dataset\":\"none\",\"failures\":3,\"run_id\":\"r2\","
                + "\"message\":\"exited with code 3\",\"at\":\"2026-12-01T20:01:00Z\"}";
        assertThat(EventLine.of("alert", ApiClient.JSON.readTree(alert)))
                .isEqualTo("2026-12-01T20:01:00Z  alert  flaky@none: failing after 3 failed runs: exited with code 3");
        String run = "{\"id\":\"r3\",\"collector\":\"hello\",\"dataset\":\"d\",\"state\":\"failed\",\"attempt\":2,\"member\":\"m1\","
                + "\"commit\":null,\"exit_code\":1,\"message\":\"x\",\"trigger\":\"schedule\",\"finished_at\":\"2026-12-01T20:02:00Z\"}";
        assertThat(EventLine.of("run", ApiClient.JSON.readTree(run)))
                .isEqualTo("2026-12-01T20:02:00Z  run    hello@d failed (attempt 2, member m1, commit -, exit 1) r3");
        assertThat(EventLine.num(ApiClient.JSON.readTree("4.2e-7"))).isEqualTo("4.200e-07");
    }
}
