package org.maomao.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.maomao.dataset.ClusterDatasetLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lock.LockResponse;

/**
 * Per-dataset locks across members: etcd's Lock service on {@code <prefix>/locks/datasets/<name>},
 * held under the member's own lease. A member that is killed, paused or cut off past its lease
 * TTL loses the lock when etcd drops the lease, and the next member in line gets it; what the
 * late member then pushes is refused as not a fast-forward (see the dataset's ClusteredIngest).
 */
final class EtcdDatasetLocks implements ClusterDatasetLock {
    private static final Logger log = LoggerFactory.getLogger(EtcdDatasetLocks.class);
    private static final long CALL_SECONDS = 5;

    private final Client client;
    private final String locks;
    private final LongSupplier lease;
    private final Duration wait;

    EtcdDatasetLocks(Client client, String prefix, LongSupplier lease, Duration wait) {
        this.client = client;
        this.locks = prefix + "/locks/datasets/";
        this.lease = lease;
        this.wait = wait;
    }

    @Override
    public Held acquire(String dataset) throws IOException, InterruptedException {
        String name = locks + dataset;
        long l = lease.getAsLong();
        CompletableFuture<LockResponse> f = client.getLockClient().lock(bytes(name), l);
        try {
            ByteSequence key = f.get(wait.toMillis(), TimeUnit.MILLISECONDS).getKey();
            log.debug("holding {} ({})", name, key.toString(StandardCharsets.UTF_8));
            return () -> release(name, key);
        } catch (TimeoutException e) {
            giveUp(f, name, l);
            throw new IOException("another member has held it for longer than " + wait.toSeconds() + " s ("
                    + name + " in etcd)", e);
        } catch (InterruptedException e) {
            giveUp(f, name, l);
            throw e;
        } catch (ExecutionException e) {
            giveUp(f, name, l);
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IOException("etcd did not grant " + name + ": " + c.getMessage(), c);
        }
    }

    /**
     * Stops waiting. etcd keeps the waiter's key ({@code <name>/<lease in hex>}) after the call
     * is abandoned; left there, it would take the lock later and hold it as long as this member
     * lives. A member waits at most once per dataset at a time, so that key is this wait's.
     */
    private void giveUp(CompletableFuture<LockResponse> f, String name, long l) {
        f.cancel(true);
        try {
            client.getKVClient().delete(bytes(name + "/" + Long.toHexString(l))).get(CALL_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("cannot remove the abandoned wait for {}: {}; it is freed when this member's lease ends", name,
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void release(String name, ByteSequence key) {
        try {
            client.getLockClient().unlock(key).get(CALL_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // unlock is a delete of the key; one more try, then the lease is the last word
            try {
                client.getKVClient().delete(key).get(CALL_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException | RuntimeException e2) {
                log.error("cannot release {} in etcd: {}; other members wait until it answers or this member's lease "
                        + "ends", name, e2.getMessage());
            } catch (InterruptedException e2) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
