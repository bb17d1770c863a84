package org.maomao.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.maomao.collector.CollectorStore;

/** {@link JdbcCollectorStore} keeps the {@link CollectorStore} contract on a real PostgreSQL (a database per class, emptied for each test), opened and migrated as the daemon does. */
class PgCollectorStoreTest extends CollectorStoreContract {
    private static PgStore pg;

    @BeforeAll
    static void openDatabase() {
        pg = PgStore.open();
    }

    @Override
    protected CollectorStore createStore() {
        return new JdbcCollectorStore(pg.emptied().dataSource());
    }

    @AfterAll
    static void closeDatabase() {
        if (pg != null) {
            pg.close();
        }
    }
}
