# Hardening of purge (issue 11): anonymisation of non-ASCII text (characters, not bytes), a field
# that cannot be anonymised never stops the purge, band on huge and negative numbers, if_consent
# shorter than its unless_consent partner, a hold on a record whose only due rule anonymises,
# --vacuum shrinks the file, and `status` shows a checkpoint still waiting.
source "$(dirname "$0")/lib.sh"
set -e

H=$SRC/tests/data/hardening/policy.toml
PP=$SRC/policies/personalpartner
export VERN_STORE=$TMP/s.db
new_store() {
    remove_store "$TMP/s.db"
    "$VERN" init -q >/dev/null
}
field() { sql "$VERN_STORE" "SELECT json_extract(fields, '\$.$2') FROM records WHERE id = '$1'"; }
exists() { [ "$(sql "$VERN_STORE" "SELECT count(*) FROM records WHERE id = '$1'")" = 1 ]; }
NBSP=$(printf '\302\240')

test_case "personalpartner: a phone number written with no-break spaces loses its last 4 digits"
new_store
cat >pp.jsonl <<'JSONL'
{"type":"record","id":"tel-1","subject":"P-1","category":"phone_log","created":"2026-01-05T10:00:00+01:00","fields":{"external_number":"+47\u00a0476\u00a082\u00a0582","direction":"inn"}}
{"type":"record","id":"tel-2","subject":"P-2","category":"phone_log","created":"2026-01-05T10:00:00+01:00","fields":{"external_number":"+47 912 34 567","direction":"ut"}}
JSONL
"$VERN" ingest -q --policy "$PP" pp.jsonl >/dev/null
vern purge --policy "$PP" --now 2026-04-06 --json
expect_rc 0
expect_json 'd["anonymized"]' 2
expect_json 'd["fallbacks"]' 0
# The cut lines are detached from the caller (and may get new ids): look them up by direction.
by_direction() { sql "$VERN_STORE" "SELECT json_extract(fields, '\$.external_number') FROM records WHERE json_extract(fields, '\$.direction') = '$1'"; }
[ "$(by_direction inn)" = "+47${NBSP}476${NBSP}8" ] || fail "tel-1: $(by_direction inn)"
[ "$(by_direction ut)" = "+47 912 3" ] || fail "tel-2: $(by_direction ut)"
sql "$VERN_STORE" "SELECT fields FROM records" |
    python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' || fail "a stored value is not valid UTF-8"

test_case "mask_last and drop_last count characters of names, digits of numbers"
new_store
cat >v.jsonl <<'JSONL'
{"type":"record","id":"v-1","subject":"V-1","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Åsmund Ørn","phone":"+47\u00a0476\u00a082\u00a0582","age":34,"ip":"10.1.2.3"}}
{"type":"record","id":"v-2","subject":"V-2","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Bjørn Åsheim Lie","phone":"912-34-567","age":-5}}
JSONL
"$VERN" ingest -q --policy "$H" v.jsonl >/dev/null
vern purge --policy "$H" --now 2026-03-10
expect_rc 0
[ "$(field v-1 name)" = "Åsmund XXX" ] || fail "v-1 name: $(field v-1 name)"
[ "$(field v-1 phone)" = "+47${NBSP}476${NBSP}8" ] || fail "v-1 phone: $(field v-1 phone)"
[ "$(field v-1 age)" = "30-39" ] || fail "v-1 age: $(field v-1 age)"
[ "$(field v-1 ip)" = "10.1.2.0" ] || fail "v-1 ip: $(field v-1 ip)"
[ "$(field v-2 name)" = "Bjørn Åsheim LXX" ] && fail "v-2 name counted bytes"
[ "$(field v-2 name)" = "Bjørn Åsheim XXX" ] || fail "v-2 name: $(field v-2 name)"
[ "$(field v-2 phone)" = "912-3" ] || fail "v-2 phone (digits are counted, dashes kept): $(field v-2 phone)"
[ "$(field v-2 age)" = "-10--1" ] || fail "v-2 age (band below zero): $(field v-2 age)"

test_case "a field that cannot be anonymised is redacted, counted, audited and reported; the purge goes on"
new_store
cat >f.jsonl <<'JSONL'
{"type":"record","id":"bad-1","subject":"F-1","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Kari Nordmann","age":1e300}}
{"type":"record","id":"bad-2","subject":"F-2","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Ola Nordmann"}}
{"type":"record","id":"ok-3","subject":"F-3","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Åse Berg","phone":"+47 912 34 567"}}
JSONL
"$VERN" ingest -q --policy "$H" f.jsonl >/dev/null
if on_sqlite; then
    # SQLite only (a PostgreSQL text value is always valid UTF-8): another program wrote bad-2's
    # fields with a byte that is not UTF-8 (vern-store(5) allows other writers): the fields
    # cannot even be read.
    sql "$VERN_STORE" "UPDATE records SET fields = CAST(X'7B226E616D65223A224F6C61204E6F72646DFF6E6E227D' AS TEXT) WHERE id = 'bad-2'"
    fallbacks=5 # bad-1: age; bad-2: name, phone, age, ip (every field of the rule)
    fallback_fields="[('bad-1', 'age'), ('bad-2', 'age'), ('bad-2', 'ip'), ('bad-2', 'name'), ('bad-2', 'phone')]"
    bad2_name="[redacted]"
else
    fallbacks=1 # bad-1: age
    fallback_fields="[('bad-1', 'age')]"
    bad2_name="Ola NordmXXX"
fi
vern purge --policy "$H" --now 2026-03-10 --batch-size 1 --json
expect_rc 0
expect_json 'd["anonymized"]' 3
expect_json 'd["fallbacks"]' $fallbacks
expect_json 'sorted({(f["id"], f["field"]) for f in d["fallback_fields"]})' "$fallback_fields"
expect_json '[f["reason"] for f in d["fallback_fields"] if f["id"]=="bad-1"][0]' \
    "band:10: the value is not a number, or too large to band exactly"
if on_sqlite; then
    expect_err_contains "5 fields could not be anonymised by their method and were replaced by \"[redacted]\""
else
    expect_err_contains "1 field could not be anonymised by its method and was replaced by \"[redacted]\""
fi
[ "$(field bad-1 age)" = "[redacted]" ] || fail "bad-1 age: $(field bad-1 age)"
[ "$(field bad-1 name)" = "Kari NordmXXX" ] || fail "bad-1 name: $(field bad-1 name)"
[ "$(field bad-2 name)" = "$bad2_name" ] || fail "bad-2 name: $(field bad-2 name)"
[ "$(field ok-3 name)" = "Åse XXXg" ] && fail "ok-3 name: bytes"
[ "$(field ok-3 name)" = "Åse BXXX" ] || fail "ok-3 name: $(field ok-3 name)"
[ "$(field ok-3 phone)" = "+47 912 3" ] || fail "ok-3 phone: $(field ok-3 phone)"
! sql "$VERN_STORE" "SELECT fields FROM records" | grep -q "Nordm[^X]" || fail "a name kept in clear"
# One entry per batch (of one record here), with counts only.
[ "$(sql "$VERN_STORE" "SELECT rule || ' ' || category || ' ' || sum(count) FROM audit WHERE action = 'anonymize_fallback' GROUP BY rule, category")" = "visitor-7d visitor $fallbacks" ] ||
    fail "audit: $(sql "$VERN_STORE" "SELECT * FROM audit WHERE action = 'anonymize_fallback'")"
! sql "$VERN_STORE" "SELECT * FROM audit" | grep -qi "nordmann\|bad-\|ok-3" || fail "personal data in the audit log"
vern audit verify
expect_rc 0
# The text output names the records concerned; a second run has nothing left to do.
new_store
"$VERN" ingest -q --policy "$H" f.jsonl >/dev/null
vern purge --policy "$H" --now 2026-03-10
expect_rc 0
expect_out_contains "1 field could not be anonymised by its method and was replaced by \"[redacted]\":"
expect_out_contains "  record bad-1  (category visitor, rule visitor-7d, field age): band:10: the value is not a number, or too large to band exactly"
vern purge --policy "$H" --now 2026-03-11 --json
expect_json 'd["anonymized"], d["fallbacks"]' "(0, 0)"
vern plan --policy "$H" --now 2026-03-11 --json
expect_json 'd["fallbacks"]' 0

test_case "if_consent shorter than its unless_consent partner: only the consenting person's reminder goes"
new_store
cat >r.jsonl <<'JSONL'
{"type":"record","id":"rem-yes","subject":"R-1","category":"reminder","created":"2026-03-02T10:00:00+01:00","fields":{"phone":"+47 912 34 567"}}
{"type":"consent","subject":"R-1","purpose":"sms","given":"2026-03-02T09:00:00+01:00"}
{"type":"record","id":"rem-no","subject":"R-2","category":"reminder","created":"2026-03-02T10:00:00+01:00","fields":{"phone":"+47 480 12 345"}}
JSONL
"$VERN" ingest -q --policy "$H" r.jsonl >/dev/null
vern plan --policy "$H" --now 2026-03-09T10:00:00+01:00 --list --json
expect_json '[r["id"] for r in d["records"]]' "['rem-yes']"
vern purge --policy "$H" --now 2026-03-09T10:00:00+01:00 --json
expect_json 'd["deleted"]' 1
exists rem-yes && fail "rem-yes (consent sms, 1 week) should be deleted"
exists rem-no || fail "rem-no (no consent: the if_consent rule does not apply) must stay for the year"
vern purge --policy "$H" --now 2027-03-02T10:00:00+01:00 --json
expect_json 'd["deleted"]' 1

test_case "a hold keeps a record whose only due rule is an anonymisation"
new_store
"$VERN" ingest -q --policy "$H" v.jsonl >/dev/null
"$VERN" hold place -q --policy "$H" --subject V-1 --reason "sak 2026/17" --now 2026-03-05 >/dev/null
vern purge --policy "$H" --now 2026-03-10 --json --list
expect_rc 0
expect_json 'd["held"], d["anonymized"]' "(1, 1)"
expect_json '[r["id"] for r in d["records"]]' "['v-2']"
[ "$(field v-1 name)" = "Åsmund Ørn" ] || fail "v-1 is held but was anonymised: $(field v-1 name)"
[ "$(sql "$VERN_STORE" "SELECT applied FROM records WHERE id='v-1'")" = "[]" ] ||
    fail "v-1 applied: $(sql "$VERN_STORE" "SELECT applied FROM records WHERE id='v-1'")"
vern purge --policy "$H" --now 2026-03-10 --list
expect_out_contains "held       v-1  (subject V-1, category visitor, rule visitor-7d would anonymize"

test_case "--vacuum shrinks the file"
new_store
python3 - >many.jsonl <<'PY'
import json
for i in range(3000):
    print(json.dumps({"type": "record", "id": f"m-{i}", "subject": f"M-{i}", "category": "reminder",
                      "created": "2026-01-05T10:00:00+01:00", "fields": {"phone": "+47 %08d" % i, "note": "x" * 200}}))
PY
"$VERN" ingest -q --policy "$H" many.jsonl >/dev/null
"$VERN" purge -q --policy "$H" --now 2026-01-06 >/dev/null # checkpoints: the file has every page
# (the sizes: SQLite only, the store file; on PostgreSQL --vacuum must just work)
if on_sqlite; then before=$(stat -c %s s.db); fi
vern purge --policy "$H" --now 2027-02-01 --json
expect_json 'd["deleted"]' 3000
if on_sqlite; then same=$(stat -c %s s.db); fi
vern purge --policy "$H" --now 2027-02-01 --vacuum --json
expect_rc 0
expect_json 'd["deleted"]' 0
if on_sqlite; then
    after=$(stat -c %s s.db)
    [ "$same" -ge "$before" ] || fail "without --vacuum the file should not shrink ($before -> $same)"
    [ "$after" -lt $((before / 2)) ] || fail "--vacuum did not shrink the file: $before -> $after bytes"
fi

test_case "status says when deleted content still waits for a checkpoint (a reader held the store)"
new_store
"$VERN" ingest -q --policy "$H" v.jsonl >/dev/null
vern status --json
expect_json 'd["store"]["checkpoint_pending"]' None
# SQLite only from here: a reader holding the WAL (PostgreSQL has no checkpoint to wait for).
if on_sqlite; then
    # A reader holds a snapshot (and so the WAL) while the purge deletes.
    python3 - "$VERN_STORE" "$VERN" "$H" <<'PY' >reader.out 2>&1 || fail "reader: $(cat reader.out)"
import sqlite3, subprocess, sys
db, vern, policy = sys.argv[1:]
c = sqlite3.connect(db, isolation_level=None)
c.execute("BEGIN")
c.execute("SELECT count(*) FROM records").fetchone()
p = subprocess.run([vern, "purge", "--store", db, "--policy", policy, "--now", "2027-03-03"],
                   capture_output=True, text=True)
print(p.returncode, p.stderr)
c.execute("COMMIT")
c.close()
PY
    grep -q "^0 " reader.out || fail "purge with a reader: $(cat reader.out)"
    grep -q "could not be checkpointed" reader.out || fail "no warning: $(cat reader.out)"
    grep -q "deleted content stays on disk, in the store file and its -wal file" reader.out ||
        fail "warning text: $(cat reader.out)"
    vern status --json
    expect_json 'd["store"]["checkpoint_pending"] is not None' True
    vern status
    expect_out_contains "WAITING: deleted content has been on disk since"
    # The next writing run checkpoints it.
    "$VERN" purge -q --policy "$H" --now 2027-03-03 >/dev/null
    vern status --json
    expect_json 'd["store"]["checkpoint_pending"]' None
    [ ! -s s.db-wal ] || fail "the WAL is not empty: $(stat -c %s s.db-wal)"
fi

finish
