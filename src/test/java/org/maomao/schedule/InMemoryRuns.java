package org.maomao.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.maomao.collector.Collector;
import org.maomao.collector.CollectorStore;

/** Test doubles of the scheduler's surroundings: what firings hand on, and collectors kept in memory. */
class InMemoryRuns implements ScheduledRuns {
    /** One call a firing made: {@code kind} is submit, catch_up or skip. */
    record Call(String kind, String collector, String dataset, String scheduleId, String reason) {
    }

    private final List<Call> calls = new ArrayList<>();

    @Override
    public synchronized void submit(String collector, String dataset, String scheduleId) {
        calls.add(new Call("submit", collector, dataset, scheduleId, null));
    }

    @Override
    public synchronized void catchUp(String collector, String dataset, String scheduleId) {
        calls.add(new Call("catch_up", collector, dataset, scheduleId, null));
    }

    @Override
    public synchronized void skip(Collector collector, String dataset, String scheduleId, String reason) {
        calls.add(new Call("skip", collector.name(), dataset, scheduleId, reason));
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Call> of(String collector) {
        return calls.stream().filter(c -> c.collector().equals(collector)).toList();
    }

    /** Collectors in a map: the registry's validation is real, only the storage is not. */
    static final class Collectors implements CollectorStore {
        private final Map<String, Collector> byName = new ConcurrentHashMap<>();

        @Override
        public boolean upsert(Collector collector) {
            return byName.put(collector.name(), collector) == null;
        }

        @Override
        public Optional<Collector> find(String name) {
            return Optional.ofNullable(byName.get(name));
        }

        @Override
        public List<Collector> list() {
            return List.copyOf(byName.values());
        }

        @Override
        public boolean delete(String name) {
            return byName.remove(name) != null;
        }
    }
}
