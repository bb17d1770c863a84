package org.maomao.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.quartz.TriggerKey;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;

/**
 * Quartz's PostgreSQL delegate, with the query that picks the next triggers to fire bound as
 * PostgreSQL can use it. Quartz binds the fire-time bounds as {@code BigDecimal}: PostgreSQL then
 * compares {@code NEXT_FIRE_TIME::numeric}, which no index serves, and every acquisition (one per
 * firing, under the cluster's TRIGGER_ACCESS row lock) reads every waiting trigger of the store,
 * 10,000 rows a firing with 10,000 schedules (measured by bench/cluster-scale). Bound as
 * {@code bigint}, with a LIMIT, the index on (SCHED_NAME, TRIGGER_STATE, NEXT_FIRE_TIME) reads only
 * the triggers it returns.
 */
public class PostgresTriggerDelegate extends PostgreSQLDelegate {
    @Override
    public List<TriggerKey> selectTriggerToAcquire(Connection conn, long noLaterThan, long noEarlierThan, int maxCount)
            throws SQLException {
        int n = Math.max(1, maxCount); // at least one trigger back, as Quartz's own
        try (PreparedStatement ps = conn.prepareStatement(rtp(SELECT_NEXT_TRIGGER_TO_ACQUIRE) + " LIMIT " + n)) {
            ps.setString(1, STATE_WAITING);
            ps.setLong(2, noLaterThan);
            ps.setLong(3, noEarlierThan);
            List<TriggerKey> next = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    next.add(TriggerKey.triggerKey(rs.getString(COL_TRIGGER_NAME), rs.getString(COL_TRIGGER_GROUP)));
                }
            }
            return next;
        }
    }
}
