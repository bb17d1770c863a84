-- A detector state holds the window, a seasonal profile and, until season=auto has decided, up to
-- three days of values (1-minute data at most); its encoded form is bounded below 1,000,000 characters
-- (see DetectorState). SET DATA TYPE is understood by H2 and PostgreSQL alike.
ALTER TABLE mm_series ALTER COLUMN detector_state SET DATA TYPE VARCHAR(1000000);
