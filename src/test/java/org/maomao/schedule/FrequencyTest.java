package org.maomao.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FrequencyTest {
    @Test
    void should_give_each_collector_a_stable_daily_time() {
        assertThat(Frequency.parse("daily", "weather").quartzCron()).isEqualTo(Frequency.parse("daily", "weather").quartzCron());
        Set<String> times = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            times.add(Frequency.parse("daily", "collector-" + i).quartzCron());
        }
        assertThat(times).hasSizeGreaterThan(80); // spread, not all at midnight
        assertThat(Frequency.parse("daily", "x").quartzCron()).matches("0 \\d{1,2} \\d{1,2} \\* \\* \\? \\*");
    }

    @Test
    void should_map_hourly_weekly_and_crontab_lines() {
        assertThat(Frequency.parse("hourly", "x").quartzCron()).matches("0 \\d{1,2} \\* \\* \\* \\? \\*");
        assertThat(Frequency.parse("weekly", "x").quartzCron()).matches("0 \\d{1,2} \\d{1,2} \\? \\* [1-7] \\*");
        assertThat(Frequency.parse("monthly", "x").quartzCron()).matches("0 \\d{1,2} \\d{1,2} \\d{1,2} \\* \\? \\*");
        assertThat(Frequency.parse("0 3 * * 1-5", "x").quartzCron()).isEqualTo("0 0 3 ? * 2-6 *");
        assertThat(Frequency.parse("@daily", "x").quartzCron()).isEqualTo(Frequency.parse("daily", "x").quartzCron());
    }

    @Test
    void should_resolve_jenkins_h_to_a_stable_value_in_range() {
        String a = Frequency.parse("H H(2-4) * * *", "weather").quartzCron();
        assertThat(a).isEqualTo(Frequency.parse("H H(2-4) * * *", "weather").quartzCron());
        String[] f = a.split(" ");
        assertThat(Integer.parseInt(f[1])).isBetween(0, 59);
        assertThat(Integer.parseInt(f[2])).isBetween(2, 4);
        assertThat(Frequency.parse("H/15 * * * *", "weather").quartzCron()).matches("0 \\d{1,2}-59/15 \\* \\* \\* \\? \\*");
        Set<String> minutes = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            minutes.add(Frequency.parse("H 6 * * *", "c" + i).quartzCron().split(" ")[1]);
        }
        assertThat(minutes).hasSizeGreaterThan(20);
    }

    @Test
    void should_take_quartz_cron_with_seconds() {
        assertThat(Frequency.parse("0/5 * * * * ?", "x").quartzCron()).isEqualTo("0/5 * * * * ?");
        assertThatThrownBy(() -> Frequency.parse("0/5 * * * * * ?", "x")).hasMessageContaining("Quartz cron");
    }

    @Test
    void should_refuse_unknown_frequencies_with_the_accepted_forms() {
        assertThatThrownBy(() -> Frequency.parse("fortnightly", "x")).hasMessageContaining("hourly, daily, weekly");
        assertThatThrownBy(() -> Frequency.parse("61 * * * *", "x")).hasMessageContaining("crontab");
        assertThatThrownBy(() -> Frequency.parse("", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
