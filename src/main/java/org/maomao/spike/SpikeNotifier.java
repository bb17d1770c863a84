package org.maomao.spike;

/** Tells the world about a spike (a webhook, etcd); must not block or fail the run. */
public interface SpikeNotifier {
    void notify(SpikeRecord spike);
}
