package org.maomao.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import io.etcd.jetcd.Lease;

/**
 * The etcd leases that notification keys (spikes, alerts, run ends) are put under, so that etcd
 * forgets them after the retention TTL instead of growing for ever. Rather than a lease per key
 * (a grant per event), one lease of {@code ttl + ttl/10} is shared by every key put in the next
 * {@code ttl/10}: a key lives between {@code ttl} and 1.1 × {@code ttl}, a member holds about
 * eleven leases at a time, and no lease is ever renewed.
 */
final class NotificationLeases {
    private final Lease leases;
    private final Duration ttl;
    private final Duration shared;
    private final Clock clock;
    private CompletableFuture<Long> current;
    private Instant usableUntil = Instant.MIN;

    NotificationLeases(Lease leases, Duration ttl, Clock clock) {
        this.leases = leases;
        this.ttl = ttl;
        this.shared = Duration.ofSeconds(Math.max(1, ttl.toSeconds() / 10));
        this.clock = clock;
    }

    /** A lease that keeps a key put now for at least the TTL; granted anew every {@code ttl/10}. */
    synchronized CompletableFuture<Long> lease() {
        Instant now = clock.instant();
        if (current == null || current.isCompletedExceptionally() || now.isAfter(usableUntil)) {
            usableUntil = now.plus(shared);
            long seconds = ttl.plus(shared).toSeconds();
            current = leases.grant(seconds).thenApply(r -> r.getID());
        }
        return current;
    }

    /** Forgets the lease in use (etcd lost it, e.g. it was replaced): the next key gets a new one. */
    synchronized void forget() {
        current = null;
    }
}
