package org.maomao.cluster;

import static org.maomao.cluster.EtcdCall.await;
import static org.maomao.cluster.EtcdCall.bytes;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

/**
 * This daemon's membership of a cluster: its key {@code <prefix>/members/<id>} in etcd, under a
 * lease of {@code [cluster] lease_ttl} that this keeps alive. A member that stops revokes its lease,
 * so its key goes at once; one that is killed (or paused, or cut off) stops renewing it, and etcd
 * drops the key within the TTL. Nothing here decides anything: etcd's leases are the liveness.
 *
 * <p>Joining refuses (with {@link MemberRefused}) an id that a live member holds, and a version
 * other than the live members' own. A key still held by this member's previous, killed process
 * is waited out (at most one TTL). A lease that is lost while running (etcd restarted from an old
 * snapshot, a keep-alive cut off for longer than the TTL, the key deleted by hand) is replaced by
 * a new one, with a warning. The value follows the member's runs in flight within a second.
 */
public final class EtcdMembership implements Members, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EtcdMembership.class);
    /** How often the value is compared with the member's state, and put when it changed. */
    private static final Duration REFRESH = Duration.ofSeconds(1);
    /** The most members read in one listing. */
    static final int MAX_MEMBERS = 10_000;

    private final Client client;
    private final String members;
    private final String prefix;
    private final Duration ttl;
    private final Supplier<Member> self;
    private final String id;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "etcd-membership");
        t.setDaemon(true);
        return t;
    });
    private volatile long lease;
    /** The value last put, so that an unchanged state costs no write. */
    private volatile String put;
    /** Whether the member could not reach etcd at its last keep-alive (logged once, not at every tick). */
    private volatile boolean unreachable;

    private EtcdMembership(Client client, String prefix, Duration ttl, Supplier<Member> self) {
        this.client = client;
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.members = p + "/members/";
        this.prefix = p;
        this.ttl = ttl;
        this.self = self;
        this.id = self.get().id();
    }

    /**
     * Joins the cluster at {@code endpoints}: puts this member's key under a new lease and keeps
     * it alive until {@link #close()}. {@code self} is this member as it is now (asked again every second).
     *
     * @throws MemberRefused when a live member holds this id, or runs another version
     */
    public static EtcdMembership join(List<String> endpoints, String prefix, Duration ttl, Supplier<Member> self) {
        Client client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
        EtcdMembership m = new EtcdMembership(client, prefix, ttl, self);
        try {
            m.joinNow();
        } catch (RuntimeException e) {
            m.timer.shutdownNow();
            client.close();
            throw e;
        }
        long every = Math.max(1000, ttl.toMillis() / 3);
        m.timer.scheduleWithFixedDelay(m::keepAlive, every, every, TimeUnit.MILLISECONDS);
        m.timer.scheduleWithFixedDelay(m::refresh, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        return m;
    }

    private void joinNow() {
        Member me = self.get();
        for (Member other : list()) {
            if (!other.id().equals(id) && !Objects.equals(other.version(), me.version())) {
                throw new MemberRefused("member " + other.id() + " at " + other.url() + " runs maomao " + other.version()
                        + ", but this daemon is " + me.version() + ": the members of a cluster run one version; "
                        + "stop the members, then start each with the same version.");
            }
        }
        long deadline = System.nanoTime() + ttl.plusSeconds(2).toNanos();
        long granted = grant();
        try {
            boolean waiting = false;
            while (true) {
                KeyValue held = putIfAbsent(me, granted);
                if (held == null) {
                    lease = granted;
                    log.info("joined the cluster as member {} ({}; lease {} of {} s)", id, key(),
                            Long.toHexString(granted), ttl.toSeconds());
                    return;
                }
                Member holder = parseOrNull(held);
                String who = holder == null ? "a member" : "the member at " + holder.url() + " started " + holder.startedAt();
                if (System.nanoTime() > deadline) {
                    throw new MemberRefused("member id \"" + id + "\" is in use by " + who + ", which is alive (its "
                            + "etcd lease is kept): give this daemon its own [cluster] member_id, or stop that member first.");
                }
                if (!waiting) {
                    // most often this member's own previous process, killed: its lease runs out within the TTL
                    log.info("member id {} is still held by {}; waiting up to {} s for its lease to run out", id, who,
                            ttl.plusSeconds(2).toSeconds());
                    waiting = true;
                }
                Thread.sleep(250);
                // our own lease must outlive the wait
                await("keep the lease alive", client.getLeaseClient().keepAliveOnce(granted));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            revokeQuietly(granted);
            throw new IllegalStateException("interrupted while joining the cluster", e);
        } catch (RuntimeException e) {
            revokeQuietly(granted);
            throw e;
        }
    }

    /** Puts this member's key under {@code lease} if no key is there; returns the key that is there, or null once put. */
    private KeyValue putIfAbsent(Member me, long lease) {
        ByteSequence key = bytes(key());
        String value = me.text();
        for (int round = 0; round < 3; round++) {
            TxnResponse r = await("put " + key(), client.getKVClient().txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(key, bytes(value), PutOption.builder().withLeaseId(lease).build()))
                    .Else(Op.get(key, GetOption.DEFAULT)).commit());
            if (r.isSucceeded()) {
                put = value;
                return null;
            }
            List<KeyValue> kvs = r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
            if (!kvs.isEmpty()) {
                return kvs.get(0);
            }
            // gone between the compare and the read (its lease ran out): the next round puts it
        }
        throw new IllegalStateException("cannot put " + key() + " in etcd: the key keeps coming and going");
    }

    /** Renews the lease; a lease or key that is gone is replaced. Runs every third of the TTL. */
    private void keepAlive() {
        try {
            renew();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: this one must keep running
            log.warn("membership keep-alive of {} failed: {}", id, e.getMessage());
        }
    }

    private void renew() {
        try {
            long ttlLeft = await("keep the lease alive", client.getLeaseClient().keepAliveOnce(lease)).getTTL();
            if (ttlLeft <= 0) {
                rejoin("its lease " + Long.toHexString(lease) + " expired");
                return;
            }
            GetResponse own = await("read " + key(), client.getKVClient().get(bytes(key())));
            if (own.getKvs().isEmpty() || own.getKvs().get(0).getLease() != lease) {
                rejoin("its key " + key() + " was removed");
                return;
            }
            if (unreachable) {
                log.info("etcd answers again; member {} kept its lease", id);
                unreachable = false;
            }
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).contains("lease not found")) {
                rejoin("its lease " + Long.toHexString(lease) + " expired");
            } else if (!unreachable) {
                unreachable = true;
                log.warn("cannot renew the cluster lease of member {}: {}; other members stop seeing it after {} s, "
                        + "and it joins again once etcd answers", id, e.getMessage(), ttl.toSeconds());
            }
        }
    }

    /** Puts the member's value when it changed (runs in flight, the API's URL once bound). */
    private void refresh() {
        try {
            update();
        } catch (RuntimeException e) {
            log.warn("membership update of {} failed: {}", id, e.getMessage());
        }
    }

    private void update() {
        try {
            String value = self.get().text();
            if (!value.equals(put) && !unreachable) {
                await("update " + key(), client.getKVClient().put(bytes(key()), bytes(value),
                        PutOption.builder().withLeaseId(lease).build()));
                put = value;
            }
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).contains("lease not found")) {
                rejoin("its lease " + Long.toHexString(lease) + " expired");
            } else {
                log.debug("cannot update member {}: {}", id, e.getMessage());
            }
        }
    }

    /** After a lost lease: a new lease and the key again, unless another live member took the id meanwhile. */
    private void rejoin(String why) {
        log.warn("member {} lost its place in the cluster: {}; joining again with a new lease", id, why);
        long old = lease;
        long granted = grant();
        KeyValue held = putIfAbsent(self.get(), granted);
        if (held != null) {
            revokeQuietly(granted);
            log.error("member id {} is now held by another live member ({}); this daemon is not listed until it is "
                    + "free: give each daemon its own [cluster] member_id", id, held.getValue().toString(StandardCharsets.UTF_8));
            return;
        }
        lease = granted;
        unreachable = false;
        revokeQuietly(old);
        log.warn("member {} joined the cluster again (lease {})", id, Long.toHexString(granted));
    }

    @Override
    public boolean clustered() {
        return true;
    }

    @Override
    public String selfId() {
        return id;
    }

    /** Every live member, by id; a value that is not a member is left out. */
    @Override
    public List<Member> list() {
        GetResponse r = await("list the members", client.getKVClient().get(bytes(members),
                GetOption.builder().isPrefix(true).withLimit(MAX_MEMBERS).build()));
        List<Member> out = new ArrayList<>();
        for (KeyValue kv : r.getKvs()) {
            Member m = parseOrNull(kv);
            if (m != null) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparing(Member::id));
        return out;
    }

    /** Whether the member holds its lease as far as it knows: false from a failed renewal until etcd answers again. */
    public boolean isListed() {
        return !unreachable;
    }

    /** The lease this member's key lives under (for fencing what it does by its liveness). */
    public long leaseId() {
        return lease;
    }

    /**
     * Per-dataset locks held under this member's lease (see {@link EtcdDatasetLocks}); a wait
     * longer than {@code wait} fails.
     */
    public org.maomao.dataset.ClusterDatasetLock datasetLocks(Duration wait) {
        return new EtcdDatasetLocks(client, prefix, this::leaseId, wait);
    }

    /** The cluster's datasets by name and remote (see {@link EtcdDatasetCatalog}). */
    public org.maomao.dataset.DatasetCatalog datasetCatalog() {
        return new EtcdDatasetCatalog(client, prefix);
    }

    /** The collectors each member's files declare (see {@link EtcdDeclarations}). */
    public Declarations declarations() {
        return new EtcdDeclarations(client, prefix, id);
    }

    /** This member's key. */
    public String key() {
        return members + id;
    }

    private static Member parseOrNull(KeyValue kv) {
        try {
            return Member.parse(kv.getValue().toString(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            log.debug("{} does not hold a member: {}", kv.getKey().toString(StandardCharsets.UTF_8), e.getMessage());
            return null;
        }
    }

    private long grant() {
        return await("grant a lease", client.getLeaseClient().grant(ttl.toSeconds())).getID();
    }

    private void revokeQuietly(long l) {
        if (l == 0) {
            return;
        }
        try {
            await("revoke the lease", client.getLeaseClient().revoke(l));
        } catch (RuntimeException e) {
            log.debug("cannot revoke lease {}: {}", Long.toHexString(l), e.getMessage());
        }
    }

    /** Leaves the cluster: the lease is revoked, so the key is gone at once for every member. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(EtcdCall.SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        revokeQuietly(lease);
        log.info("member {} left the cluster", id);
        client.close();
    }
}
