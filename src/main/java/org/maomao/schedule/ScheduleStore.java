package org.maomao.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What each schedule is (Quartz keeps when it fires), so that listing is one query, and whether
 * the operator paused it: that is the truth of {@code paused}, which the trigger is made to follow
 * (see {@code QuartzRunScheduler#holdToIntent}), since a firing replaces the trigger.
 */
public interface ScheduleStore {
    /**
     * A stored schedule, its trigger's next fire time and state as Quartz has them, and whether
     * the operator paused it.
     */
    record Row(String id, String collector, String dataset, String frequency, String cron, String timezone,
               String source, Instant nextFireTime, String triggerState, boolean paused) {
    }

    /** Stores what {@code row} says, {@code paused} included (never its fire time or trigger state). */
    void upsert(Row row);

    /** Records that the operator paused (or resumed) schedule {@code id}; false when there is none. */
    boolean setPaused(String id, boolean paused);

    boolean delete(String id);

    Optional<Row> find(String id);

    long count();

    /** All schedules, or those of one collector when {@code collector} is not null, by id. */
    List<Row> list(String collector);
}
