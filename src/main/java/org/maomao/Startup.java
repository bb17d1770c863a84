package org.maomao;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts the daemon has started, each with how to stop it, stopped in reverse order: by
 * {@link #close()} at shutdown, and at once when a later part fails to start, so that a failed
 * start leaves no thread, pool, socket or file lock behind (a leaked H2 lock would keep the next
 * start out of the data directory).
 */
final class Startup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Startup.class);
    /** Longest cause quoted in a start-up error: the sentence stays readable on a terminal. */
    private static final int MAX_REASON = 400;

    /** How to stop a started part. */
    @FunctionalInterface
    interface Stop {
        void stop() throws Exception;
    }

    /** How to stop a part of type {@code T}. */
    @FunctionalInterface
    interface StopPart<T> {
        void stop(T part) throws Exception;
    }

    private record Started(String what, Stop stop) {
    }

    private final Deque<Started> started = new ArrayDeque<>();

    /**
     * Starts a part and remembers how to stop it. On failure throws a {@link StartupException}
     * saying "cannot {@code action}: cause; {@code hint}." (the parts started before stay on
     * the stack, for the caller's {@link #close()}).
     *
     * @param action what starting does, as a verb phrase ("open the store at ...")
     * @param hint   what the operator can check, without the final full stop
     */
    <T> T open(String action, String hint, Supplier<T> open, StopPart<T> stop) {
        T part;
        try {
            part = open.get();
        } catch (RuntimeException e) {
            throw failed(action, hint, e);
        }
        onClose(action, () -> stop.stop(part));
        return part;
    }

    /** Runs a start-up step that leaves nothing to stop, with the same error as {@link #open}. */
    void run(String action, String hint, Runnable step) {
        call(action, hint, () -> {
            step.run();
            return null;
        });
    }

    /** Runs a start-up step that leaves nothing to stop and returns its result, with the same error as {@link #open}. */
    <T> T call(String action, String hint, Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            throw failed(action, hint, e);
        }
    }

    /** Remembers a stop for a part already started (or a step that must be undone at shutdown). */
    void onClose(String what, Stop stop) {
        started.push(new Started(what, stop));
    }

    /** Stops every started part, newest first; a part that fails to stop does not keep the others running. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            Started s = started.pop();
            try {
                s.stop().stop();
            } catch (Exception | LinkageError e) {
                log.warn("stopping ({}) failed: {}", s.what(), e.toString());
            }
        }
    }

    private static StartupException failed(String action, String hint, RuntimeException e) {
        if (e instanceof StartupException s) {
            return s;
        }
        return new StartupException("cannot " + action + ": " + reason(e) + "; " + hint + ".", e);
    }

    /** The cause's own words, on one line, without a final full stop, bounded. */
    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                    : e.getClass().getSimpleName();
        }
        m = m.replaceAll("\\s+", " ").trim();
        while (m.endsWith(".")) {
            m = m.substring(0, m.length() - 1);
        }
        return m.length() > MAX_REASON ? m.substring(0, MAX_REASON - 3) + "..." : m;
    }
}
