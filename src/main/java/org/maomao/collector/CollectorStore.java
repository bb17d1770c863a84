package org.maomao.collector;

import java.util.List;
import java.util.Optional;

/** Persistence of registered collectors. */
public interface CollectorStore {
    /** Inserts or replaces by name; returns true when the collector is new. */
    boolean upsert(Collector collector);

    Optional<Collector> find(String name);

    List<Collector> list();

    /** Returns true when a collector was removed. */
    boolean delete(String name);
}
