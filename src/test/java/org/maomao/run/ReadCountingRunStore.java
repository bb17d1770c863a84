package org.maomao.run;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A store that counts the queued runs its listings return, to see how much a member's poll reads. */
final class ReadCountingRunStore implements RunStore {
    private final RunStore store;
    /** Queued runs returned by listings (findQueued, findByStates, list) since the last reset. */
    final AtomicInteger queuedRead = new AtomicInteger();

    ReadCountingRunStore(RunStore store) {
        this.store = store;
    }

    private List<Run> counted(List<Run> runs) {
        queuedRead.addAndGet((int) runs.stream().filter(r -> r.state() == RunState.QUEUED).count());
        return runs;
    }

    @Override
    public void insert(Run run) {
        store.insert(run);
    }

    @Override
    public boolean update(Run run, RunState expected) {
        return store.update(run, expected);
    }

    @Override
    public boolean update(Run run, RunState expected, String eventType, String eventPayload) {
        return store.update(run, expected, eventType, eventPayload);
    }

    @Override
    public boolean claim(Run running, boolean serial) {
        return store.claim(running, serial);
    }

    @Override
    public Optional<Run> insertUnlessActive(Run run, String eventType, String eventPayload) {
        return store.insertUnlessActive(run, eventType, eventPayload);
    }

    @Override
    public Optional<Run> find(String id) {
        return store.find(id);
    }

    @Override
    public List<Run> findQueued(int limit) {
        return counted(store.findQueued(limit));
    }

    @Override
    public List<Run> list(RunQuery query) {
        return counted(store.list(query));
    }

    @Override
    public List<Run> findByStates(Collection<RunState> states) {
        return counted(store.findByStates(states));
    }

    @Override
    public void addEvent(String runId, String type, String payload) {
        store.addEvent(runId, type, payload);
    }

    @Override
    public List<String> deleteEndedBeyond(String collector, int keep) {
        return store.deleteEndedBeyond(collector, keep);
    }

    @Override
    public List<RunEvent> events(String runId) {
        return store.events(runId);
    }
}
