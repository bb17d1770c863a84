package org.maomao.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What each schedule is (Quartz keeps when it fires), so that listing is one query. */
public interface ScheduleStore {
    /** A stored schedule and its trigger's next fire time and state, as Quartz has them. */
    record Row(String id, String collector, String dataset, String frequency, String cron, String timezone,
               String source, Instant nextFireTime, String triggerState) {
    }

    void upsert(Row row);

    boolean delete(String id);

    Optional<Row> find(String id);

    long count();

    /** All schedules, or those of one collector when {@code collector} is not null, by id. */
    List<Row> list(String collector);
}
