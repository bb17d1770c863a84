package org.maomao.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.maomao.schedule.ScheduleStore.Row;
import org.maomao.schedule.ScheduleStore;
import org.maomao.testing.MutableClock;
import org.maomao.testing.Race;

/**
 * What every {@link ScheduleStore} must do; a subclass only supplies the store. When a schedule
 * fires is the scheduler's to keep: the store writes what a schedule is, and reads the next fire
 * time and trigger state from the scheduler (none here, where no scheduler runs).
 */
public abstract class ScheduleStoreContract {
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05.678Z"));
    protected ScheduleStore store;

    /** A new, empty store, with no scheduler triggers. */
    protected abstract ScheduleStore createStore(Clock clock);

    @BeforeEach
    void newStore() {
        store = createStore(clock);
    }

    private static Row row(String collector, String dataset, String frequency, String source) {
        return new Row(collector + "@" + dataset, collector, dataset, frequency, "0 0 * * * ?", "Europe/Paris", source,
                null, null, false);
    }

    @Test
    void should_read_back_what_a_schedule_is() {
        Row r = row("alpha", "ds", "hourly", "api");
        store.upsert(r);

        assertThat(store.find("alpha@ds")).contains(r);
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void should_not_take_the_fire_time_from_the_caller() {
        store.upsert(new Row("alpha@ds", "alpha", "ds", "hourly", "0 0 * * * ?", "UTC", "api",
                Instant.parse("2030-01-01T00:00:00Z"), "WAITING", false));

        Row stored = store.find("alpha@ds").orElseThrow();
        assertThat(stored.nextFireTime()).isNull();
        assertThat(stored.triggerState()).isNull();
    }

    @Test
    void should_replace_by_id() {
        store.upsert(row("alpha", "ds", "hourly", "api"));
        Row changed = new Row("alpha@ds", "alpha", "ds", "every 5m", "0 0/5 * * * ?", "UTC", "file", null, null, true);

        store.upsert(changed);

        assertThat(store.find("alpha@ds")).contains(changed);
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.list(null)).containsExactly(changed);
    }

    // the operator's pause is the schedule's own: a firing that replaces the trigger reads it there
    @Test
    void should_keep_whether_the_operator_paused_a_schedule_until_it_is_resumed_or_rewritten() {
        Row r = row("alpha", "ds", "hourly", "api");
        store.upsert(r);
        store.upsert(row("beta", "ds", "hourly", "api"));
        assertThat(store.find("alpha@ds").orElseThrow().paused()).isFalse();

        assertThat(store.setPaused("alpha@ds", true)).isTrue();
        assertThat(store.find("alpha@ds").orElseThrow().paused()).isTrue();
        assertThat(store.list(null)).extracting(Row::paused).containsExactly(true, false);
        assertThat(store.setPaused("alpha@ds", true)).isTrue();
        assertThat(store.find("alpha@ds").orElseThrow().paused()).isTrue();

        assertThat(store.setPaused("alpha@ds", false)).isTrue();
        assertThat(store.find("alpha@ds").orElseThrow().paused()).isFalse();

        store.setPaused("alpha@ds", true);
        store.upsert(r); // rewritten, as a schedule asked for again: the row's word, not paused
        assertThat(store.find("alpha@ds")).contains(r);
        assertThat(store.find("beta@ds").orElseThrow().paused()).isFalse();
    }

    @Test
    void should_pause_no_schedule_that_does_not_exist() {
        assertThat(store.setPaused("nobody@ds", true)).isFalse();
        assertThat(store.find("nobody@ds")).isEmpty();
        assertThat(store.count()).isZero();
    }

    @Test
    void should_list_all_or_one_collectors_by_id() {
        Row b = row("beta", "ds", "daily", "api");
        Row a2 = row("alpha", "two", "daily", "file");
        Row a1 = row("alpha", "one", "hourly", "api");
        store.upsert(b);
        store.upsert(a2);
        store.upsert(a1);

        assertThat(store.list(null)).containsExactly(a1, a2, b);
        assertThat(store.list("alpha")).containsExactly(a1, a2);
        assertThat(store.list("beta")).containsExactly(b);
        assertThat(store.list("gamma")).isEmpty();
        assertThat(store.count()).isEqualTo(3);
    }

    @Test
    void should_delete_by_id_and_say_whether_there_was_one() {
        store.upsert(row("alpha", "ds", "hourly", "api"));
        store.upsert(row("beta", "ds", "hourly", "api"));

        assertThat(store.delete("alpha@ds")).isTrue();
        assertThat(store.delete("alpha@ds")).isFalse();
        assertThat(store.delete("nobody@ds")).isFalse();
        assertThat(store.find("alpha@ds")).isEmpty();
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void should_find_nothing_for_an_unknown_id() {
        assertThat(store.find("nobody@ds")).isEmpty();
        assertThat(store.list(null)).isEmpty();
        assertThat(store.count()).isZero();
    }

    @Test
    void should_not_take_a_collector_as_a_pattern() {
        store.upsert(row("a_b", "ds", "hourly", "api"));

        assertThat(store.list("axb")).isEmpty();
        assertThat(store.list("a%")).isEmpty();
        assertThat(store.list("a_b")).hasSize(1);
    }

    @Test
    void should_keep_one_row_for_a_schedule_written_twice_at_once() {
        for (int i = 0; i < 10; i++) {
            Row hourly = row("racer" + i, "ds", "hourly", "api");
            Row daily = row("racer" + i, "ds", "daily", "file");

            Race.run(() -> {
                store.upsert(hourly);
                return true;
            }, () -> {
                store.upsert(daily);
                return true;
            });

            assertThat(store.find("racer" + i + "@ds").orElseThrow()).isIn(hourly, daily);
        }
        assertThat(store.count()).isEqualTo(10);
    }
}
