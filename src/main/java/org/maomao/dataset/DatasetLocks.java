package org.maomao.dataset;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per dataset: every git operation on a dataset (create, ingest, push, reading
 * a commit) holds it, so they take turns and never see each other's half-written state.
 * Reentrant, because an ingest pushes its own commit while it still holds the lock.
 */
final class DatasetLocks {
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    ReentrantLock of(String dataset) {
        return locks.computeIfAbsent(dataset, k -> new ReentrantLock());
    }
}
