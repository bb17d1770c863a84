package org.maomao.store;

import java.time.Clock;

import org.maomao.run.RunStore;
import org.maomao.testing.InMemoryRunStore;

/** The in-memory {@link RunStore} that the pipeline's unit tests use keeps the same contract as the database. */
class InMemoryRunStoreTest extends RunStoreContract {
    @Override
    protected RunStore createStore(Clock clock) {
        return new InMemoryRunStore(clock);
    }
}
