package org.maomao.store;

import java.time.Clock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.maomao.run.RunStore;

/** {@link JdbcRunStore} keeps the {@link RunStore} contract on a real PostgreSQL (a database per class, emptied for each test), opened and migrated as the daemon does. */
class PgRunStoreTest extends RunStoreContract {
    private static PgStore pg;
    private Database db;

    @BeforeAll
    static void openDatabase() {
        pg = PgStore.open();
    }

    @Override
    protected RunStore createStore(Clock clock) {
        db = pg.emptied();
        return new JdbcRunStore(db.dataSource(), clock);
    }

    @Override
    protected void collectorRegistered(String name) {
        Collectors.register(db.dataSource(), name);
    }

    @AfterAll
    static void closeDatabase() {
        if (pg != null) {
            pg.close();
        }
    }
}
