ALTER TABLE findings
  ADD COLUMN severity text NOT NULL DEFAULT 'medium',
  ADD COLUMN status   text NOT NULL DEFAULT 'open',
  ADD COLUMN path     text;
