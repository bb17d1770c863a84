package org.maomao.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes (Awaitility); never a fixed sleep. */
public final class Poll {
    private Poll() {
    }

    /** Returns the first non-null, non-false value of {@code probe}, or fails after {@code timeout}. */
    public static <T> T until(Duration timeout, String what, Supplier<T> probe) {
        AtomicReference<T> got = new AtomicReference<>();
        // Awaitility by default fails the wait when any thread of the JVM throws uncaught; an
        // ssh client's NIO thread does that when a read completes after its session was closed
        // (a refused key), which says nothing about the condition waited for.
        await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).dontCatchUncaughtExceptions().until(() -> {
            T v = probe.get();
            if (v != null && !Boolean.FALSE.equals(v)) {
                got.set(v);
                return true;
            }
            return false;
        });
        return got.get();
    }
}
