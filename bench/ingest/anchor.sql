-- The ingest anchor (bench/run.sh): SQLite's own best bulk load of the rows of gen_records.py into
-- vern's schema (a store made by `vern init`), from the CSV of jsonl_to_csv.py. run.sh prepends
-- the DROP INDEX statements of the secondary indexes and appends their CREATE INDEX statements
-- (inside the transaction), and replaces @NOW@ by the Unix time of vern's --now (subjects.created,
-- records.ingested). Same page cache and foreign-key checks as vern; the UNIQUE constraints
-- (records.id, subjects.ref) keep their automatic indexes, as in vern's store.
PRAGMA foreign_keys = ON;
PRAGMA cache_size = -65536;
CREATE TEMP TABLE st_records(id TEXT, subject TEXT, category TEXT, created INTEGER, fields TEXT);
CREATE TEMP TABLE st_ident(record TEXT, kind TEXT, value TEXT);
CREATE TEMP TABLE st_events(subject TEXT, kind TEXT, at INTEGER);
.import --csv --skip 1 records.csv st_records
.import --csv --skip 1 identifiers.csv st_ident
.import --csv --skip 1 events.csv st_events
BEGIN IMMEDIATE;
INSERT INTO subjects(ref, created)
  SELECT subject, @NOW@ FROM st_records GROUP BY subject ORDER BY min(rowid);
INSERT INTO records(id, sid, category, created, fields, ingested)
  SELECT r.id, s.sid, r.category, r.created, r.fields, @NOW@
  FROM st_records r CROSS JOIN subjects s ON s.ref = r.subject ORDER BY r.rowid;
INSERT INTO identifiers(rid, kind, value)
  SELECT rec.rid, i.kind, i.value FROM st_ident i CROSS JOIN records rec ON rec.id = i.record
  ORDER BY i.rowid;
INSERT INTO events(scope, sid, kind, at)
  SELECT DISTINCT 'subject', s.sid, e.kind, e.at FROM st_events e CROSS JOIN subjects s ON s.ref = e.subject;
