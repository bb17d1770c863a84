package org.maomao.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.maomao.run.AlertNotifier;
import org.maomao.run.CollectionAlert;
import org.maomao.spike.SpikeJson;
import org.maomao.spike.SpikeNotifier;
import org.maomao.spike.SpikeRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

/**
 * Publishes each spike to etcd under {@code <prefix>/spikes/<series>/<timestamp>}, and each
 * collection alert under {@code <prefix>/alerts/<collector>@<dataset>/<at>}, so that other
 * daemons and tools ({@code etcdctl watch --prefix}) see them.
 */
public final class EtcdSpikePublisher implements SpikeNotifier, AlertNotifier, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EtcdSpikePublisher.class);

    private final Client client;
    private final String prefix;

    private final Runnable onError;

    /** @param onError called on each failed publication (for the error metric) */
    public EtcdSpikePublisher(List<String> endpoints, String prefix, Runnable onError) {
        this.onError = onError;
        this.client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
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

    private void put(String key, String json) {
        client.getKVClient().put(bytes(key), bytes(json)).whenComplete((r, e) -> {
            if (e != null) {
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
