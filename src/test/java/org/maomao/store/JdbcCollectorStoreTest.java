package org.maomao.store;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.collector.CollectorStore;

/** {@link JdbcCollectorStore} keeps the {@link CollectorStore} contract on H2 on disk, opened and migrated as the daemon does. */
class JdbcCollectorStoreTest extends CollectorStoreContract {
    @TempDir
    Path dir;
    private Database db;

    @Override
    protected CollectorStore createStore() {
        db = H2Store.open(dir);
        return new JdbcCollectorStore(db.dataSource());
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }
}
