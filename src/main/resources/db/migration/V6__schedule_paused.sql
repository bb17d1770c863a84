-- Whether the operator paused a schedule. Quartz's trigger state cannot hold it: each firing
-- replaces the schedule's one-shot trigger with a new, waiting one, which dropped a pause that
-- came while the firing ran; the trigger is made to follow this flag (QuartzRunScheduler).
ALTER TABLE mm_schedules ADD COLUMN paused BOOLEAN DEFAULT FALSE NOT NULL;
-- schedules paused before this column existed were paused in their trigger only
UPDATE mm_schedules SET paused = TRUE WHERE id IN (SELECT TRIGGER_NAME FROM QRTZ_TRIGGERS
    WHERE SCHED_NAME = 'maomao' AND TRIGGER_GROUP = 'schedules' AND TRIGGER_STATE IN ('PAUSED', 'PAUSED_BLOCKED'));
