package org.maomao.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts retrying runs back into the queue when their time has come. A pending retry is
 * nothing but a run stored as {@code retrying} with its {@code next_retry_at} (as db-scheduler
 * keeps its executions in one table), so it survives a restart and a cancel needs nothing
 * but the run's own compare-and-set. The timer claims a due run with the store's
 * compare-and-set {@code retrying → queued}: of two daemons on a shared store, or a cancel
 * at the same instant, exactly one wins. It wakes at the earliest retry it knows of, when
 * told of a new one, and at least every {@link #POLL} to see retries stored by another daemon.
 */
final class RetryTimer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RetryTimer.class);
    static final Duration POLL = Duration.ofSeconds(5);

    private final RunStore store;
    private final Clock clock;
    private final Consumer<String> enqueue;
    private final Object lock = new Object();
    /** A retry stored since the last look at the store, or null. */
    private Instant told;
    private boolean stopped;
    private Thread thread;

    RetryTimer(RunStore store, Clock clock, Consumer<String> enqueue) {
        this.store = store;
        this.clock = clock;
        this.enqueue = enqueue;
    }

    /**
     * Claims and queues every retrying run whose time has come (a run without a time is due).
     * Returns the earliest time of the runs still waiting, or null if none waits.
     */
    Instant fireDue() {
        Instant now = clock.instant();
        Instant next = null;
        for (Run r : store.findByStates(EnumSet.of(RunState.RETRYING))) {
            Instant at = r.nextRetryAt();
            if (at == null || !at.isAfter(now)) {
                claim(r);
            } else if (next == null || at.isBefore(next)) {
                next = at;
            }
        }
        return next;
    }

    /** Moves {@code r}, as read while retrying, to queued and queues it; false if a cancel or another daemon came first. */
    boolean claim(Run r) {
        if (!store.update(r.moveTo(RunState.QUEUED).withNextRetryAt(null), RunState.RETRYING)) {
            return false;
        }
        enqueue.accept(r.id());
        return true;
    }

    /** A retry at {@code at} was stored: wake then, if that is earlier than planned. */
    void wake(Instant at) {
        synchronized (lock) {
            if (told == null || at.isBefore(told)) {
                told = at;
                lock.notifyAll();
            }
        }
    }

    /** Starts the timer's thread; its first look at the store is at once. */
    void start() {
        synchronized (lock) {
            if (thread != null || stopped) {
                return;
            }
            thread = new Thread(this::loop, "retry-timer");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void loop() {
        while (true) {
            Instant next;
            try {
                next = fireDue();
            } catch (RuntimeException e) {
                log.warn("cannot look for due retries ({}); trying again in {}", e.getMessage(), POLL);
                next = null;
            }
            synchronized (lock) {
                try {
                    waitUntilDue(next);
                } catch (InterruptedException e) {
                    return;
                }
                if (stopped) {
                    return;
                }
                told = null; // the next look reads every retry stored until now
            }
        }
    }

    /** Waits (holding the lock) until {@code next}, a retry told of, or {@link #POLL}, whichever is first. */
    private void waitUntilDue(Instant next) throws InterruptedException {
        Instant poll = clock.instant().plus(POLL);
        while (!stopped) {
            Instant due = poll;
            if (next != null && next.isBefore(due)) {
                due = next;
            }
            if (told != null && told.isBefore(due)) {
                due = told;
            }
            long ms = Duration.between(clock.instant(), due).toMillis();
            if (ms <= 0) {
                return;
            }
            lock.wait(ms);
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
