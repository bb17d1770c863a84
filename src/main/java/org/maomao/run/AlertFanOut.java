package org.maomao.run;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands each collection alert to every receiver (webhook, etcd); one that fails does not stop the others. */
public final class AlertFanOut implements AlertNotifier {
    private static final Logger log = LoggerFactory.getLogger(AlertFanOut.class);
    private final List<AlertNotifier> receivers = new CopyOnWriteArrayList<>();

    public void add(AlertNotifier receiver) {
        receivers.add(receiver);
    }

    @Override
    public void alert(CollectionAlert alert) {
        for (AlertNotifier n : receivers) {
            try {
                n.alert(alert);
            } catch (RuntimeException e) {
                log.warn("alert receiver {} failed: {}", n.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
