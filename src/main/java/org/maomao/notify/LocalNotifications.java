package org.maomao.notify;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.maomao.run.AlertNotifier;
import org.maomao.run.CollectionAlert;
import org.maomao.run.Run;
import org.maomao.run.RunEndJson;
import org.maomao.run.RunEndNotifier;
import org.maomao.spike.SpikeJson;
import org.maomao.spike.SpikeNotifier;
import org.maomao.spike.SpikeRecord;

/**
 * The notifications of a daemon without etcd: its own spikes, alerts and run ends, handed to its
 * watchers as they happen. There is no history: a watcher that reconnects misses what happened
 * while it was away.
 */
public final class LocalNotifications implements NotificationSource, SpikeNotifier, AlertNotifier, RunEndNotifier {
    private final Set<NotificationSink> sinks = new CopyOnWriteArraySet<>();

    @Override
    public void notify(SpikeRecord spike) {
        publish(Notification.Kind.SPIKE, SpikeJson.text(spike));
    }

    @Override
    public void alert(CollectionAlert alert) {
        publish(Notification.Kind.ALERT, alert.text());
    }

    @Override
    public void ended(Run run) {
        publish(Notification.Kind.RUN, RunEndJson.text(run));
    }

    private void publish(Notification.Kind kind, String json) {
        if (sinks.isEmpty()) {
            return;
        }
        Notification n = Notification.parse(kind, null, json);
        for (NotificationSink s : sinks) {
            s.offer(n);
        }
    }

    @Override
    public boolean resumable() {
        return false;
    }

    @Override
    public Subscription subscribe(NotificationSink sink) {
        sinks.add(sink);
        return new Subscription() {
            @Override
            public Long revision() {
                return null;
            }

            @Override
            public void replay(long from, Replay target) throws IOException {
                throw new IllegalStateException("this daemon has no etcd ([etcd] endpoints), so it keeps no history to resume from");
            }

            @Override
            public void close() {
                sinks.remove(sink);
            }
        };
    }
}
