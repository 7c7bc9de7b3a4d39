-- The hand-written SQL equivalent of `vern purge` with bench/purge_policy.toml (bench/purge.sh
-- replaces @NOW@ by the Unix time of the run). Same pragmas as vern: foreign keys (record events
-- cascade), secure_delete, WAL checkpointed and truncated afterwards.
PRAGMA foreign_keys = ON;
PRAGMA secure_delete = ON;
BEGIN IMMEDIATE;
-- The anchor of the event rules (vern's evaluate.cpp since 766adff): the latest record event of
-- the kind at or before now, and the latest subject event of the kind at or before now if it
-- happened at or after the record's creation (an earlier one closed an earlier episode); the
-- later of the two, -1 for none (the record is kept). The benchmark store has no cases.
CREATE TEMP TABLE anchor AS
  SELECT rid, category,
         max(ifnull(rec_at, -1), CASE WHEN subj_at >= created THEN subj_at ELSE -1 END) AS at
  FROM (SELECT r.rid AS rid, r.category AS category, r.created AS created,
               (SELECT max(at) FROM events e WHERE e.rid = r.rid AND e.at <= @NOW@
                  AND e.kind = CASE r.category WHEN 'booking' THEN 'appointment' ELSE 'last_session' END) AS rec_at,
               (SELECT max(at) FROM events e WHERE e.sid = r.sid AND e.at <= @NOW@
                  AND e.kind = CASE r.category WHEN 'booking' THEN 'appointment' ELSE 'last_session' END) AS subj_at
        FROM records r WHERE r.category IN ('booking', 'contact', 'notes'));
DELETE FROM records WHERE category = 'chat' AND created + 30 * 86400 <= @NOW@;
DELETE FROM records WHERE category = 'mailbox'
  AND unixepoch(created, 'unixepoch', '+1 year') <= @NOW@;
DELETE FROM records WHERE category = 'phone_log'
  AND unixepoch(created, 'unixepoch', '+1 year') <= @NOW@;
DELETE FROM records WHERE rid IN (SELECT rid FROM anchor WHERE at >= 0 AND
  at + CASE category WHEN 'booking' THEN 7 WHEN 'contact' THEN 28 ELSE 90 END * 86400 <= @NOW@);
-- A global event anchors only the records created at or before it.
DELETE FROM records WHERE category = 'tool' AND
  created <= (SELECT max(at) FROM events WHERE scope = 'global' AND kind = 'subscription_ended'
                AND at <= @NOW@) AND
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
