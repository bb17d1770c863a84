package org.maomao.store;

import java.time.Clock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.maomao.schedule.QuartzRunScheduler;
import org.maomao.schedule.ScheduleStore;

/** {@link JdbcScheduleStore} keeps the {@link ScheduleStore} contract on a real PostgreSQL (a database per class, emptied for each test), opened and migrated as the daemon does. */
class PgScheduleStoreTest extends ScheduleStoreContract {
    private static PgStore pg;

    @BeforeAll
    static void openDatabase() {
        pg = PgStore.open();
    }

    @Override
    protected ScheduleStore createStore(Clock clock) {
        return new JdbcScheduleStore(pg.emptied().dataSource(), clock, QuartzRunScheduler.SCHEDULER_NAME,
                QuartzRunScheduler.SCHEDULES);
    }

    @AfterAll
    static void closeDatabase() {
        if (pg != null) {
            pg.close();
        }
    }
}
