package org.maomao.store;

import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.spike.SeriesStore;

/** {@link JdbcSeriesStore} keeps the {@link SeriesStore} contract on H2 on disk, opened and migrated as the daemon does. */
class JdbcSeriesStoreTest extends SeriesStoreContract {
    @TempDir
    Path dir;
    private Database db;

    @Override
    protected SeriesStore createStore(Clock clock) {
        db = H2Store.open(dir);
        return new JdbcSeriesStore(db.dataSource(), clock);
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }
}
