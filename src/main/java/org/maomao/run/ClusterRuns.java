package org.maomao.run;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the runs of one store are shared by the members of a cluster. The store is the queue:
 * a member takes a queued run only when it has a free slot (a run submitted here is taken at
 * once if a slot is free, else left queued), and its attempt claims it by compare-and-set, so
 * a busy member never holds a run another could start. Every {@link #POLL} it looks at the
 * store and:
 * <ul>
 *   <li>drops the attempts it runs that lost their run (taken over while this member was paused,
 *       or cancelled through another member): their containers stop, nothing more is written;</li>
 *   <li>takes over the running runs of members that are gone from the member list (their attempt
 *       is marked {@code lost} and retried by the run's policy, or ended with the commit it made);</li>
 *   <li>takes queued runs for its free slots, oldest first.</li>
 * </ul>
 * A member that cannot see itself in the list (etcd unreachable, its lease lost) takes nothing
 * over: its view of who is gone cannot be trusted then.
 */
final class ClusterRuns implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterRuns.class);
    static final Duration POLL = Duration.ofSeconds(1);

    private final RunStore store;
    private final String self;
    private final Supplier<Set<String>> liveMembers;
    private final ActiveRuns active;
    private final Recovery recovery;
    private final ContainerRunner runner;
    private final int slots;
    private final Consumer<String> execute;
    /** Runs handed to this member's workers and not yet done. */
    private final Set<String> taken = new java.util.HashSet<>();
    private final Object lock = new Object();
    private boolean woken;
    private boolean stopped;
    private Thread thread;

    /**
     * @param execute runs a queued run on this member's workers, and must call {@link #done} when it is over
     */
    ClusterRuns(RunStore store, String self, Supplier<Set<String>> liveMembers, ActiveRuns active, Recovery recovery,
                ContainerRunner runner, int slots, Consumer<String> execute) {
        this.store = store;
        this.self = self;
        this.liveMembers = liveMembers;
        this.active = active;
        this.recovery = recovery;
        this.runner = runner;
        this.slots = slots;
        this.execute = execute;
    }

    /** Takes queued run {@code runId} if a slot is free; else it stays queued in the store for any member. */
    void offer(String runId) {
        synchronized (taken) {
            if (taken.contains(runId) || taken.size() >= slots) {
                return;
            }
            taken.add(runId);
        }
        execute.accept(runId);
    }

    /** The run handed to {@code execute} is over here (it ran, or another member had claimed it): its slot is free. */
    void done(String runId) {
        synchronized (taken) {
            taken.remove(runId);
        }
        wake();
    }

    /** The live members' ids, as the member list shows them now. */
    Set<String> liveMembers() {
        return liveMembers.get();
    }

    /**
     * Whether {@code r}, running, is this member's to recover at start: its own (from its last
     * start), a lone daemon's, or a gone member's. Only its own when this member cannot see itself
     * in the list (then the list cannot be trusted).
     */
    boolean recoverable(Run r, Set<String> live) {
        if (self.equals(r.member())) {
            return true;
        }
        return live.contains(self) && (r.member() == null || !live.contains(r.member()));
    }

    /** One look at the store: lost attempts dropped, gone members' runs taken over, free slots filled. */
    void poll() {
        dropLost();
        takeOverGone();
        fillSlots();
    }

    private void dropLost() {
        for (Map.Entry<String, String> e : active.fences().entrySet()) {
            Run now = store.find(e.getKey()).orElse(null);
            if (now == null || now.state() != RunState.RUNNING || !Objects.equals(now.fence(), e.getValue())) {
                log.warn("run {}: this member's attempt no longer owns it (now {}{}); stopping its container",
                        e.getKey(), now == null ? "deleted" : now.state().id(),
                        now == null || now.member() == null ? "" : " with member " + now.member());
                active.lose(e.getKey());
            }
        }
    }

    private void takeOverGone() {
        Set<String> live = liveMembers.get();
        if (!live.contains(self)) {
            return;
        }
        for (Run r : store.findByStates(EnumSet.of(RunState.RUNNING))) {
            if (r.member() != null && !live.contains(r.member())) {
                takeOver(r);
            }
        }
    }

    /**
     * Takes over {@code r}, running on a member that is gone: the {@code lost} event is written fenced
     * by the attempt read (of two survivors, one wins), then the run is recovered as after a crash.
     */
    boolean takeOver(Run r) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("attempt", r.attempt());
        p.put("member", r.member());
        p.put("by", self);
        if (!store.update(r, RunState.RUNNING, "lost", EventJson.of(p))) {
            return false;
        }
        recovery.recoverRunning(r, "member " + r.member() + " is gone during attempt " + r.attempt()
                + "; member " + self + " took the run over");
        int removed = runner.removeContainersOf(r.id(), r.member());
        if (removed > 0) {
            log.info("run {}: removed {} container(s) of gone member {}", r.id(), removed, r.member());
        }
        return true;
    }

    private void fillSlots() {
        int free;
        synchronized (taken) {
            free = slots - taken.size();
        }
        if (free <= 0) {
            return;
        }
        // as many of the oldest queued runs as there are free slots (another member may claim some first)
        for (Run r : store.oldestInState(RunState.QUEUED, free)) {
            synchronized (taken) {
                if (taken.size() >= slots) {
                    return;
                }
            }
            offer(r.id());
        }
    }

    /** Looks at the store now rather than at the next poll. */
    void wake() {
        synchronized (lock) {
            woken = true;
            lock.notifyAll();
        }
    }

    void start() {
        synchronized (lock) {
            if (thread != null || stopped) {
                return;
            }
            thread = new Thread(this::loop, "cluster-runs");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void loop() {
        while (true) {
            try {
                poll();
            } catch (RuntimeException e) {
                log.warn("cannot look at the shared runs ({}); trying again in {}", e.getMessage(), POLL);
            }
            synchronized (lock) {
                long deadline = System.nanoTime() + POLL.toNanos();
                while (!woken && !stopped) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopped) {
                    return;
                }
                woken = false;
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            stopped = true;
            t = thread;
            lock.notifyAll();
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
