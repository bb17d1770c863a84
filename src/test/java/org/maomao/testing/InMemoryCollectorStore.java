package org.maomao.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import org.maomao.collector.Collector;
import org.maomao.collector.CollectorStore;

/** Registered collectors in memory, by name (as {@code JdbcCollectorStore} lists them). */
public final class InMemoryCollectorStore implements CollectorStore {
    private final Map<String, Collector> collectors = new ConcurrentSkipListMap<>();
    private volatile Runnable onFind = () -> { };

    /** Runs {@code action} at each look-up, once: a test's way to act at that instant. */
    public void onFind(Runnable action) {
        this.onFind = () -> {
            this.onFind = () -> { };
            action.run();
        };
    }

    @Override
    public boolean upsert(Collector collector) {
        return collectors.put(collector.name(), collector) == null;
    }

    @Override
    public Optional<Collector> find(String name) {
        onFind.run();
        return Optional.ofNullable(collectors.get(name));
    }

    @Override
    public List<Collector> list() {
        return new ArrayList<>(collectors.values());
    }

    @Override
    public boolean delete(String name) {
        return collectors.remove(name) != null;
    }
}
