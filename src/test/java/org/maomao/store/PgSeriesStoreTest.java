package org.maomao.store;

import java.time.Clock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.maomao.spike.SeriesStore;

/** {@link JdbcSeriesStore} keeps the {@link SeriesStore} contract on a real PostgreSQL (a database per class, emptied for each test), opened and migrated as the daemon does. */
class PgSeriesStoreTest extends SeriesStoreContract {
    private static PgStore pg;

    @BeforeAll
    static void openDatabase() {
        pg = PgStore.open();
    }

    @Override
    protected SeriesStore createStore(Clock clock) {
        return new JdbcSeriesStore(pg.emptied().dataSource(), clock);
    }

    @AfterAll
    static void closeDatabase() {
        if (pg != null) {
            pg.close();
        }
    }
}
