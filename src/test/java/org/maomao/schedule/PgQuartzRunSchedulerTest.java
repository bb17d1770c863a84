package org.maomao.schedule;

import org.junit.jupiter.api.AfterEach;
import org.maomao.testing.PostgresServer;

/**
 * The scheduler's tests on Quartz's JDBC job store in a real PostgreSQL, with the PostgreSQL
 * delegate and the clustered store the daemon uses there (job data in bytea, row locks in
 * {@code qrtz_locks}), each test on a new database that keeps its triggers across the restart.
 */
class PgQuartzRunSchedulerTest extends QuartzRunSchedulerTest {
    private String url;

    @Override
    String storeUrl() {
        if (url == null) {
            url = PostgresServer.shared().newDatabase();
        }
        return url;
    }

    @Override
    String storeUser() {
        return PostgresServer.shared().user();
    }

    @AfterEach
    void dropDatabase() {
        if (url != null) {
            close();
            PostgresServer.shared().dropDatabase(url);
        }
    }
}
