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

    /**
     * Stores queued run {@code run} with its first event, unless a run of its collector into its
     * dataset is queued, running or retrying: then stores nothing and returns that run
     * ({@code overlap = skip}). Decided in one transaction holding the collector's row lock, so of
     * submissions racing on every daemon of the store, exactly one enters.
     */
    Optional<Run> insertUnlessActive(Run run, String eventType, String eventPayload);

    Optional<Run> find(String id);

    /** At most {@code limit} queued runs, oldest first (what a member with that many free slots may take). */
    List<Run> findQueued(int limit);

    List<Run> list(RunQuery query);

    List<Run> findByStates(Collection<RunState> states);

    void addEvent(String runId, String type, String payload);

    /**
     * Deletes the ended runs of {@code collector} beyond the newest {@code keep} that ran, and its skipped
     * firings beyond the newest {@code keep} skipped ones, with their events; returns their ids.
     */
    List<String> deleteEndedBeyond(String collector, int keep);

    List<RunEvent> events(String runId);
}
