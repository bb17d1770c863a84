package org.maomao.schedule;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz on the daemon's own database: the JDBC job store ({@link QuartzJobStore}, tables
 * {@code QRTZ_*}) on the daemon's connection pool, clustered on a shared PostgreSQL.
 */
final class QuartzStores {
    private static final AtomicInteger DATA_SOURCES = new AtomicInteger();

    private QuartzStores() {
    }

    /** A scheduler, not started, and its job store. */
    record Opened(Scheduler scheduler, QuartzJobStore store) {
    }

    /** A scheduler, not started, whose job store uses {@code dataSource}. */
    static Opened open(DataSource dataSource, boolean postgres, QuartzClustering clustering, int threads)
            throws SchedulerException {
        String dsName = "maomao-" + DATA_SOURCES.incrementAndGet();
        // Quartz would build a c3p0 pool from properties; hand it the daemon's pool instead.
        DBConnectionManager.getInstance().addConnectionProvider(dsName, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool belongs to the daemon's Database
            }

            @Override
            public void initialize() {
                // nothing to set up
            }
        });
        Scheduler scheduler = new StdSchedulerFactory(properties(dsName, postgres, clustering, threads)).getScheduler();
        return new Opened(scheduler, QuartzJobStore.take(dsName));
    }

    /** Quartz's settings for a JDBC job store on the data source registered as {@code dsName}. */
    static Properties properties(String dsName, boolean postgres, QuartzClustering clustering, int threads) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", QuartzRunScheduler.SCHEDULER_NAME);
        p.setProperty("org.quartz.scheduler.instanceId", clustering.instanceId() == null ? "AUTO" : clustering.instanceId());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        p.setProperty("org.quartz.jobStore.class", QuartzJobStore.class.getName());
        p.setProperty("org.quartz.jobStore.driverDelegateClass", postgres
                ? PostgresTriggerDelegate.class.getName() : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dsName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(clustering.clustered()));
        if (clustering.checkinInterval() != null) {
            p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(clustering.checkinInterval().toMillis()));
        }
        // each acquisition takes the TRIGGER_ACCESS row lock: on a shared store, two members never acquire one trigger
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", Boolean.toString(clustering.lockedAcquire()));
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        return p;
    }
}
