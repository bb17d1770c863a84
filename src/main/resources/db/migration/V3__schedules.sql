-- What each schedule is, for listing without going through Quartz job by job; Quartz's
-- QRTZ_TRIGGERS keeps when it fires next.
CREATE TABLE mm_schedules (
  id          VARCHAR(160) PRIMARY KEY,
  collector   VARCHAR(64)  NOT NULL,
  dataset     VARCHAR(64)  NOT NULL,
  frequency   VARCHAR(200) NOT NULL,
  cron        VARCHAR(200) NOT NULL,
  timezone    VARCHAR(64)  NOT NULL,
  source      VARCHAR(16)  NOT NULL,
  created_at  BIGINT       NOT NULL
);
CREATE INDEX mm_schedules_collector ON mm_schedules (collector);
