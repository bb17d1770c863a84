package org.maomao.run;

/** Tells the world about a {@link CollectionAlert} (a webhook, etcd); must not block or fail the run. */
public interface AlertNotifier {
    void alert(CollectionAlert alert);
}
