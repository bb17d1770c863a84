package org.maomao.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.maomao.run.AlertNotifier;
import org.maomao.notify.NotificationSource;
import org.maomao.run.CollectionAlert;
import org.maomao.run.Run;
import org.maomao.run.RunEndJson;
import org.maomao.run.RunEndNotifier;
import org.maomao.spike.SpikeJson;
import org.maomao.spike.SpikeNotifier;
import org.maomao.spike.SpikeRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;

/**
 * Publishes each spike to etcd under {@code <prefix>/spikes/<series>/<timestamp>}, each
 * collection alert under {@code <prefix>/alerts/<collector>@<dataset>/<at>}, and each run's end
 * under {@code <prefix>/runs/<id>}, so that other daemons ({@code GET /watch}) and tools
 * ({@code etcdctl watch --prefix}) see them. Each key lives under a lease of about the
 * notification TTL ({@link NotificationLeases}), so etcd does not grow for ever.
 */
public final class EtcdSpikePublisher implements SpikeNotifier, AlertNotifier, RunEndNotifier, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EtcdSpikePublisher.class);

    private final Client client;
    private final String prefix;

    private final Runnable onError;
    private final NotificationLeases leases;

    /** As below, with keys kept for {@link #DEFAULT_TTL}. */
    public EtcdSpikePublisher(List<String> endpoints, String prefix, Runnable onError) {
        this(endpoints, prefix, DEFAULT_TTL, onError);
    }

    /**
     * @param ttl     how long etcd keeps each key (at least; at most 1.1 times as long)
     * @param onError called on each failed publication (for the error metric)
     */
    public EtcdSpikePublisher(List<String> endpoints, String prefix, Duration ttl, Runnable onError) {
        this.onError = onError;
        this.client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.leases = new NotificationLeases(client.getLeaseClient(), ttl, Clock.systemUTC());
    }

    /** How long notification keys stay in etcd unless {@code [etcd] notification_ttl} says otherwise. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(1);

    /** The notifications of every daemon on this prefix, for {@code GET /watch}. */
    public NotificationSource notifications() {
        return new EtcdNotifications(client, prefix);
    }

    /** The key of a spike. */
    public String key(SpikeRecord s) {
        return prefix + "/spikes/" + SpikeJson.seriesId(s) + "/" + s.timestamp();
    }

    @Override
    public void notify(SpikeRecord spike) {
        put(key(spike), SpikeJson.text(spike));
    }

    /** The key of a collection alert. */
    public String key(CollectionAlert a) {
        return prefix + "/alerts/" + a.collector() + "@" + a.dataset() + "/" + a.at();
    }

    @Override
    public void alert(CollectionAlert alert) {
        put(key(alert), alert.text());
    }

    /** The key of a run's end. */
    public String key(Run r) {
        return prefix + "/runs/" + r.id();
    }

    @Override
    public void ended(Run run) {
        put(key(run), RunEndJson.text(run));
    }

    private void put(String key, String json) {
        leases.lease().thenCompose(lease -> client.getKVClient().put(bytes(key), bytes(json),
                PutOption.builder().withLeaseId(lease).build())).whenComplete((r, e) -> {
            if (e != null) {
                if (String.valueOf(e.getMessage()).contains("lease not found")) {
                    leases.forget(); // etcd lost it (replaced, restored): the next key gets a new lease
                }
                log.warn("cannot publish {} to etcd: {}", key, e.getMessage());
                onError.run();
            }
        });
    }

    /** Whether etcd answers within two seconds. */
    public boolean isAvailable() {
        try {
            client.getKVClient().get(bytes(prefix + "/health")).get(2, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
    }
}
