package org.maomao.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.maomao.notify.Notification;
import org.maomao.notify.NotificationSink;
import org.maomao.notify.NotificationSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

/**
 * The notifications of every daemon sharing the etcd prefix: one etcd watch per watcher on the
 * prefix, relaying the puts of {@code spikes/}, {@code alerts/} and {@code runs/} with their
 * revisions. A resumed watcher first gets the keys put since its revision (read in pages at a
 * fixed revision, so the replay is complete even after etcd compacted its history), then the live ones.
 */
public final class EtcdNotifications implements NotificationSource {
    private static final Logger log = LoggerFactory.getLogger(EtcdNotifications.class);
    /** The largest value relayed; etcd's own limit is 1.5 MiB, maomao's notifications are under 1 KiB. */
    static final int MAX_VALUE = 64 * 1024;
    private static final int PAGE = 200;

    private final Client client;
    private final String prefix;

    EtcdNotifications(Client client, String prefix) {
        this.client = client;
        this.prefix = prefix + "/";
    }

    @Override
    public boolean resumable() {
        return true;
    }

    @Override
    public Subscription subscribe(NotificationSink sink) {
        ByteSequence key = bytes(prefix);
        long now = get(key, GetOption.builder().isPrefix(true).withCountOnly(true).build()).getHeader().getRevision();
        WatchOption opt = WatchOption.builder().isPrefix(true).withRevision(now + 1).withNoDelete(true).build();
        Watch.Watcher watcher = client.getWatchClient().watch(key, opt, new Watch.Listener() {
            @Override
            public void onNext(WatchResponse r) {
                for (WatchEvent e : r.getEvents()) {
                    if (e.getEventType() == WatchEvent.EventType.PUT) {
                        Notification n = decode(e.getKeyValue());
                        if (n != null) {
                            sink.offer(n);
                        }
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                sink.failed("the etcd watch failed (" + t.getMessage() + "); reconnect to resume from the last revision.");
            }

            @Override
            public void onCompleted() {
                sink.failed("etcd ended the watch; reconnect to resume from the last revision.");
            }
        });
        return new Subscription() {
            @Override
            public Long revision() {
                return now;
            }

            @Override
            public void replay(long from, Replay target) throws IOException {
                long next = from;
                while (next <= now) {
                    GetResponse page = get(key, GetOption.builder().isPrefix(true).withRevision(now)
                            .withMinModRevision(next).withSortField(GetOption.SortTarget.MOD)
                            .withSortOrder(GetOption.SortOrder.ASCEND).withLimit(PAGE).build());
                    for (KeyValue kv : page.getKvs()) {
                        Notification n = decode(kv);
                        if (n != null) {
                            target.accept(n);
                        }
                        next = kv.getModRevision() + 1;
                    }
                    if (!page.isMore()) {
                        return;
                    }
                }
            }

            @Override
            public void close() {
                watcher.close();
            }
        };
    }

    /** A put under the prefix as a notification; null for other keys, oversized or non-JSON values. */
    private Notification decode(KeyValue kv) {
        String k = kv.getKey().toString(StandardCharsets.UTF_8);
        Notification.Kind kind = k.startsWith(prefix) ? Notification.Kind.ofKey(k.substring(prefix.length())) : null;
        if (kind == null) {
            return null;
        }
        if (kv.getValue().size() > MAX_VALUE) {
            log.warn("not relaying etcd key {}: its value has {} bytes, over {}", k, kv.getValue().size(), MAX_VALUE);
            return null;
        }
        Notification n = Notification.parse(kind, kv.getModRevision(), kv.getValue().toString(StandardCharsets.UTF_8));
        if (n == null) {
            log.warn("not relaying etcd key {}: its value is not a JSON object", k);
        }
        return n;
    }

    private GetResponse get(ByteSequence key, GetOption opt) {
        try {
            return client.getKVClient().get(key, opt).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("etcd does not answer (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading etcd", e);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
