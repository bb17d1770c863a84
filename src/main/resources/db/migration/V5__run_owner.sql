-- Who runs a run's current attempt (its member id in cluster mode, null for a lone daemon) and the
-- attempt's fence: a token drawn when the attempt claims the run. Every write of a running run checks
-- the fence in its WHERE, so a member that lost the run (paused past its lease, taken over) cannot
-- end it, commit it or add its events.
ALTER TABLE mm_runs ADD COLUMN member VARCHAR(255);
ALTER TABLE mm_runs ADD COLUMN fence VARCHAR(64);
CREATE INDEX mm_runs_state_created ON mm_runs (state, created_at);
