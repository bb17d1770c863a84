package org.maomao.store;

import java.time.Clock;

import org.maomao.spike.SeriesStore;
import org.maomao.testing.InMemorySeriesStore;

/** The in-memory {@link SeriesStore} that unit tests use keeps the same contract as the database. */
class InMemorySeriesStoreTest extends SeriesStoreContract {
    @Override
    protected SeriesStore createStore(Clock clock) {
        return new InMemorySeriesStore(clock);
    }
}
