package org.maomao.store;

import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.schedule.QuartzRunScheduler;
import org.maomao.schedule.ScheduleStore;

/** {@link JdbcScheduleStore} keeps the {@link ScheduleStore} contract on H2 on disk, opened and migrated as the daemon does. */
class JdbcScheduleStoreTest extends ScheduleStoreContract {
    @TempDir
    Path dir;
    private Database db;

    @Override
    protected ScheduleStore createStore(Clock clock) {
        db = H2Store.open(dir);
        return new JdbcScheduleStore(db.dataSource(), clock, QuartzRunScheduler.SCHEDULER_NAME,
                QuartzRunScheduler.SCHEDULES);
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }
}
