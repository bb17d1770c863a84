package org.maomao.schedule;

import java.time.Duration;

/**
 * How Quartz shares its job store with other daemons.
 *
 * @param clustered       whether several daemons share the triggers (Quartz's {@code isClustered})
 * @param instanceId      this daemon's Quartz instance id, or null for one Quartz makes up ({@code AUTO})
 * @param checkinInterval how often this daemon checks in to the store, or null for Quartz's default;
 *                        a daemon silent for longer has its firings recovered by another
 * @param lockedAcquire   whether triggers are acquired under the store's row lock
 *                        ({@code acquireTriggersWithinLock}), so that two members never take one firing
 */
public record QuartzClustering(boolean clustered, String instanceId, Duration checkinInterval, boolean lockedAcquire) {
    /** One daemon alone on its store. */
    public static final QuartzClustering NONE = new QuartzClustering(false, null, null, false);
    /** A PostgreSQL store outside cluster mode: clustered, so that daemons that share it by mistake never fire twice. */
    public static final QuartzClustering SHARED_STORE = new QuartzClustering(true, null, null, false);

    /** A member of a cluster ({@code [cluster] enabled}): its member id and check-in interval. */
    public static QuartzClustering member(String memberId, Duration checkinInterval) {
        return new QuartzClustering(true, memberId, checkinInterval, true);
    }
}
