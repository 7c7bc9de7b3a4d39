# vern purge: every semantic rule of SPEC 3.5 on the real binary, the JSON shape, audit entries,
# --max-delete, exit codes and the WAL truncation.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/engine_lib.sh"
set -e

test_case "due across the spring DST change: not one second before, exactly at"
fresh_store
vern purge --now 2026-04-19T09:59:59+02:00
expect_rc 0
expect_present chat-1
[ "$(field chat-1 phone)" = "+47 912 3" ] || fail "chat-1 phone: $(field chat-1 phone)"
vern purge --now 2026-04-19T10:00:00+02:00 --list
expect_rc 0
expect_gone chat-1
expect_out_contains "delete     chat-1  (subject S1, category chat, rule chat-30d, due 2026-04-19 10:00:00 CEST)"

test_case "anonymize once over two nights (drop_last:4 does not eat more digits)"
fresh_store
vern purge --now 2026-04-01T10:00:00+02:00
[ "$(field chat-2 phone)" = "+47 480 1" ] || fail "night 1: $(field chat-2 phone)"
vern purge --now 2026-04-02T10:00:00+02:00 --json
expect_json 'd["anonymized"]' 0   # chat-2 (and log-1, act-1) were done on night 1
[ "$(field chat-2 phone)" = "+47 480 1" ] || fail "night 2: $(field chat-2 phone)"
[ "$(sql s.db "SELECT applied FROM records WHERE id='chat-2'")" = '["chat-phone-7d"]' ] ||
    fail "applied rules not remembered"

test_case "end_of_week rounding: mail of Wednesday 1 April goes Monday 6 April 00:00"
fresh_store
vern purge --now 2026-04-05T23:59:59+02:00
expect_present mail-1
vern purge --now 2026-04-06
expect_gone mail-1

test_case "event anchor; pending without the event"
fresh_store
vern purge --now 2026-04-17T11:59:59+02:00
expect_present book-1
vern purge --now 2030-01-01
expect_gone book-1
expect_present book-2

test_case "global anchor"
fresh_store
vern purge --now 2026-04-21T23:59:59+02:00
expect_present tool-1
vern purge --now 2026-04-22
expect_gone tool-1

test_case "where: only external numbers lose digits"
fresh_store
vern purge --now 2026-03-31T09:00:00+02:00
[ "$(field log-1 number)" = "+47 912 3X XXX" ] || fail "log-1: $(field log-1 number)"
[ "$(field log-2 number)" = "201" ] || fail "log-2: $(field log-2 number)"

test_case "unless_consent / if_consent with end_of_year rounding"
fresh_store
vern purge --now 2026-03-02T09:59:59+01:00
expect_present contact-1
vern purge --now 2026-03-02T10:00:00+01:00
expect_gone contact-1
expect_present contact-2
vern purge --now 2027-12-31T23:59:59+01:00
expect_present contact-2
vern purge --now 2028-01-01
expect_gone contact-2

test_case "unlink: activity anonymised at once, detached, its subject removed"
fresh_store
ACT_RID=$(sql s.db "SELECT rid FROM records WHERE id='act-1'")
vern purge --now 2026-04-01T08:00:00+02:00 --json
expect_json 'd["subjects_removed"]' 2 # S9 (act-1 unlinked) and S7 (contact-1 deleted)
[ "$(sql s.db "SELECT json_extract(fields, '\$.ip') FROM records WHERE rid=$ACT_RID")" = \
  "2001:db8:abcd::" ] || fail "act-1 ip not truncated"
[ "$(sql s.db "SELECT unlinked, CASE WHEN sid IS NULL THEN 1 ELSE 0 END FROM records WHERE rid=$ACT_RID")" = "1|1" ] ||
    fail "act-1 not unlinked"
# The unlinked record has a fresh id (its old one is a key into the source system).
! exists act-1 || fail "act-1 keeps its id after unlinking"
sql s.db "SELECT id FROM records WHERE rid=$ACT_RID" | grep -Eq '^anon-[0-9a-f]{16}$' ||
    fail "act-1 has no fresh anon- id"
# A nightly re-import of the original cannot bring the linked record back.
grep '"act-1"' "$SRC/tests/data/engine/data.jsonl" >act.jsonl
vern ingest act.jsonl
expect_rc 65
expect_err_contains 'act.jsonl:1: record "act-1" was anonymised and detached from its subject'
[ "$(sql s.db "SELECT count(*) FROM records WHERE category='activity' AND sid IS NOT NULL")" = 0 ] ||
    fail "the re-import linked act-1 again"
! subject_exists S9 || fail "S9 should be removed"

test_case "subject removal: last record gone; kept with an open request"
fresh_store
sql "$VERN_STORE" "INSERT INTO requests(kind, sid, pseudonym, received, due) SELECT 'access', sid, 'x', 0, 1 FROM subjects WHERE ref = 'S3'"
vern purge --now 2026-04-19T10:00:00+02:00 --json
expect_json 'd["deleted"]' 4
expect_json 'd["subjects_removed"]' 3 # S1 (chat-1 + mail-1), S7, S9 (unlinked); not S3
! subject_exists S1 || fail "S1 should be removed"
subject_exists S3 || fail "S3 has an open request and must stay"
subject_exists S2 || fail "S2 still has chat-2"
[ "$(sql s.db "SELECT count(*) FROM events e JOIN subjects s USING(sid) WHERE s.ref='S7'")" = 0 ] ||
    fail "S7's events should be gone"

test_case "JSON document of SPEC 5, with --list"
fresh_store
vern purge --now 2026-04-19T10:00:00+02:00 --json --list
expect_json 'sorted(d.keys())' "['anonymized', 'audit_head', 'by_rule', 'deleted', 'dry_run', 'fallback_fields', 'fallbacks', 'held', 'notified', 'now', 'policy_digest', 'records', 'subjects_removed']"
expect_json 'd["now"]' "2026-04-19T08:00:00Z"
expect_json 'd["dry_run"]' False
expect_json 'json.dumps([r for r in d["records"] if r["id"]=="chat-1"][0], sort_keys=True)' '{"action": "delete", "category": "chat", "due": "2026-04-19T08:00:00Z", "id": "chat-1", "rule": "chat-30d", "subject": "S1"}'
expect_json 'json.dumps([r for r in d["by_rule"] if r["rule"]=="chat-30d"][0], sort_keys=True)' '{"action": "delete", "category": "chat", "records": 1, "rule": "chat-30d"}'
expect_json 'len(d["policy_digest"])' 64
vern purge --now 2026-04-19T10:00:00+02:00 --json
expect_json '"records" in d' False

test_case "audit: one entry per rule and category with the count, no refs or values"
[ "$(sql s.db "SELECT count FROM audit WHERE command='purge' AND action='delete' AND rule='chat-30d' AND category='chat'")" = 1 ] ||
    fail "no audit entry for chat-30d"
[ "$(sql s.db "SELECT count(*) FROM audit WHERE subject || rule || category LIKE '%S1%' OR rule LIKE '%912%'")" = 0 ] ||
    fail "audit holds a ref"
[ "$(sql s.db "SELECT count FROM audit WHERE action='remove_subject'")" = 4 ] ||
    fail "subjects removed not audited: $(sql s.db 'SELECT * FROM audit')"

test_case "the WAL is truncated after the run"
if on_sqlite; then # SQLite only: the -wal file
    [ ! -s s.db-wal ] || fail "s.db-wal is not empty: $(stat -c %s s.db-wal)"
fi
vern purge --now 2026-04-19T10:00:00+02:00 --vacuum
expect_rc 0

test_case "--max-delete refuses and changes nothing"
fresh_store
before=$(store_digest s.db)
vern purge --now 2026-04-19T10:00:00+02:00 --max-delete 3
expect_rc 1
expect_err_contains "refusing to purge: 4 records would be deleted, more than the --max-delete limit of 3; nothing was changed"
[ "$(store_digest s.db)" = "$before" ] || fail "store changed by a refused run"
vern purge --now 2026-04-19T10:00:00+02:00 --max-delete 20%
expect_rc 1
expect_err_contains "more than the --max-delete limit of 20% of 11 records = 2"
vern purge --now 2026-04-19T10:00:00+02:00 --max-delete 40%
expect_rc 0
vern purge --now 2030-01-01 --max-delete 0
expect_rc 1

test_case "exit codes"
vern purge --max-delete lots --now 2026-01-01
expect_rc 2
vern purge --batch-size 0 --now 2026-01-01
expect_rc 2
vern purge --no-such-option
expect_rc 2
vern purge --store missing.db --now 2026-01-01
expect_rc 66
VERN_POLICY= vern purge --now 2026-01-01
expect_rc 2
printf '[policy]\nname = "x"\n' >bad.toml
vern purge --policy bad.toml --now 2026-01-01
expect_rc 65
vern purge --now 2026-13-01
expect_rc 65
expect_err_contains "--now: invalid time"
VERN_NOW=tomorrow vern purge
expect_rc 65

test_case "batches of one give the same result"
fresh_store
vern purge --now 2026-04-19T10:00:00+02:00 --json
one=$(sed '/"audit_head":/d' <<<"$OUT") # one audit entry per batch: another head
fresh_store
vern purge --now 2026-04-19T10:00:00+02:00 --json --batch-size 1
[ "$(sed '/"audit_head":/d' <<<"$OUT")" = "$one" ] || fail "batch size 1 differs: $OUT"

test_case "every run is audited, even one that finds nothing due (monitoring sees the job ran)"
fresh_store
vern purge --now 2026-01-01T00:00:00+01:00 --json
expect_rc 0
expect_json 'd["deleted"] + d["anonymized"]' 0
[ "$(sql s.db "SELECT count(*) FROM audit WHERE command = 'purge' AND action = 'run'")" = 1 ] ||
    fail "a purge run with nothing due left no audit entry"
vern status --now 2026-01-01T00:00:00+01:00 --json
expect_json 'd["last_purge"]["deleted"]' 0
vern purge --now 2026-01-01T00:00:00+01:00 --dry-run
[ "$(sql s.db "SELECT count(*) FROM audit WHERE action = 'run'")" = 1 ] || fail "a dry run was audited"

test_case "a reader keeping the WAL open does not turn a finished purge into an error"
# SQLite only: an sqlite3 reader holding the WAL.
if on_sqlite; then
    fresh_store
    sqlite3 s.db "BEGIN; SELECT count(*) FROM records;" ".shell sleep 3" "COMMIT;" >/dev/null &
    reader=$!
    sleep 0.5
    vern purge --now 2026-04-19T10:00:00+02:00 --json
    expect_rc 0
    expect_err_contains "s.db', so the change could not be checkpointed"
    deleted=$(json_get 'd["deleted"]')
    [ "$deleted" -gt 0 ] || fail "nothing was deleted"
    wait $reader
    [ "$(sql s.db "SELECT count(*) FROM audit WHERE command = 'purge' AND action = 'run'")" = 1 ] ||
        fail "the run was not audited"
fi

test_case "a subject kept by an open request after its last record went is removed once the request is closed"
fresh_store
vern request open --kind access --subject S3 --now 2026-04-01
expect_rc 0
vern purge --now 2026-05-01 --json
expect_rc 0
expect_gone book-1
subject_exists S3 || fail "S3 was removed while its request is open"
vern plan --now 2026-05-02 --json
open_count=$(json_get 'd["subjects_removed"]')
vern request close 1 --now 2026-05-02
expect_rc 0
vern plan --now 2026-05-03 --json
expect_json 'd["subjects_removed"]' $((open_count + 1))
vern purge --now 2026-05-03 --json
expect_json 'd["subjects_removed"]' $((open_count + 1))
subject_exists S3 && fail "S3 stayed after its request was closed"
[ "$(sql s.db "SELECT count(*) FROM events e JOIN subjects s USING(sid) WHERE s.ref = 'S3'")" = 0 ] ||
    fail "S3's events stayed"
vern purge --now 2026-05-04 --json
expect_json 'd["subjects_removed"]' 0

finish
