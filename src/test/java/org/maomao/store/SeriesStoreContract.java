package org.maomao.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.maomao.spike.DetectorState;
import org.maomao.spike.SeriesStore.SeriesRecord;
import org.maomao.spike.SeriesStore.SpikeQuery;
import org.maomao.spike.SeriesStore;
import org.maomao.spike.SpikeDetector;
import org.maomao.spike.SpikeParameters;
import org.maomao.spike.SpikeRecord;
import org.maomao.testing.MutableClock;
import org.maomao.testing.Race;

/**
 * What every {@link SeriesStore} must do; a subclass only supplies the store. A series is named
 * {@code <collector>/<file>#<column>}; names in one assertion of order differ in letters at the
 * same places, so the order holds under any database collation.
 */
public abstract class SeriesStoreContract {
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05.678Z"));
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    protected SeriesStore store;

    /** A new, empty store whose update times come from {@code clock}. */
    protected abstract SeriesStore createStore(Clock clock);

    @BeforeEach
    void newStore() {
        store = createStore(clock);
    }

    private static SeriesRecord series(String dataset, String name, String state, long points) {
        return new SeriesRecord(dataset, name, state, points, "2026-01-01T00:00:00Z", 1.5, null);
    }

    private SpikeRecord spike(String dataset, String series, String ts, int minute) {
        return new SpikeRecord(0, dataset, series, ts, 10.0, 1.0, 0.5, 18.0, 1, "run-1", "abc", t0.plusSeconds(60L * minute));
    }

    private SeriesRecord stored(SeriesRecord s) {
        return new SeriesRecord(s.dataset(), s.name(), s.detectorState(), s.points(), s.lastTimestamp(), s.lastValue(),
                clock.instant());
    }

    @Test
    void should_read_back_a_series_with_the_time_the_store_saved_it() {
        SeriesRecord s = series("ds", "c/f.csv#v", "state-1", 12);
        store.save(s, List.of());

        assertThat(store.find("ds", "c/f.csv#v")).contains(stored(s));
        SeriesRecord empty = new SeriesRecord("ds", "c/f.csv#w", null, 0, null, null, null);
        store.save(empty, List.of());
        assertThat(store.find("ds", "c/f.csv#w")).contains(stored(empty));
    }

    @Test
    void should_keep_the_run_that_last_fed_a_series() {
        store.save(new SeriesRecord("ds", "c/f.csv#v", "s", 3, "t", 1.0, null, "run-1"), List.of());
        assertThat(store.find("ds", "c/f.csv#v").orElseThrow().lastRun()).isEqualTo("run-1");
        store.save(new SeriesRecord("ds", "c/f.csv#v", "s", 4, "t", 1.0, null, "run-2"), List.of());
        assertThat(store.find("ds", "c/f.csv#v").orElseThrow().lastRun()).isEqualTo("run-2");
        store.replace(new SeriesRecord("ds", "c/f.csv#v", "s", 4, "t", 1.0, null, "run-2"), List.of());
        assertThat(store.find("ds", "c/f.csv#v").orElseThrow().lastRun()).isEqualTo("run-2");
    }

    @Test
    void should_find_nothing_for_an_unknown_series() {
        store.save(series("ds", "c/f.csv#v", "s", 1), List.of());

        assertThat(store.find("ds", "c/f.csv#x")).isEmpty();
        assertThat(store.find("other", "c/f.csv#v")).isEmpty();
        assertThat(store.spikes(new SpikeQuery(null, null, null, 10))).isEmpty();
    }

    @Test
    void should_round_trip_the_largest_detector_state() {
        // the largest window, a weekly season of 1-minute points, and values with many digits
        SpikeDetector detector = new SpikeDetector(SpikeParameters.fromMap(Map.of("lag", "10000", "season", "7d",
                "min_points", "30")));
        DetectorState state = detector.newState();
        for (int i = 0; i < 30_000; i++) {
            detector.update(state, 1.7e9 + i * 60.0, Math.PI * 1e6 + Math.sin(i) / 3);
        }
        String encoded = state.encode();
        assertThat(encoded.length()).isGreaterThan(65_536);

        store.save(series("ds", "c/f.csv#v", encoded, 30_000), List.of());

        String read = store.find("ds", "c/f.csv#v").orElseThrow().detectorState();
        assertThat(read).isEqualTo(encoded);
        assertThat(detector.resume(read).encode()).isEqualTo(encoded);
    }

    @Test
    void should_replace_the_state_and_add_the_spikes_at_each_save() {
        store.save(series("ds", "c/f.csv#v", "s1", 10), List.of(spike("ds", "c/f.csv#v", "t1", 1)));
        clock.advance(Duration.ofMinutes(5));
        SeriesRecord second = series("ds", "c/f.csv#v", "s2", 20);
        store.save(second, List.of(spike("ds", "c/f.csv#v", "t2", 2), spike("ds", "c/f.csv#v", "t3", 3)));

        assertThat(store.find("ds", "c/f.csv#v")).contains(stored(second));
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.spikes(new SpikeQuery(null, null, null, 10))).extracting(SpikeRecord::timestamp)
                .containsExactly("t3", "t2", "t1");
    }

    @Test
    void should_keep_every_field_of_a_spike_and_give_each_its_own_increasing_id() {
        SpikeRecord k = new SpikeRecord(0, "ds", "c/f.csv#v", "2026-01-01T10:00:00Z", -3.25, 7.5, 1.25, -8.5, -1, "run-9",
                "deadbeef", t0);
        store.save(series("ds", "c/f.csv#v", "s", 1), List.of(k, spike("ds", "c/f.csv#v", "t2", 1)));

        List<SpikeRecord> got = store.spikes(new SpikeQuery(null, null, null, 10));
        assertThat(got).hasSize(2);
        SpikeRecord first = got.get(1);
        assertThat(first).usingRecursiveComparison().ignoringFields("id").isEqualTo(k);
        assertThat(got.get(0).id()).isGreaterThan(first.id());
    }

    @Test
    void should_keep_a_spikes_band_window_and_season_and_leave_them_null_for_a_spike_stored_without() {
        SpikeRecord explained = new SpikeRecord(0, "ds", "c/f.csv#v", "t1", 40, 10, 2, 15, 1, "run-1", "abc", t0,
                new org.maomao.spike.SpikeExplanation(2.0, 18.0, 72, "1d"));
        // an edge that overflowed (a hostile series of 1e308) is stored and read back as infinite
        SpikeRecord unbounded = new SpikeRecord(0, "ds", "c/f.csv#v", "t2", 1e308, 0, 1e308, 1, 1, "run-1", "abc", t0,
                new org.maomao.spike.SpikeExplanation(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 30, "none"));
        store.save(series("ds", "c/f.csv#v", "s", 1), List.of(explained, unbounded, spike("ds", "c/f.csv#v", "t3", 2)));

        List<SpikeRecord> got = store.spikes(new SpikeQuery(null, null, null, 10));
        assertThat(got).extracting(SpikeRecord::explanation).containsExactly(null, unbounded.explanation(),
                explained.explanation());
    }

    @Test
    void should_keep_the_start_of_a_time_cell_longer_than_it_holds() {
        String longTime = "2026-01-01T00:00:00Z" + "x".repeat(300);
        store.save(new SeriesRecord("ds", "c/f.csv#v", "s", 1, longTime, 1.0, t0),
                List.of(spike("ds", "c/f.csv#v", longTime, 1)));
        assertThat(store.find("ds", "c/f.csv#v").orElseThrow().lastTimestamp())
                .isEqualTo(longTime.substring(0, SeriesStore.MAX_TIME_LENGTH));
        assertThat(store.spikes(new SpikeQuery(null, null, null, 10))).extracting(SpikeRecord::timestamp)
                .containsExactly(longTime.substring(0, SeriesStore.MAX_TIME_LENGTH));
    }

    @Test
    void should_replace_the_state_and_only_that_series_spikes_in_a_rescan() {
        store.save(series("ds", "c/f.csv#v", "s1", 10), List.of(spike("ds", "c/f.csv#v", "old", 1)));
        store.save(series("ds", "c/f.csv#w", "s1", 10), List.of(spike("ds", "c/f.csv#w", "keep-w", 2)));
        store.save(series("ds2", "c/f.csv#v", "s1", 10), List.of(spike("ds2", "c/f.csv#v", "keep-ds2", 3)));

        SeriesRecord rescanned = series("ds", "c/f.csv#v", "s9", 99);
        store.replace(rescanned, List.of(spike("ds", "c/f.csv#v", "new", 4)));

        assertThat(store.find("ds", "c/f.csv#v")).contains(stored(rescanned));
        assertThat(store.spikes(new SpikeQuery(null, null, null, 10))).extracting(SpikeRecord::timestamp)
                .containsExactlyInAnyOrder("new", "keep-w", "keep-ds2");
        store.replace(rescanned, List.of());
        assertThat(store.spikes(new SpikeQuery(null, null, null, 10))).extracting(SpikeRecord::timestamp)
                .containsExactlyInAnyOrder("keep-w", "keep-ds2");
    }

    @Test
    void should_page_through_every_series_once_in_dataset_then_name_order() {
        List<String> expected = new ArrayList<>();
        for (String ds : List.of("da", "db")) {
            for (String name : List.of("c/f.csv#a", "c/f.csv#b", "c/g.csv#a", "d/f.csv#a")) {
                expected.add(ds + " " + name);
            }
        }
        for (int i = expected.size() - 1; i >= 0; i--) { // stored out of order
            String[] key = expected.get(i).split(" ");
            store.save(series(key[0], key[1], "s", 1), List.of());
        }

        List<String> seen = new ArrayList<>();
        List<SeriesRecord> page = store.page(null, null, 3);
        while (!page.isEmpty()) {
            assertThat(page.size()).isLessThanOrEqualTo(3);
            page.forEach(s -> seen.add(s.dataset() + " " + s.name()));
            SeriesRecord last = page.get(page.size() - 1);
            page = store.page(last.dataset(), last.name(), 3);
        }

        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(store.page(null, null, 0)).hasSize(1);
        assertThat(store.page("db", "d/f.csv#a", 10)).isEmpty();
    }

    @Test
    void should_count_all_series_and_those_of_a_collector_in_a_dataset() {
        store.save(series("ds", "c/f.csv#v", "s", 1), List.of());
        store.save(series("ds", "c/g.csv#v", "s", 1), List.of());
        store.save(series("ds", "cc/f.csv#v", "s", 1), List.of());
        store.save(series("ds2", "c/f.csv#v", "s", 1), List.of());
        // a collector name's '_' and '.' are letters, not patterns
        store.save(series("ds", "a_b/f.csv#v", "s", 1), List.of());
        store.save(series("ds", "axb/f.csv#v", "s", 1), List.of());

        assertThat(store.count()).isEqualTo(6);
        assertThat(store.count("ds", "c")).isEqualTo(2);
        assertThat(store.count("ds2", "c")).isEqualTo(1);
        assertThat(store.count("ds", "a_b")).isEqualTo(1);
        assertThat(store.count("ds", "nobody")).isZero();
        assertThat(store.count("nowhere", "c")).isZero();
    }

    @Test
    void should_count_the_existing_names_of_any_number_asked() {
        store.save(series("ds", "c/f.csv#n7", "s", 1), List.of());
        store.save(series("ds", "c/f.csv#n700", "s", 1), List.of());
        store.save(series("ds", "c/f.csv#n1199", "s", 1), List.of());
        store.save(series("other", "c/f.csv#n8", "s", 1), List.of());
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            asked.add("c/f.csv#n" + i);
        }

        assertThat(store.countExisting("ds", asked)).isEqualTo(3);
        assertThat(store.countExisting("ds", List.of())).isZero();
        assertThat(store.countExisting("ds", List.of("c/f.csv#n8"))).isZero();
    }

    @Test
    void should_show_the_series_with_recent_spikes_first_then_the_recently_updated() {
        store.save(series("ds", "c/f.csv#quiet-old", "s", 1), List.of());
        clock.advance(Duration.ofMinutes(1));
        store.save(series("ds", "c/f.csv#spiked-old", "s", 1), List.of(spike("ds", "c/f.csv#spiked-old", "t", 1)));
        clock.advance(Duration.ofMinutes(1));
        store.save(series("ds", "c/f.csv#spiked-new", "s", 1), List.of(spike("ds", "c/f.csv#spiked-new", "t", 2)));
        clock.advance(Duration.ofMinutes(1));
        store.save(series("ds", "c/f.csv#quiet-new", "s", 1), List.of());

        assertThat(store.recent(10)).extracting(SeriesRecord::name).containsExactly("c/f.csv#spiked-new",
                "c/f.csv#spiked-old", "c/f.csv#quiet-new", "c/f.csv#quiet-old");
        assertThat(store.recent(3)).extracting(SeriesRecord::name).containsExactly("c/f.csv#spiked-new",
                "c/f.csv#spiked-old", "c/f.csv#quiet-new");
        assertThat(store.recent(1)).extracting(SeriesRecord::name).containsExactly("c/f.csv#spiked-new");
    }

    @Test
    void should_filter_spikes_by_collector_series_and_time_newest_first() {
        store.save(series("ds", "c/f.csv#v", "s", 1), List.of(spike("ds", "c/f.csv#v", "c-v-1", 1),
                spike("ds", "c/f.csv#v", "c-v-5", 5)));
        store.save(series("ds", "c/f.csv#w", "s", 1), List.of(spike("ds", "c/f.csv#w", "c-w-3", 3)));
        store.save(series("ds", "cc/f.csv#v", "s", 1), List.of(spike("ds", "cc/f.csv#v", "cc-v-4", 4)));

        assertThat(timestamps(new SpikeQuery(null, null, null, 10))).containsExactly("cc-v-4", "c-w-3", "c-v-5", "c-v-1");
        assertThat(timestamps(new SpikeQuery("c", null, null, 10))).containsExactly("c-w-3", "c-v-5", "c-v-1");
        assertThat(timestamps(new SpikeQuery(null, "c/f.csv#v", null, 10))).containsExactly("c-v-5", "c-v-1");
        // since is inclusive
        assertThat(timestamps(new SpikeQuery(null, null, t0.plusSeconds(60L * 4), 10))).containsExactly("cc-v-4", "c-v-5");
        assertThat(timestamps(new SpikeQuery("c", "c/f.csv#v", t0.plusSeconds(60L * 2), 10))).containsExactly("c-v-5");
        assertThat(timestamps(new SpikeQuery(null, null, null, 2))).containsExactly("cc-v-4", "c-w-3");
        assertThat(timestamps(new SpikeQuery(null, null, null, 0))).containsExactly("cc-v-4");
        assertThat(timestamps(new SpikeQuery("nobody", null, null, 10))).isEmpty();
    }

    @Test
    void should_store_a_nul_character_from_collector_data_without_failing() {
        // a column name and a timestamp cell are the collector's; PostgreSQL's text cannot hold U+0000
        String name = "c/f.csv#bad\u0000column";
        String ts = "2026\u0000";
        store.save(new SeriesRecord("ds", name, "state", 1, ts, 1.0, null), List.of(spike("ds", name, ts, 1)));

        SeriesRecord stored = store.page(null, null, 10).get(0);
        assertThat(stored.name()).isIn(name, name.replace('\u0000', '\uFFFD'));
        assertThat(stored.lastTimestamp()).isIn(ts, ts.replace('\u0000', '\uFFFD'));
        assertThat(store.find("ds", stored.name())).isPresent();
        assertThat(store.spikes(new SpikeQuery(null, null, null, 10))).singleElement().satisfies(k ->
                assertThat(k.timestamp()).isIn(ts, ts.replace('\u0000', '\uFFFD')));
    }

    @Test
    void should_keep_one_series_and_every_spike_when_a_new_series_is_saved_twice_at_once() {
        for (int i = 0; i < 10; i++) {
            String name = "c/f.csv#racer" + i;
            SeriesRecord one = series("ds", name, "one", 1);
            SeriesRecord two = series("ds", name, "two", 2);

            Race.run(() -> {
                store.save(one, List.of(spike("ds", name, "from-one", 1)));
                return true;
            }, () -> {
                store.save(two, List.of(spike("ds", name, "from-two", 2)));
                return true;
            });

            assertThat(store.find("ds", name).orElseThrow().detectorState()).isIn("one", "two");
            assertThat(store.spikes(new SpikeQuery(null, name, null, 10))).extracting(SpikeRecord::timestamp)
                    .containsExactlyInAnyOrder("from-one", "from-two");
        }
        assertThat(store.count()).isEqualTo(10);
    }

    private List<String> timestamps(SpikeQuery q) {
        return store.spikes(q).stream().map(SpikeRecord::timestamp).toList();
    }
}
