package org.maomao.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.collector.RunPolicy;
import org.maomao.schedule.Frequency;
import org.maomao.units.Durations;

/** Crons that never fire and durations that overflow are refused where they are read, with a sentence. */
class NeverAndOverflowTest {
    @TempDir
    Path dir;

    @Test
    void should_refuse_crons_that_never_fire_within_five_years() {
        for (String cron : List.of("0 0 30 2 *", "0 0 31 4 *", "0 0 0 30 2 ?", "0 0 0 31 11 ? *", "0 0 0 1 1 ? 2020",
                "0 0 0 1 1 ? 2099")) {
            assertThatThrownBy(() -> Frequency.parse(cron, "x")).as(cron).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("never fires");
        }
        // rare but real: February 29th comes within four years
        assertThat(Frequency.parse("0 0 29 2 *", "x").quartzCron()).isEqualTo("0 0 0 29 2 ? *");
        assertThat(Frequency.parse("0 0 31 12 *", "x").quartzCron()).contains("31 12");
    }

    @Test
    void should_refuse_durations_that_overflow_or_are_negative() {
        for (String d : List.of("99999999999999999d", "9999999999999d", "999999999999999999999s", "PT2562047788015216H",
                "P99999999D", "3651d", "PT87601H")) {
            assertThatThrownBy(() -> Durations.parse("timeout", d)).as(d).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("timeout");
        }
        assertThatThrownBy(() -> Durations.parse("timeout", "-PT5S")).isInstanceOf(IllegalArgumentException.class);
        for (String d : List.of("PT-5S", "P-1D", "PT-0.5S")) {
            assertThatThrownBy(() -> Durations.parse("timeout", d)).as(d).hasMessageContaining("negative");
        }
        assertThat(Durations.parse("timeout", "3650d")).isEqualTo(Duration.ofDays(3650));
        assertThatThrownBy(() -> Durations.parse("timeout", "9".repeat(100_000) + "d"))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @Test
    void should_refuse_the_same_in_a_policy_and_in_collector_ini() throws Exception {
        for (String bad : List.of("timeout = 99999999999999999d", "timeout = 0s", "timeout = -PT1S", "retry_backoff = P99999999D",
                "retry_backoff_max = 9999999999999d", "schedule = 0 0 30 2 *")) {
            Path file = dir.resolve("c" + Math.abs(bad.hashCode())).resolve(CollectorFile.FILE_NAME);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "image = maomao/x:1\n" + bad + "\n");
            assertThatThrownBy(() -> CollectorFile.read(file)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining(bad.substring(0, bad.indexOf(' ')).replace("schedule", "never fires"));
            List<IllegalArgumentException> errors = new java.util.ArrayList<>();
            assertThat(CollectorFile.scan(file.getParent().getParent(), errors::add)).as(bad)
                    .noneMatch(f -> f.file().equals(file));
            assertThat(errors).as(bad).isNotEmpty();
        }
        assertThatThrownBy(() -> RunPolicy.defaults().with(java.util.Map.of("timeout", "0s"), true))
                .hasMessageContaining("timeout");
    }
}
