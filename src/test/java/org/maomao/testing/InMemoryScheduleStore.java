package org.maomao.testing;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import org.maomao.schedule.ScheduleStore;

/**
 * Schedules in memory, for tests of what uses a {@link ScheduleStore}; keeps the same contract as
 * the JDBC store. No scheduler runs here, so no schedule has a next fire time or trigger state.
 */
public final class InMemoryScheduleStore implements ScheduleStore {
    private final TreeMap<String, Row> byId = new TreeMap<>();

    @Override
    public synchronized void upsert(Row r) {
        byId.put(r.id(), new Row(r.id(), r.collector(), r.dataset(), r.frequency(), r.cron(), r.timezone(), r.source(),
                null, null, r.paused()));
    }

    @Override
    public synchronized boolean setPaused(String id, boolean paused) {
        Row r = byId.get(id);
        if (r == null) {
            return false;
        }
        byId.put(id, new Row(r.id(), r.collector(), r.dataset(), r.frequency(), r.cron(), r.timezone(), r.source(),
                null, null, paused));
        return true;
    }

    @Override
    public synchronized boolean delete(String id) {
        return byId.remove(id) != null;
    }

    @Override
    public synchronized Optional<Row> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized long count() {
        return byId.size();
    }

    @Override
    public synchronized List<Row> list(String collector) {
        return byId.values().stream().filter(r -> collector == null || r.collector().equals(collector)).toList();
    }
}
