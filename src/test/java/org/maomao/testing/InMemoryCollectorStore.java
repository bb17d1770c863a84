package org.maomao.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import org.maomao.collector.Collector;
import org.maomao.collector.CollectorStore;

/** Collectors in memory, for tests of what uses a {@link CollectorStore}; keeps the same contract as the JDBC store. */
public final class InMemoryCollectorStore implements CollectorStore {
    private final TreeMap<String, Collector> byName = new TreeMap<>();
    private volatile Runnable onFind = () -> { };

    /** Runs {@code action} at the next look-up, once: a test's way to act at that instant. */
    public void onFind(Runnable action) {
        this.onFind = () -> {
            this.onFind = () -> { };
            action.run();
        };
    }

    @Override
    public synchronized boolean upsert(Collector c) {
        Collector old = byName.get(c.name());
        // the creation time is the first insert's, as in the database
        byName.put(c.name(), old == null ? c : new Collector(c.name(), c.image(), c.dataset(), c.settings(), c.source(),
                old.createdAt(), c.updatedAt()));
        return old == null;
    }

    @Override
    public Optional<Collector> find(String name) {
        onFind.run(); // outside the lock: the action may change the store
        synchronized (this) {
            return Optional.ofNullable(byName.get(name));
        }
    }

    @Override
    public synchronized List<Collector> list() {
        return new ArrayList<>(byName.values());
    }

    @Override
    public synchronized boolean delete(String name) {
        return byName.remove(name) != null;
    }
}
