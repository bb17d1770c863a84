package org.maomao.run;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Persistence of runs and their events. */
public interface RunStore {
    void insert(Run run);

    /**
     * Stores {@code run} only if the stored run is still in {@code expected}; returns
     * false when another actor (a cancel, say) moved it first. A write of a running run
     * ({@code expected} is {@code running}) is fenced: it counts only while the stored
     * fence is {@code run.fence()} (null matches null), so an attempt that lost its run to
     * another member (taken over, cancelled from elsewhere) changes nothing.
     */
    boolean update(Run run, RunState expected);

    /**
     * {@link #update} and {@link #addEvent} in one transaction: the run moves and the event
     * is recorded, or neither (a crash between them must not leave an ended run without its
     * {@code finished} event, nor a client see the end before the event).
     */
    boolean update(Run run, RunState expected, String eventType, String eventPayload);

    /**
     * An attempt claims a queued run: {@code running} (state running, its member and new
     * fence) is stored only if the run is still queued and, when {@code serial}, no other
     * run of its collector into its dataset is running (overlap = queue, checked across
     * every daemon of the store). Of daemons racing for one run, exactly one wins.
     */
    boolean claim(Run running, boolean serial);

    Optional<Run> find(String id);

    List<Run> list(RunQuery query);

    List<Run> findByStates(Collection<RunState> states);

    /**
     * The {@code limit} oldest runs in {@code state}: a member looking for queued work reads no more rows
     * than it has free slots, however long the cluster's queue is.
     */
    default List<Run> oldestInState(RunState state, int limit) {
        return findByStates(java.util.EnumSet.of(state)).stream().limit(Math.max(0, limit)).toList();
    }

    /**
     * A queued, running or retrying run of {@code collector} into {@code dataset} (the oldest queued first,
     * then running, then retrying), if any: what {@code overlap = skip} asks at each firing, answered
     * from that collector's runs rather than from every active run of the store.
     */
    default Optional<Run> activeRunOf(String collector, String dataset) {
        return findByStates(java.util.EnumSet.of(RunState.QUEUED, RunState.RUNNING, RunState.RETRYING)).stream()
                .filter(r -> r.collector().equals(collector) && r.dataset().equals(dataset)).findFirst();
    }

    void addEvent(String runId, String type, String payload);

    /** Deletes the ended runs of {@code collector} beyond the newest {@code keep}, with their events; returns their ids. */
    List<String> deleteEndedBeyond(String collector, int keep);

    List<RunEvent> events(String runId);
}
