-- Scheduled plans: a plan submitted with a runAt waits as a 'scheduled' run, holding its planId,
-- until the first tick at or after run_at claims it (scheduled -> running, one claimant).
ALTER TABLE execution_history DROP CONSTRAINT execution_history_status_check;
ALTER TABLE execution_history ADD CONSTRAINT execution_history_status_check
  CHECK (status IN ('scheduled', 'running', 'completed', 'failed'));
ALTER TABLE execution_history ADD COLUMN run_at timestamptz;
ALTER TABLE execution_history ADD CONSTRAINT execution_history_scheduled_check
  CHECK (status <> 'scheduled' OR run_at IS NOT NULL);
-- The due plans, soonest first, as each tick looks for them.
CREATE INDEX execution_history_due_idx ON execution_history (run_at, started_at)
  WHERE status = 'scheduled';
