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
        await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
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
