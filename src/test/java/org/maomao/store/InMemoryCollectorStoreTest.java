package org.maomao.store;

import org.maomao.collector.CollectorStore;
import org.maomao.testing.InMemoryCollectorStore;

/** The in-memory {@link CollectorStore} that unit tests use keeps the same contract as the database. */
class InMemoryCollectorStoreTest extends CollectorStoreContract {
    @Override
    protected CollectorStore createStore() {
        return new InMemoryCollectorStore();
    }
}
