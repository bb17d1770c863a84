package org.maomao.testing;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.maomao.run.Run;
import org.maomao.run.RunEvent;
import org.maomao.run.RunQuery;
import org.maomao.run.RunState;
import org.maomao.run.RunStore;

/**
 * A {@link RunStore} in memory that behaves as {@code JdbcRunStore} does: an update is a
 * compare-and-set on the stored state, a message is cut at 4,000 characters, events are
 * numbered per run in order and stamped by the clock, listings are newest first, and an id
 * is stored once. Every method is atomic (one lock), as a statement of the database is.
 */
public final class InMemoryRunStore implements RunStore {
    private static final int MAX_MESSAGE = 4000;
    private static final Comparator<Run> NEWEST_FIRST = Comparator.comparing(Run::createdAt)
            .thenComparing(Run::id).reversed();

    private final Clock clock;
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final Map<String, List<RunEvent>> events = new LinkedHashMap<>();

    public InMemoryRunStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void insert(Run run) {
        if (runs.containsKey(run.id())) {
            throw new IllegalStateException("run " + run.id() + " is already stored");
        }
        runs.put(run.id(), run);
    }

    @Override
    public synchronized boolean update(Run run, RunState expected) {
        Run stored = runs.get(run.id());
        if (stored == null || stored.state() != expected) {
            return false;
        }
        // as the SQL UPDATE: a write of a running run is fenced by the attempt's token
        if (expected == RunState.RUNNING && !java.util.Objects.equals(stored.fence(), run.fence())) {
            return false;
        }
        // as the SQL UPDATE: identity, trigger and creation are never written
        runs.put(run.id(), new Run(stored.id(), stored.collector(), stored.dataset(), stored.image(), stored.trigger(),
                stored.scheduleId(), run.state(), run.attempt(), stored.maxAttempts(), run.exitCode(),
                truncate(run.message()), run.progress(), run.result(), run.commit(), stored.createdAt(), run.startedAt(),
                run.finishedAt(), run.nextRetryAt(), run.member(), run.fence()));
        return true;
    }

    @Override
    public synchronized boolean update(Run run, RunState expected, String eventType, String eventPayload) {
        if (!update(run, expected)) {
            return false;
        }
        addEvent(run.id(), eventType, eventPayload);
        return true;
    }

    @Override
    public synchronized boolean claim(Run run, boolean serial) {
        Run stored = runs.get(run.id());
        if (stored == null || stored.state() != RunState.QUEUED) {
            return false;
        }
        if (serial && runs.values().stream().anyMatch(r -> r.state() == RunState.RUNNING && !r.id().equals(run.id())
                && r.collector().equals(stored.collector()) && r.dataset().equals(stored.dataset()))) {
            return false;
        }
        return update(run, RunState.QUEUED);
    }

    @Override
    public synchronized Optional<Run> insertUnlessActive(Run run, String eventType, String eventPayload) {
        Optional<Run> busy = runs.values().stream().filter(r -> r.collector().equals(run.collector())
                && r.dataset().equals(run.dataset()) && (r.state() == RunState.QUEUED || r.state() == RunState.RUNNING
                || r.state() == RunState.RETRYING)).min(Comparator.comparing(Run::createdAt).thenComparing(Run::id));
        if (busy.isPresent()) {
            return busy;
        }
        insert(run);
        addEvent(run.id(), eventType, eventPayload);
        return Optional.empty();
    }

    @Override
    public synchronized List<Run> findQueued(int limit) {
        return runs.values().stream().filter(r -> r.state() == RunState.QUEUED)
                .sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::id)).limit(Math.max(0, limit)).toList();
    }

    @Override
    public synchronized Optional<Run> find(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    @Override
    public synchronized List<Run> list(RunQuery q) {
        return runs.values().stream()
                .filter(r -> q.collector() == null || r.collector().equals(q.collector()))
                .filter(r -> q.state() == null || r.state() == q.state())
                .filter(r -> q.before() == null || r.createdAt().isBefore(q.before()))
                .sorted(NEWEST_FIRST)
                .limit(Math.max(1, Math.min(q.limit(), RunQuery.MAX_LIMIT)))
                .toList();
    }

    @Override
    public synchronized List<Run> findByStates(Collection<RunState> states) {
        List<Run> out = new ArrayList<>();
        for (RunState s : states) {
            runs.values().stream().filter(r -> r.state() == s).sorted(Comparator.comparing(Run::createdAt))
                    .forEach(out::add);
        }
        return out;
    }

    @Override
    public synchronized void addEvent(String runId, String type, String payload) {
        List<RunEvent> list = events.computeIfAbsent(runId, k -> new ArrayList<>());
        list.add(new RunEvent(runId, list.size() + 1, clock.instant(), type, payload));
    }

    @Override
    public synchronized List<String> deleteEndedBeyond(String collector, int keep) {
        List<String> old = new ArrayList<>();
        for (boolean skipped : new boolean[] {false, true}) { // skipped firings are kept apart from the runs that ran
            old.addAll(runs.values().stream()
                    .filter(r -> r.collector().equals(collector) && r.state().isFinal()
                            && (r.state() == RunState.SKIPPED) == skipped)
                    .sorted(NEWEST_FIRST).skip(keep).map(Run::id).toList());
        }
        for (String id : old) {
            runs.remove(id);
            events.remove(id);
        }
        return old;
    }

    @Override
    public synchronized List<RunEvent> events(String runId) {
        return List.copyOf(events.getOrDefault(runId, List.of()));
    }

    /** The event types of a run, in order (for assertions). */
    public List<String> eventTypes(String runId) {
        return events(runId).stream().map(RunEvent::type).toList();
    }

    private static String truncate(String s) {
        return s == null || s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE - 3) + "...";
    }
}
