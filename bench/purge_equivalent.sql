-- The hand-written SQL equivalent of `vern purge` with bench/purge_policy.toml (bench/purge.sh
-- replaces @NOW@ by the Unix time of the run). Same pragmas as vern: foreign keys (record events
-- cascade), secure_delete, WAL checkpointed and truncated afterwards.
PRAGMA foreign_keys = ON;
PRAGMA secure_delete = ON;
BEGIN IMMEDIATE;
-- Latest event of a kind for a record: its own events and its subject's events, at or before now.
CREATE TEMP TABLE anchor AS
  SELECT r.rid AS rid, r.category AS category,
         max(ifnull((SELECT max(at) FROM events e WHERE e.rid = r.rid AND e.at <= @NOW@
                       AND e.kind = CASE r.category WHEN 'booking' THEN 'appointment' ELSE 'last_session' END), -1),
             ifnull((SELECT max(at) FROM events e WHERE e.sid = r.sid AND e.at <= @NOW@
                       AND e.kind = CASE r.category WHEN 'booking' THEN 'appointment' ELSE 'last_session' END), -1)) AS at
  FROM records r WHERE r.category IN ('booking', 'contact', 'notes');
DELETE FROM records WHERE category = 'chat' AND created + 30 * 86400 <= @NOW@;
DELETE FROM records WHERE category = 'mailbox'
  AND unixepoch(created, 'unixepoch', '+1 year') <= @NOW@;
DELETE FROM records WHERE category = 'phone_log'
  AND unixepoch(created, 'unixepoch', '+1 year') <= @NOW@;
DELETE FROM records WHERE rid IN (SELECT rid FROM anchor WHERE at >= 0 AND
  at + CASE category WHEN 'booking' THEN 7 WHEN 'contact' THEN 28 ELSE 90 END * 86400 <= @NOW@);
DELETE FROM records WHERE category = 'tool' AND
  (SELECT max(at) FROM events WHERE scope = 'global' AND kind = 'subscription_ended'
     AND at <= @NOW@) + 21 * 86400 <= @NOW@;
-- Identifier rows of deleted records (the store keeps them without a foreign key).
DELETE FROM identifiers WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.rid = identifiers.rid);
-- Subjects left without records (none has an open request or hold in the benchmark store).
DELETE FROM subjects WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.sid = subjects.sid)
  AND NOT EXISTS (SELECT 1 FROM requests q WHERE q.sid = subjects.sid AND q.closed IS NULL)
  AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.sid = subjects.sid AND h.released IS NULL);
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SELECT 'records left: ' || count(*) FROM records;
SELECT 'subjects left: ' || count(*) FROM subjects;
