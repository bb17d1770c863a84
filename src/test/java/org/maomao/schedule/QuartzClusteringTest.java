package org.maomao.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.store.Database;
import org.quartz.Scheduler;

/** The Quartz settings of each way to share a store, and that Quartz takes them: a member checks in under its id. */
class QuartzClusteringTest {
    @TempDir
    Path dir;

    @Test
    void a_cluster_member_gets_the_clustered_store_with_its_id_its_checkin_and_locked_acquisition() {
        Properties p = QuartzStores.properties("ds", true, QuartzClustering.member("host1:8080", Duration.ofMillis(7500)), 4);
        assertThat(p.getProperty("org.quartz.jobStore.isClustered")).isEqualTo("true");
        assertThat(p.getProperty("org.quartz.jobStore.acquireTriggersWithinLock")).isEqualTo("true");
        assertThat(p.getProperty("org.quartz.jobStore.clusterCheckinInterval")).isEqualTo("7500");
        assertThat(p.getProperty("org.quartz.scheduler.instanceId")).isEqualTo("host1:8080");
        assertThat(p.getProperty("org.quartz.scheduler.instanceName")).isEqualTo(QuartzRunScheduler.SCHEDULER_NAME);
        assertThat(p.getProperty("org.quartz.jobStore.driverDelegateClass"))
                .isEqualTo(PostgresTriggerDelegate.class.getName());
    }

    @Test
    void a_single_daemon_keeps_the_settings_it_had() {
        Properties h2 = QuartzStores.properties("ds", false, QuartzClustering.NONE, 4);
        assertThat(h2.getProperty("org.quartz.jobStore.isClustered")).isEqualTo("false");
        assertThat(h2.getProperty("org.quartz.scheduler.instanceId")).isEqualTo("AUTO");
        assertThat(h2.getProperty("org.quartz.jobStore.acquireTriggersWithinLock")).isEqualTo("false");
        assertThat(h2).doesNotContainKey("org.quartz.jobStore.clusterCheckinInterval");
        Properties pg = QuartzStores.properties("ds", true, QuartzClustering.SHARED_STORE, 4);
        assertThat(pg.getProperty("org.quartz.jobStore.isClustered")).isEqualTo("true");
        assertThat(pg.getProperty("org.quartz.scheduler.instanceId")).isEqualTo("AUTO");
    }

    @Test
    void quartz_runs_as_the_member_and_checks_in_under_its_id_at_its_interval() throws Exception {
        try (Database db = Database.open(Database.h2Url(dir), null, null, 4)) {
            Scheduler s = QuartzStores.open(db.dataSource(), false,
                    QuartzClustering.member("host1:8080", Duration.ofMillis(2000)), 1).scheduler();
            try {
                assertThat(s.getSchedulerInstanceId()).isEqualTo("host1:8080");
                assertThat(s.getMetaData().isJobStoreClustered()).isTrue();
                s.start();
                try (Connection c = db.dataSource().getConnection();
                     PreparedStatement q = c.prepareStatement(
                             "SELECT INSTANCE_NAME, CHECKIN_INTERVAL FROM QRTZ_SCHEDULER_STATE WHERE SCHED_NAME = ?")) {
                    q.setString(1, QuartzRunScheduler.SCHEDULER_NAME);
                    try (ResultSet r = q.executeQuery()) {
                        assertThat(r.next()).isTrue();
                        assertThat(r.getString(1)).isEqualTo("host1:8080");
                        assertThat(r.getLong(2)).isEqualTo(2000);
                    }
                }
            } finally {
                s.shutdown(true);
            }
        }
    }
}
