package org.maomao.dataset;

import java.io.IOException;

/**
 * A lock on one dataset across the members of a cluster, held while a member fetches,
 * commits and pushes the dataset's remote. It lives only as long as the member does
 * (its lease): a member that dies frees it. Implemented on etcd in {@code org.maomao.cluster}.
 */
public interface ClusterDatasetLock {
    /** A lock that is held until closed. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits for the dataset's lock; throws with a sentence when it cannot be had (etcd does
     * not answer, or another member holds it for too long).
     */
    Held acquire(String dataset) throws IOException, InterruptedException;
}
