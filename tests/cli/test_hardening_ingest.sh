# Hardening of ingest (issue 11): nesting depth, values shown in messages, numbers out of range,
# duplicate keys, control characters in messages, and every line type of an erased subject refused.
source "$(dirname "$0")/lib.sh"
set -e

H=$SRC/tests/data/hardening/policy.toml
export VERN_STORE=$TMP/s.db VERN_POLICY=$H
"$VERN" init -q >/dev/null
records() { sql "$VERN_STORE" "SELECT count(*) FROM records"; }
audit_count() { sql "$VERN_STORE" "SELECT count(*) FROM audit"; }
GOOD='{"type":"record","id":"g-1","subject":"G-1","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Per"}}'

test_case "a line nested 100 000 levels deep is refused with a short message (no crash)"
python3 -c 'print("{\"type\":" + "[" * 100000 + "]" * 100000 + "}")' >deep.jsonl
vern ingest deep.jsonl
expect_rc 65
expect_err_contains "deep.jsonl:1: objects and arrays are nested more than 64 levels deep; refused"
[ ${#ERR} -lt 400 ] || fail "the message is ${#ERR} bytes long"
[ "$(records)" = 0 ] || fail "records were stored"

test_case "64 levels are read; a non-string type is shown as a short prefix only"
python3 -c 'print("{\"type\":" + "[" * 63 + "]" * 63 + "}")' >deep64.jsonl
vern ingest deep64.jsonl
expect_rc 65
expect_err_contains "deep64.jsonl:1: \"type\" must be a string (subject, record, event or consent), not array [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[..."
[ ${#ERR} -lt 400 ] || fail "the message is ${#ERR} bytes long"

test_case "a long unknown type, key or category is shown as a short escaped prefix"
python3 - >long.jsonl <<'PY'
import json
print(json.dumps({"type": "\u001b[2J" + "x" * 100000}))
print(json.dumps({"type": "subject", "ref": "A", "k" * 50000: 1}))
print(json.dumps({"type": "record", "subject": "A", "category": "c" * 50000, "created": "2026-01-01"}))
PY
vern ingest long.jsonl
expect_rc 65
expect_err_contains 'long.jsonl:1: unknown type "\x1b[2Jxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..." (expected subject, record, event or consent)'
expect_err_contains 'long.jsonl:2: unknown key "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk..." in a subject line'
expect_err_contains 'long.jsonl:3: unknown category "cccccccccccccccccccccccccccccccccccccccc..." (the policy declares: visitor, reminder, ledger)'
! grep -q $'\x1b' <<<"$ERR" || fail "a raw ESC reached the terminal"
[ ${#ERR} -lt 1000 ] || fail "the messages are ${#ERR} bytes long"

test_case "a number too large for a double is bad input, located, and the other bad lines are still reported"
cat >big.jsonl <<JSONL
$GOOD
{"type":"record","id":"n-1","subject":"N-1","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"age":1e400}}
{"type":"visitor"}
{"type":"record","id":"n-2","subject":"N-1","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"age":-1e999}}
JSONL
vern ingest big.jsonl
expect_rc 65
expect_err_contains "3 bad lines; nothing was ingested:"
expect_err_contains "big.jsonl:2: invalid JSON: the number 1e400 is out of range (too large for a double-precision number)"
expect_err_contains "big.jsonl:3: unknown type \"visitor\""
expect_err_contains "big.jsonl:4: invalid JSON: the number -1e999 is out of range"
! grep -q "json.exception" <<<"$ERR" || fail "the library's raw text: $ERR"
[ "$(records)" = 0 ] || fail "records were stored"

test_case "duplicate keys are refused, naming the key (the record never lands under the last one)"
cat >dup.jsonl <<'JSONL'
{"type":"record","id":"d-1","subject":"ALICE","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Alice"},"subject":"BOB"}
{"type":"record","id":"d-2","subject":"ALICE","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"phone":"1","name":"A","phone":"2"}}
{"type":"subject","ref":"CAROL","type":"subject"}
{"type":"record","id":"d-3","subject":"ALICE","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Alice"}}
JSONL
vern ingest dup.jsonl
expect_rc 65
expect_err_contains "3 bad lines; nothing was ingested:"
expect_err_contains 'dup.jsonl:1: duplicate key "subject": a key may appear once per object'
expect_err_contains 'dup.jsonl:2: duplicate key "phone" in "fields": a key may appear once per object'
expect_err_contains 'dup.jsonl:3: duplicate key "type": a key may appear once per object'
[ "$(records)" = 0 ] || fail "records were stored"
[ "$(sql "$VERN_STORE" "SELECT count(*) FROM subjects")" = 0 ] || fail "subjects were stored"
# The same key in two different objects is fine.
printf '%s\n' '{"type":"record","id":"d-4","subject":"ALICE","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"subject":"x","created":"y","name":"z"}}' >ok.jsonl
vern ingest ok.jsonl
expect_rc 0

test_case "an erased subject is refused on every line type: subject, record, event, consent"
printf '%s\n' "$GOOD" '{"type":"consent","subject":"G-1","purpose":"sms","given":"2026-03-01"}' >g.jsonl
"$VERN" ingest -q g.jsonl >/dev/null
"$VERN" erase -q --subject G-1 >/dev/null
[ "$(sql "$VERN_STORE" "SELECT count(*) FROM subjects WHERE ref = 'G-1'")" = 0 ] || fail "G-1 not removed"
n=$(audit_count)
i=0
for line in '{"type":"subject","ref":"G-1"}' \
    '{"type":"record","id":"g-9","subject":"G-1","category":"visitor","created":"2026-03-03","fields":{}}' \
    '{"type":"event","subject":"G-1","kind":"visit","at":"2026-03-03"}' \
    '{"type":"consent","subject":"G-1","purpose":"sms","given":"2026-03-03"}'; do
    i=$((i + 1))
    printf '%s\n' "$line" >erased-$i.jsonl
    vern ingest erased-$i.jsonl
    expect_rc 65
    expect_err_contains "erased-$i.jsonl:1: subject \"G-1\" was erased; its data is never ingested again"
    [ "$(sql "$VERN_STORE" "SELECT count(*) FROM subjects WHERE ref = 'G-1'")" = 0 ] ||
        fail "line type $i brought G-1 back"
done
[ "$(audit_count)" = "$n" ] || fail "a refused ingest wrote to the audit log"

finish
