package org.maomao.notify;

/** Where a {@link NotificationSource} delivers live notifications to one watcher. */
public interface NotificationSink {
    /** Hands over one notification without blocking; the sink drops its watcher when it cannot keep up. */
    void offer(Notification n);

    /** The source cannot go on (etcd lost the watch); {@code message} says why, as a sentence. */
    void failed(String message);
}
