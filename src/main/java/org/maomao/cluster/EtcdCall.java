package org.maomao.cluster;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;

/**
 * Waits for one etcd call with a deadline. jetcd's futures never time out by themselves: a
 * member whose etcd is unreachable would hang the caller (a run's commit, a reload, a start)
 * for good. Every failure becomes an IllegalStateException whose message says what could not
 * be done and etcd's own words, and a call given up on is cancelled.
 */
final class EtcdCall {
    /** How long one call may take before it counts as failed. */
    static final long SECONDS = 5;

    private EtcdCall() {
    }

    /** @param what what the call does, as "cannot WHAT in etcd" reads */
    static <T> T await(String what, CompletableFuture<T> f) {
        try {
            return f.get(SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new IllegalStateException("interrupted: " + what, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot " + what + " in etcd: " + c.getMessage(), c);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("cannot " + what + " in etcd: no answer within " + SECONDS + " s", e);
        }
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
