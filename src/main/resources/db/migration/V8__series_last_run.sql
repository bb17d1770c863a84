-- The run whose rows a series' detector state last took in: the recovery of a run that crashed
-- half-way through its analysis skips the series it had already fed (each is saved as it goes),
-- so no row is fed twice and no spike stored or notified twice. NULL for series saved before.
ALTER TABLE mm_series ADD COLUMN last_run VARCHAR(64);
