package org.maomao.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.maomao.collector.Collector;
import org.maomao.collector.CollectorStore;
import org.maomao.testing.Race;

/**
 * What every {@link CollectorStore} must do; a subclass only supplies the store. Names differ
 * in letters only, so that the order asserted holds under any database collation.
 */
public abstract class CollectorStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    protected CollectorStore store;

    /** A new, empty store. */
    protected abstract CollectorStore createStore();

    @BeforeEach
    void newStore() {
        store = createStore();
    }

    private static Collector collector(String name, String image, Map<String, String> settings, String source, int minute) {
        return new Collector(name, image, "ds", settings, source, T0, T0.plusSeconds(60L * minute));
    }

    @Test
    void should_read_back_what_it_was_given_settings_included() {
        Map<String, String> settings = Map.of("timeout", "10m", "spike.lag", "6h", "env.GREETING", "hé \"there\" = {1}\n");
        Collector c = collector("alpha", "registry.example:5000/team/img:1.2", settings, Collector.SOURCE_FILE, 0);

        assertThat(store.upsert(c)).as("a new collector").isTrue();

        assertThat(store.find("alpha")).contains(c);
    }

    @Test
    void should_keep_a_collector_without_settings() {
        Collector c = collector("alpha", "img", Map.of(), Collector.SOURCE_API, 0);
        store.upsert(c);

        assertThat(store.find("alpha")).contains(c);
    }

    @Test
    void should_replace_by_name_and_keep_the_creation_time() {
        store.upsert(collector("alpha", "img:1", Map.of("timeout", "1m"), Collector.SOURCE_API, 0));
        Collector newer = new Collector("alpha", "img:2", "other", Map.of("retries", "2"), Collector.SOURCE_FILE,
                T0.plusSeconds(3600), T0.plusSeconds(7200));

        assertThat(store.upsert(newer)).as("an existing collector").isFalse();

        Collector stored = store.find("alpha").orElseThrow();
        assertThat(stored).isEqualTo(new Collector("alpha", "img:2", "other", Map.of("retries", "2"),
                Collector.SOURCE_FILE, T0, T0.plusSeconds(7200)));
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void should_list_by_name() {
        store.upsert(collector("gamma", "img", Map.of(), Collector.SOURCE_API, 0));
        store.upsert(collector("alpha", "img", Map.of(), Collector.SOURCE_API, 0));
        store.upsert(collector("beta", "img", Map.of(), Collector.SOURCE_FILE, 0));

        assertThat(store.list()).extracting(Collector::name).containsExactly("alpha", "beta", "gamma");
    }

    @Test
    void should_delete_by_name_and_say_whether_there_was_one() {
        store.upsert(collector("alpha", "img", Map.of(), Collector.SOURCE_API, 0));
        store.upsert(collector("beta", "img", Map.of(), Collector.SOURCE_API, 0));

        assertThat(store.delete("alpha")).isTrue();
        assertThat(store.delete("alpha")).isFalse();
        assertThat(store.delete("nobody")).isFalse();
        assertThat(store.find("alpha")).isEmpty();
        assertThat(store.list()).extracting(Collector::name).containsExactly("beta");
    }

    @Test
    void should_find_nothing_for_an_unknown_name() {
        assertThat(store.find("nobody")).isEmpty();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void should_not_take_a_name_as_a_pattern() {
        store.upsert(collector("a_b", "img", Map.of(), Collector.SOURCE_API, 0));

        assertThat(store.find("axb")).isEmpty();
        assertThat(store.find("a%")).isEmpty();
        assertThat(store.delete("a%")).isFalse();
        assertThat(store.find("a_b")).isPresent();
    }

    @Test
    void should_add_a_collector_registered_twice_at_once_exactly_once() {
        for (int i = 0; i < 10; i++) {
            Collector a = collector("racer" + i, "img:a", Map.of(), Collector.SOURCE_API, 0);
            Collector b = collector("racer" + i, "img:b", Map.of(), Collector.SOURCE_API, 1);

            List<Boolean> added = Race.run(() -> store.upsert(a), () -> store.upsert(b));

            assertThat(added).as("exactly one of the two adds it").containsExactlyInAnyOrder(true, false);
            assertThat(store.find("racer" + i).orElseThrow().image()).isIn("img:a", "img:b");
        }
        assertThat(store.list()).hasSize(10);
    }
}
