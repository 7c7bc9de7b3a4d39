# Episodes end to end (SPEC 3.5 "Anchor" and "Cases", issue 10): a returning client, a
# participant with two measures, inactivity counted in one tool only; plan, purge, explain and
# access in text and JSON; ingest of "case"; a store made by the previous release migrates.
set -eu
. "$VERN_SOURCE_DIR/tests/cli/lib.sh"
D=$SRC/tests/data/lifecycle
export VERN_STORE=s.db VERN_POLICY=$D/policy.toml

vern init
vern ingest "$D/history.jsonl"
expect_rc 0

test_case "returning client: the old notes go, the new ones wait for the next session"
vern plan --now 2026-08-02 --list --json
expect_rc 0
expect_json 'sorted(r["id"] for r in d["records"])' "['cv-1', 'n-old']"
vern plan --now 2026-08-02 --list
expect_out_contains "cv-1  (subject P-1, case tiltak-1, category measure_cv, rule measure-12w-after-final-report, due 2026-05-25 00:00:00 CEST)"
vern explain --record n-new --now 2026-08-02 --json
expect_rc 0
expect_json 'd["records"][0]["rules"][0]["status"]' pending
expect_json 'd["records"][0]["rules"][0]["passed_over"]["kind"]' last_session
expect_json 'd["records"][0]["rules"][0]["passed_over"]["at"]' 2026-02-09T13:00:00Z
expect_json 'd["records"][0]["rules"][0]["anchor_event"]' None
expect_json 'd["records"][0]["decision"]' keep
vern explain --record n-new --now 2026-08-02
expect_out_contains "notes-after-last-session (delete 0d after event:last_session, end_of_day): anchor -, due -: pending (last_session 2026-02-09 14:00:00 CET was before this record was created: waits for the next one)"
vern explain --record n-old --now 2026-08-02
expect_out_contains "anchor 2026-02-09 14:00:00 CET (last_session), due 2026-02-10 00:00:00 CET: due"

test_case "two measures: each measure's records keep their own 12 weeks"
# tiltak-1's final report 2026-03-02 00:00 CET + 12 weeks on the wall clock = 2026-05-25 00:00 CEST.
vern explain --record cv-1 --now 2026-03-03 --json
expect_json 'd["records"][0]["case"], d["records"][0]["rules"][0]["due"]' "('tiltak-1', '2026-05-24T22:00:00Z')"
vern explain --record cv-2 --now 2026-03-03 --json
expect_json 'd["records"][0]["rules"][0]["status"], d["records"][0]["rules"][0]["reason"]' "('pending', \"no event 'final_report' yet\")"

test_case "returning client: purge keeps the new notes, access shows them with no due time yet"
vern purge --now 2026-08-02 --json
expect_rc 0
expect_json 'd["deleted"]' 2
[ "$(sql s.db "SELECT group_concat(id) FROM records WHERE id LIKE 'n-%'")" = n-new ] ||
    fail "the returning client's new notes were not kept"
vern access --subject K-1 --now 2026-08-02 --format json
expect_rc 0
expect_json '[(r["id"], r["next_due"]) for c in d["categories"] for r in c["records"]]' "[('n-new', None)]"

test_case "returning client: the next session anchors the new notes"
echo '{"type":"event","subject":"K-1","kind":"last_session","at":"2026-09-01T15:00:00+02:00"}' >next.jsonl
vern ingest next.jsonl
expect_rc 0
vern explain --record n-new --now 2026-09-01T16:00:00+02:00 --json
expect_json 'd["records"][0]["rules"][0]["anchor_event"]["at"], d["records"][0]["rules"][0]["due"]' "('2026-09-01T13:00:00Z', '2026-09-01T22:00:00Z')"
vern plan --now 2026-09-02 --list
expect_out_contains "n-new  (subject K-1, category notes, rule notes-after-last-session, due 2026-09-02 00:00:00 CEST)"

test_case "two measures: personalia (no case) wait while any measure runs"
vern explain --record pers --now 2026-05-25 --json
expect_json 'd["records"][0]["rules"][0]["status"], d["records"][0]["rules"][0]["waits_for_case"]' "('pending', 'tiltak-2')"
vern explain --subject P-1 --now 2026-05-25
expect_out_contains "record pers (subject P-1, category personalia"
expect_out_contains "pending (case tiltak-2 still waits for its own 'final_report' (its newest record was created 2026-02-16 09:00:00 CET); a record without a case waits for every case)"
expect_out_contains "record cv-2 (subject P-1, case tiltak-2, category measure_cv"

test_case "two measures: the last final report + 12 weeks, to the second"
vern plan --now 2026-08-23T23:59:59+02:00 --list --json
expect_json '[r["id"] for r in d["records"]]' "[]"
vern purge --now 2026-08-24T00:00:00+02:00 --list --json
expect_rc 0
expect_json 'sorted((r["id"], r["due"]) for r in d["records"])' "[('cv-2', '2026-08-23T22:00:00Z'), ('pers', '2026-08-23T22:00:00Z')]"
expect_json 'd["subjects_removed"]' 1
[ "$(sql s.db "SELECT count(*) FROM subjects WHERE ref = 'P-1'")" = 0 ] || fail "P-1 was not removed"

test_case "inactivity in one tool: guidance sessions do not count, logins do"
vern plan --now 2027-12-31 --list --json
expect_json '[r["id"] for r in d["records"] if r["id"] == "tool-1"]' "[]"
vern explain --record tool-1 --now 2028-01-01T12:00:00+01:00 --json
expect_json 'd["records"][0]["rules"][0]["anchor_event"]["kind"], d["records"][0]["decision"]' "('created', 'delete')"
echo '{"type":"event","subject":"K-2","kind":"inflow24_login","at":"2026-03-01T12:00:00+01:00"}' >login.jsonl
vern ingest login.jsonl
vern explain --record tool-1 --now 2028-01-01T12:00:00+01:00 --json
expect_json 'd["records"][0]["rules"][0]["anchor_event"]["kind"], d["records"][0]["rules"][0]["due"], d["records"][0]["decision"]' "('inflow24_login', '2028-03-01T11:00:00Z', 'keep')"

test_case "ingest: a case must be a non-empty string on a record or a subject event"
cat >bad.jsonl <<'JSONL'
{"type":"event","record":"tool-1","case":"tiltak-1","kind":"x","at":"2026-01-01"}
{"type":"event","scope":"global","case":"tiltak-1","kind":"x","at":"2026-01-01"}
{"type":"record","id":"r9","subject":"K-9","case":"","category":"notes","created":"2026-01-01"}
{"type":"event","subject":"K-9","case":7,"kind":"x","at":"2026-01-01"}
JSONL
before=$(dump_store s.db | sha256sum)
vern ingest bad.jsonl
expect_rc 65
expect_err_contains 'bad.jsonl:1: only a subject event has a "case"'
expect_err_contains 'bad.jsonl:2: only a subject event has a "case"'
expect_err_contains 'bad.jsonl:3: "case" must be a non-empty string'
expect_err_contains 'bad.jsonl:4: "case" must be a non-empty string'
[ "$(dump_store s.db | sha256sum)" = "$before" ] || fail "a failed ingest changed the store"

test_case "ingest: one event per case; the same event twice is stored once"
cat >cases.jsonl <<'JSONL'
{"type":"event","subject":"K-2","case":"a","kind":"final_report","at":"2026-01-01"}
{"type":"event","subject":"K-2","case":"b","kind":"final_report","at":"2026-01-01"}
{"type":"event","subject":"K-2","case":"b","kind":"final_report","at":"2026-01-01"}
{"type":"event","subject":"K-2","kind":"final_report","at":"2026-01-01"}
JSONL
vern ingest cases.jsonl --json
expect_rc 0
[ "$(sql s.db "SELECT count(*) FROM events WHERE kind = 'final_report' AND sid = (SELECT sid FROM subjects WHERE ref = 'K-2')")" = 3 ] ||
    fail "events of different cases must be distinct, identical ones stored once"

test_case "a store made by release 0.1 (schema 2) migrates, keeps its data and gets the new semantics"
# SQLite only: the fixture is an SQLite file (PostgreSQL stores start at schema version 5).
if on_sqlite; then
    cp "$SRC/tests/data/stores/release-0.1.db" old.db
    chmod 600 old.db
    export VERN_STORE=old.db VERN_POLICY=$SRC/tests/data/stores/release-0.1-policy.toml
    before=$(sql old.db "SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM events),
                                (SELECT count(*) FROM consents), (SELECT count(*) FROM holds),
                                (SELECT count(*) FROM requests), (SELECT count(*) FROM erased),
                                (SELECT count(*) FROM audit)")
    vern plan --now 2026-08-02
    expect_rc 65
    expect_err_contains "has schema version 2 and needs version 8; run 'vern init --store old.db' to upgrade it"
    vern init
    expect_rc 0
    expect_out_equals "migrated store 'old.db' from schema version 2 to 8"
    [ "$(sql old.db "SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM events),
                            (SELECT count(*) FROM consents), (SELECT count(*) FROM holds),
                            (SELECT count(*) FROM requests), (SELECT count(*) FROM erased),
                            (SELECT count(*) FROM audit)")" = "$before" ] || fail "the migration lost data"
    vern audit verify
    expect_rc 0
    # Its request (about K-2) is still about K-2, not one registered for a person not in the store.
    [ "$(sql old.db "SELECT count(*) FROM requests WHERE sid IS NOT NULL AND selector IS NULL")" = 1 ] ||
        fail "the request changed in the migration"
    # Release 0.1 deleted the returning client's new notes here; now only the old ones are due.
    vern plan --now 2026-08-02 --list --json
    expect_rc 0
    expect_json '[r["id"] for r in d["records"]]' "['n-old']"
    echo '{"type":"record","id":"s-2","subject":"K-2","case":"runde-2","category":"survey","created":"2026-08-01","fields":{}}' >case.jsonl
    vern ingest case.jsonl --now 2026-08-02
    expect_rc 0
    [ "$(sql old.db "SELECT case_id FROM records WHERE id = 's-2'")" = runde-2 ] || fail "case not stored after the migration"
    echo '{"type":"record","subject":"K-3","category":"notes","created":"2026-08-01","fields":{}}' >erased.jsonl
    vern ingest erased.jsonl --now 2026-08-02
    expect_rc 65
    expect_err_contains 'subject "K-3" was erased'
fi

finish
