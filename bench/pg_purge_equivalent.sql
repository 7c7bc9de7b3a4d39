-- The hand-written PostgreSQL equivalent of `vern purge` with bench/purge_policy.toml: the
-- translation of bench/purge_equivalent.sql (the SQLite anchor), with the same deletions and the
-- same set semantics. bench/pg_purge.sh runs it with psql -v now=<Unix time of the run>, on an
-- identical copy of the store that vern purges, and times the two parts separately: the
-- deletions (one transaction) and the VACUUM of the tables vern vacuums after a purge
-- (PgStore::checkpoint(): VACUUM (ANALYZE, INDEX_CLEANUP ON) of every table it changed).
\set ON_ERROR_STOP on
\timing on
\echo phase delete
BEGIN;
-- The anchor of the event rules (vern's evaluate.cpp): the latest record event of the kind at or
-- before now, and the latest subject event of the kind at or before now if it happened at or
-- after the record's creation (an earlier one closed an earlier episode); the later of the two,
-- -1 for none (the record is kept). The benchmark store has no cases.
CREATE TEMP TABLE anchor ON COMMIT DROP AS
  SELECT rid, category,
         greatest(coalesce(rec_at, -1), CASE WHEN subj_at >= created THEN subj_at ELSE -1 END) AS at
  FROM (SELECT r.rid AS rid, r.category AS category, r.created AS created,
               (SELECT max(at) FROM events e WHERE e.rid = r.rid AND e.at <= :now
                  AND e.kind = CASE r.category WHEN 'booking' THEN 'appointment'
                                               ELSE 'last_session' END) AS rec_at,
               (SELECT max(at) FROM events e WHERE e.sid = r.sid AND e.at <= :now
                  AND e.kind = CASE r.category WHEN 'booking' THEN 'appointment'
                                               ELSE 'last_session' END) AS subj_at
        FROM records r WHERE r.category IN ('booking', 'contact', 'notes')) x;
DELETE FROM records WHERE category = 'chat' AND created + 30 * 86400 <= :now;
-- Calendar years in the policy's time zone (UTC), as SQLite's '+1 year'.
DELETE FROM records WHERE category = 'mailbox'
  AND extract(epoch FROM (to_timestamp(created) AT TIME ZONE 'UTC') + interval '1 year') <= :now;
DELETE FROM records WHERE category = 'phone_log'
  AND extract(epoch FROM (to_timestamp(created) AT TIME ZONE 'UTC') + interval '1 year') <= :now;
DELETE FROM records WHERE rid IN (SELECT rid FROM anchor WHERE at >= 0 AND
  at + CASE category WHEN 'booking' THEN 7 WHEN 'contact' THEN 28 ELSE 90 END * 86400 <= :now);
-- A global event anchors only the records created at or before it.
DELETE FROM records WHERE category = 'tool' AND
  created <= (SELECT max(at) FROM events WHERE scope = 'global' AND kind = 'subscription_ended'
                AND at <= :now) AND
  (SELECT max(at) FROM events WHERE scope = 'global' AND kind = 'subscription_ended'
     AND at <= :now) + 21 * 86400 <= :now;
-- Identifier rows of deleted records (the store keeps them without a foreign key).
DELETE FROM identifiers WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.rid = identifiers.rid);
-- Subjects left without records (none has an open request or hold in the benchmark store); their
-- events, consents and holds cascade, requests lose their subject.
DELETE FROM subjects WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.sid = subjects.sid)
  AND NOT EXISTS (SELECT 1 FROM requests q WHERE q.sid = subjects.sid AND q.closed IS NULL)
  AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.sid = subjects.sid AND h.released IS NULL);
COMMIT;
\echo phase vacuum
-- What vern runs after the purge's last batch: the tables the purge changed.
VACUUM (ANALYZE, INDEX_CLEANUP ON) requests;
VACUUM (ANALYZE, INDEX_CLEANUP ON) holds;
VACUUM (ANALYZE, INDEX_CLEANUP ON) consents;
VACUUM (ANALYZE, INDEX_CLEANUP ON) events;
VACUUM (ANALYZE, INDEX_CLEANUP ON) subjects;
VACUUM (ANALYZE, INDEX_CLEANUP ON) identifiers;
VACUUM (ANALYZE, INDEX_CLEANUP ON) records;
\echo phase end
\timing off
SELECT 'records left: ' || count(*) FROM records;
SELECT 'subjects left: ' || count(*) FROM subjects;
