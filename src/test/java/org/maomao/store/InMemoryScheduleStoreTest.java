package org.maomao.store;

import java.time.Clock;

import org.maomao.schedule.ScheduleStore;
import org.maomao.testing.InMemoryScheduleStore;

/** The in-memory {@link ScheduleStore} that unit tests use keeps the same contract as the database. */
class InMemoryScheduleStoreTest extends ScheduleStoreContract {
    @Override
    protected ScheduleStore createStore(Clock clock) {
        return new InMemoryScheduleStore();
    }
}
