package org.maomao.store;

import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.run.RunStore;

/** {@link JdbcRunStore} keeps the {@link RunStore} contract on H2 on disk, opened and migrated as the daemon does. */
class JdbcRunStoreTest extends RunStoreContract {
    @TempDir
    Path dir;
    private Database db;

    @Override
    protected RunStore createStore(Clock clock) {
        db = H2Store.open(dir);
        return new JdbcRunStore(db.dataSource(), clock);
    }

    @Override
    protected void collectorRegistered(String name) {
        Collectors.register(db.dataSource(), name);
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }
}
