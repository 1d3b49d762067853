CREATE TABLE findings (
  id         text PRIMARY KEY,
  scan_id    text NOT NULL REFERENCES scans(id),
  title      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
