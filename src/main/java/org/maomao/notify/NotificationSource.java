package org.maomao.notify;

import java.io.IOException;

/**
 * The spikes, alerts and run ends a watcher sees: through an etcd watch, those of every daemon
 * sharing the etcd prefix ({@code EtcdNotifications}); without etcd, this daemon's own
 * ({@link LocalNotifications}).
 */
public interface NotificationSource {
    /** Whether a watcher can resume from a revision (etcd keeps the events for their TTL). */
    boolean resumable();

    /**
     * Starts delivering live notifications to {@code sink}: every one after {@link Subscription#revision()}.
     *
     * @throws IllegalStateException with a sentence when the source cannot be reached
     */
    Subscription subscribe(NotificationSink sink);

    /** A watcher's subscription; closing it stops the deliveries. */
    interface Subscription extends AutoCloseable {
        /** The revision the live deliveries follow (they have higher ones); null without etcd. */
        Long revision();

        /**
         * Hands {@code target} the notifications from revision {@code from} up to {@link #revision()},
         * oldest first, in the calling thread (so a slow writer slows the replay, and buffers nothing).
         */
        void replay(long from, Replay target) throws IOException;

        @Override
        void close();
    }

    /** Receives replayed notifications; may block, and fail when the watcher is gone. */
    interface Replay {
        void accept(Notification n) throws IOException;
    }
}
