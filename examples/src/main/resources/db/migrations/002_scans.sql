CREATE TABLE scans (
  id             text PRIMARY KEY,
  status         text NOT NULL CHECK (status IN ('queued', 'claimed', 'running', 'done', 'failed')),
  source_key     text NOT NULL,
  runner_task    text,
  failure_reason text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
