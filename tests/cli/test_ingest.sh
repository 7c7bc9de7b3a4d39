# vern ingest: JSON Lines in, all-or-nothing; every bad input leaves the store byte-for-byte as it
# was; re-ingest adds no duplicates; locking; no personal data in the audit log.
set -eu
. "$VERN_SOURCE_DIR/tests/cli/lib.sh"
D=$SRC/tests/data/ingest
POLICY=$D/policy.toml
export VERN_POLICY=$POLICY VERN_STORE=s.db VERN_NOW=2026-03-10

"$VERN" init >/dev/null

test_case "ingest the good file"
vern ingest "$D/good.jsonl"
expect_rc 0
expect_out_contains "subjects: 3 new"
expect_out_contains "records:  4 inserted, 0 replaced"
expect_out_contains "events:   3 added, 0 already stored"
expect_out_contains "consents: 1 added, 0 already stored"
[ "$(sql s.db "SELECT count(*) FROM records")" = 4 ] || fail "records"
[ "$(sql s.db "SELECT id FROM records WHERE sid = (SELECT sid FROM subjects WHERE ref = 'K-0044')")" = h-1599494a599ede716497 ] \
    || fail "generated id"
[ "$(sql s.db "SELECT e.kind FROM events e JOIN records r ON r.rid = e.rid WHERE r.id = 'surv-1'")" = final_report_sent ] \
    || fail "event naming a later record"
[ "$(sql s.db "SELECT value FROM identifiers WHERE kind = 'phone'")" = 91234567 ] || fail "phone index"
[ "$(sql s.db "SELECT value FROM identifiers WHERE kind = 'email'")" = kari.nordmann@example.no ] || fail "email index"

test_case "re-ingest: replaced, no duplicates"
vern ingest "$D/good.jsonl" --json
expect_rc 0
expect_json 'd["records_inserted"]' 0
expect_json 'd["records_replaced"]' 4
expect_json 'd["events_added"]' 0
expect_json 'd["events_duplicate"]' 3
expect_json 'd["consents_duplicate"]' 1
expect_json 'd["lines"]' 9
[ "$(sql s.db "SELECT count(*) FROM records")" = 4 ] || fail "duplicate records"
[ "$(sql s.db "SELECT count(*) FROM events")" = 3 ] || fail "duplicate events"
[ "$(sql s.db "SELECT count(*) FROM identifiers")" = 4 ] || fail "duplicate identifier rows"

test_case "from stdin"
vern ingest - <"$D/good.jsonl"
expect_rc 0
cat "$D/good.jsonl" | "$VERN" ingest >/dev/null || fail "ingest without FILE does not read stdin"

"$VERN" ingest "$D/withdraw.jsonl" >/dev/null

# bad FILE MESSAGE: ingesting FILE fails with exit 65 and exactly MESSAGE; the store is unchanged.
bad() {
    local file=$1 message=$2 sum
    test_case "bad input: $(basename "$file")"
    sum=$(store_digest s.db)
    vern ingest "$file"
    expect_rc 65
    expect_err_equals "vern: error: 1 bad line; nothing was ingested:
$message"
    [ "$(store_digest s.db)" = "$sum" ] || fail "store changed"
}
bad "$D/bad-json.jsonl" "$D/bad-json.jsonl:2: invalid JSON: column 106: syntax error while parsing object - unexpected end of input; expected '}'"
bad "$D/bad-no-type.jsonl" "$D/bad-no-type.jsonl:1: missing \"type\" (expected subject, record, event or consent)"
bad "$D/bad-unknown-type.jsonl" "$D/bad-unknown-type.jsonl:1: unknown type \"person\" (expected subject, record, event or consent)"
bad "$D/bad-category.jsonl" "$D/bad-category.jsonl:1: unknown category \"sms\" (the policy declares: chat, survey)"
bad "$D/bad-field.jsonl" "$D/bad-field.jsonl:1: field \"address\" is not declared by category \"chat\" (declared: text, phone, email, name)"
bad "$D/bad-time.jsonl" "$D/bad-time.jsonl:1: \"created\": invalid time \"2026-13-45\": month 13 is out of range"
bad "$D/bad-event-target.jsonl" "$D/bad-event-target.jsonl:1: event needs \"subject\", \"record\" or \"scope\": \"global\""
bad "$D/bad-id-reuse.jsonl" "$D/bad-id-reuse.jsonl:2: record \"r1\" belongs to subject \"K-1\", not \"K-2\""
bad "$D/bad-empty.jsonl" "$D/bad-empty.jsonl: empty input (no lines)"
bad "$D/bad-withdrawn.jsonl" "$D/bad-withdrawn.jsonl:1: subject \"K-7\" withdrew consent \"survey\"; records of category \"survey\" rest on it and are refused"

test_case "a 10 MB line is refused, memory bounded"
python3 -c '
import json
print(json.dumps({"type":"subject","ref":"K-big"}))
print(json.dumps({"type":"record","id":"big","subject":"K-big","category":"chat","created":"2026-01-05","fields":{"text":"x"*10_000_000}}))
' > big.jsonl
sum=$(store_digest s.db)
vern ingest big.jsonl
expect_rc 65
expect_err_equals "vern: error: 1 bad line; nothing was ingested:
big.jsonl:2: line is longer than 1048576 bytes; refused (records are expected to be small: split or shorten it)"
[ "$(store_digest s.db)" = "$sum" ] || fail "store changed"

test_case "an erased subject is refused"
key=$(sql s.db "SELECT value FROM meta WHERE key = 'secret_key'")
pseudonym=$(python3 -c 'import hmac,hashlib,sys; print(hmac.new(bytes.fromhex(sys.argv[1]), b"K-gone", hashlib.sha256).hexdigest())' "$key")
sql s.db "INSERT INTO erased(pseudonym, at) VALUES ('$pseudonym', 0)"
echo '{"type":"record","id":"g1","subject":"K-gone","category":"chat","created":"2026-01-05"}' > gone.jsonl
sum=$(store_digest s.db)
vern ingest gone.jsonl
expect_rc 65
expect_err_contains "gone.jsonl:1: subject \"K-gone\" was erased; its data is never ingested again"
[ "$(store_digest s.db)" = "$sum" ] || fail "store changed"

test_case "many bad lines: 20 listed, the rest counted"
for i in $(seq 1 25); do echo '{"type":"nope"}'; done > many.jsonl
vern ingest many.jsonl
expect_rc 65
expect_err_contains "vern: error: 25 bad lines; nothing was ingested:"
expect_err_contains "many.jsonl:20: unknown type"
expect_err_contains "... and 5 more bad lines"
grep -qF "many.jsonl:21:" <<<"$ERR" && fail "line 21 should not be listed"

test_case "good lines before a bad one are not applied"
cat "$D/good.jsonl" > mixed.jsonl
echo '{"type":"record","id":"new-1","subject":"K-new","category":"chat","created":"2026-01-05"}' >> mixed.jsonl
echo '{"type":"record","id":"new-2","subject":"K-new","category":"chat","created":"yesterday"}' >> mixed.jsonl
vern ingest mixed.jsonl
expect_rc 65
[ "$(sql s.db "SELECT count(*) FROM subjects WHERE ref = 'K-new'")" = 0 ] || fail "half applied"

test_case "no policy: usage error"
VERN_POLICY= vern ingest "$D/good.jsonl"
expect_rc 2

test_case "missing input file: exit 66"
vern ingest nosuch.jsonl
expect_rc 66
expect_err_contains "cannot open 'nosuch.jsonl'"

test_case "lock contention: exit 75 after --lock-timeout"
# SQLite only: another program holding SQLite's write lock.
if on_sqlite; then
    python3 - s.db <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open("locked", "w").close()
time.sleep(4)
c.execute("ROLLBACK")
PY
    holder=$!
    for _ in $(seq 1 50); do [ -e locked ] && break; sleep 0.1; done
    start=$(date +%s)
    vern ingest --lock-timeout 1 "$D/good.jsonl"
    expect_rc 75
    expect_err_equals "vern: error: the store 's.db' is locked by another vern run (waited 1 s); try again later"
    [ $(( $(date +%s) - start )) -le 3 ] || fail "waited too long"
    wait "$holder"
    vern ingest "$D/good.jsonl"
    expect_rc 0
fi

test_case "lock contention with another vern run: exit 75 after --lock-timeout"
# The other run is an ingest reading a FIFO: it holds the store from its start until its input ends.
mkfifo feed
"$VERN" ingest -q - <feed >holder.out 2>&1 &
holder=$!
exec 3>feed
# Until the holder has the store: an ingest of a bad file then gets 75 (locked), not 65 (bad).
echo '{"type":"nope"}' >probe.jsonl
for _ in $(seq 1 100); do
    vern ingest --lock-timeout 0 probe.jsonl
    [ "$RC" = 75 ] && break
    sleep 0.1
done
expect_rc 75
start=$(date +%s)
vern ingest --lock-timeout 1 "$D/good.jsonl"
expect_rc 75
expect_err_equals "vern: error: the store '$(store_for s.db)' is locked by another vern run (waited 1 s); try again later"
[ $(( $(date +%s) - start )) -le 3 ] || fail "waited too long"
exec 3>&-
wait "$holder" || true # its input was empty: nothing to ingest
vern ingest "$D/good.jsonl"
expect_rc 0

test_case "the audit log holds no personal data"
entries=$(sql s.db "SELECT count(*) FROM audit")
[ "$entries" -gt 0 ] || fail "no audit entries"
if on_sqlite; then
    sqlite3 s.db ".dump audit" > audit.sql
else
    sql s.db "SELECT * FROM audit" > audit.sql
fi
for secret in K-0042 K-0043 K-0044 K-7 chat-1 surv-1 Kari Nordmann kari.nordmann Example.no \
    "912 34 567" 91234567 Østby hello; do
    grep -qiF -- "$secret" audit.sql && fail "audit table contains '$secret'"
done
[ "$(sql s.db "SELECT DISTINCT policy_digest FROM audit" | wc -l)" = 1 ] || fail "policy digest"
[ "$(sql s.db "SELECT count(*) FROM audit a JOIN audit b ON b.seq = a.seq + 1 WHERE b.prev_hash <> a.hash")" = 0 ] \
    || fail "hash chain broken"
run sql s.db "DELETE FROM audit"
[ "$RC" -ne 0 ] || fail "audit rows could be deleted"

finish
