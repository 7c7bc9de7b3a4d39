# The outbox (issue 14): deletions, anonymisations, erasures, consent withdrawals and replays
# add deletion notices for the systems that hold copies; `vern deliver` runs an exec system's
# command with them, `vern outbox list/ack` serve a pull system. Faults: test_outbox_faults.sh.
source "$(dirname "$0")/lib.sh"
set -e

# write_policy FILE [IMDI_IDENTIFY]: the test policy. timebok: the controller's own booking
# system (exec, deletes its copies, files in copies/); imdi: a pull recipient identifying by
# subject (or as given); old: inactive; plain: no deliver; nobody holds category "internal".
write_policy() {
    cat >"$1" <<EOF
[policy]
name = "Outbox Test"
controller = "Testfylke fylkeskommune"
contact = "personvern@testfylke.example"
timezone = "Europe/Oslo"
language = "nb"
supervisory_authority = "Datatilsynet"

[identifiers]
email = ["email"]
name = ["name"]

[[category]]
id = "booking"
title = "Timebestilling"
purpose = "Timebestilling"
legal_basis = "public_task"
fields = ["name", "email", "note"]

[[category]]
id = "chat"
title = "Chat"
purpose = "Chat"
legal_basis = "public_task"
fields = ["text", "phone"]

[[category]]
id = "survey"
title = "Brukerundersøkelse"
purpose = "Brukerundersøkelse"
legal_basis = "consent"
consent_purpose = "survey"
fields = ["email"]

[[category]]
id = "stats"
title = "Statistikk"
purpose = "Statistikk"
legal_basis = "public_task"
fields = ["name", "topic"]

[[category]]
id = "internal"
title = "Internt"
purpose = "Internt"
legal_basis = "public_task"
fields = ["text"]

[[rule]]
id = "booking-30d"
category = "booking"
after = "created"
keep = "30d"
action = "delete"

[[rule]]
id = "chat-phone-7d"
category = "chat"
after = "created"
keep = "7d"
action = "anonymize"
fields = { phone = "remove" }

[[rule]]
id = "chat-1y"
category = "chat"
after = "created"
keep = "1y"
action = "delete"

[[rule]]
id = "stats-unlink"
category = "stats"
after = "created"
keep = "7d"
action = "anonymize"
fields = { name = "remove" }
unlink = true

[[rule]]
id = "stats-topic-10d"
category = "stats"
after = "created"
keep = "10d"
action = "anonymize"
fields = { topic = "remove" }

[[rule]]
id = "survey-1y"
category = "survey"
after = "created"
keep = "1y"
action = "delete"

[[rule]]
id = "internal-30d"
category = "internal"
after = "created"
keep = "30d"
action = "delete"

[[recipient]]
id = "timebok"
name = "Timebok"
role = "source"
categories = ["booking", "chat", "survey", "stats"]
deliver = "exec"
command = ["./bin/delete.sh", "copies"]
timeout = 5

[[recipient]]
id = "imdi"
name = "IMDi"
role = "controller"
categories = ["booking"]
deliver = "pull"
identify = [${2:-\"subject\"}]

[[recipient]]
id = "old"
name = "Gammelt arkiv"
role = "processor"
categories = ["booking", "chat"]
deliver = "pull"
active = false

[[recipient]]
id = "plain"
name = "Vanlig databehandler"
role = "processor"
categories = ["booking", "chat", "internal"]
EOF
}

mkdir -p "$TMP/pol/bin" "$TMP/pol/copies"
write_policy "$TMP/pol/policy.toml"
# The exec command: deletes copies/RECORD for each delete notice (an anonymisation keeps the
# file and is only logged); logs every line it got and its environment; says hello on stdout.
cat >"$TMP/pol/bin/delete.sh" <<'EOF'
#!/bin/sh
here=$(cd "$(dirname "$0")/.." && pwd)
echo "VERN_SYSTEM=$VERN_SYSTEM VERN_NOTICES=$VERN_NOTICES" >>"$here/env.log"
while IFS= read -r line; do
    printf '%s\n' "$line" >>"$here/received.jsonl"
    rec=$(printf '%s\n' "$line" | sed -n 's/.*"record":"\([^"]*\)".*/\1/p')
    case $line in
        *'"action":"delete"'*) [ -z "$rec" ] || rm -f "$here/$1/$rec" ;;
    esac
done
echo "hello from the delete command"
exit 0
EOF
chmod +x "$TMP/pol/bin/delete.sh"
cat >"$TMP/data.jsonl" <<'EOF'
{"type":"record","id":"b-1","subject":"S-1","category":"booking","created":"2026-01-05T10:00:00+01:00","fields":{"name":"Ola","email":"ola@example.no","note":"x"}}
{"type":"record","id":"b-2","subject":"S-2","category":"booking","created":"2026-01-06T10:00:00+01:00","fields":{"name":"Kari","email":"kari@example.no"}}
{"type":"record","id":"b-3","subject":"S-1","category":"booking","created":"2026-03-01T10:00:00+01:00","fields":{"name":"Ola","email":"ola@example.no"}}
{"type":"record","id":"chat-1","subject":"S-1","category":"chat","created":"2026-03-01T10:00:00+01:00","fields":{"text":"hei","phone":"91234567"}}
{"type":"record","id":"st-1","subject":"S-2","category":"stats","created":"2026-03-01T10:00:00+01:00","fields":{"name":"Kari","topic":"jobb"}}
{"type":"record","id":"sv-1","subject":"S-3","category":"survey","created":"2026-03-01T10:00:00+01:00","fields":{"email":"s3@example.no"}}
{"type":"record","id":"in-1","subject":"S-3","category":"internal","created":"2026-01-01T10:00:00+01:00","fields":{"text":"notat"}}
{"type":"consent","subject":"S-3","purpose":"survey","given":"2026-03-01T10:00:00+01:00"}
EOF
for r in b-1 b-2 b-3 chat-1 st-1 sv-1 in-1; do : >"$TMP/pol/copies/$r"; done
export VERN_STORE=$TMP/s.db VERN_POLICY=$TMP/pol/policy.toml VERN_NOW=2026-03-10
S=$TMP/s.db
n_outbox() { sql "$S" "SELECT count(*) FROM outbox ${1:-}"; }
copy_exists() { [ -e "$TMP/pol/copies/$1" ]; }

test_case "check accepts the systems; warns for a source system without deliver"
vern check
expect_rc 0
sed -e '/^deliver = "exec"$/d' -e '/^command = /d' -e '/^timeout = /d' "$TMP/pol/policy.toml" \
    >"$TMP/pol/nodeliver.toml"
vern check --policy "$TMP/pol/nodeliver.toml"
expect_err_contains "source system 'timebok' has no \`deliver\`"

test_case "init and ingest; dry runs make no notices"
vern init -q
expect_rc 0
vern ingest -q "$TMP/data.jsonl"
expect_rc 0
vern purge --dry-run --json
expect_rc 0
expect_json 'd["deleted"]' 3
expect_json 'd["notified"]' "{}"
vern plan
expect_rc 0
vern erase --subject S-1 --dry-run --json
expect_rc 0
[ "$(n_outbox)" = 0 ] || fail "a dry run made notices"
[ "$(sql "$S" "SELECT count(*) FROM audit WHERE action = 'notify'")" = 0 ] ||
    fail "a dry run audited notices"

test_case "purge: notices for delete and anonymize, per notified system"
vern purge
expect_rc 0
expect_out_contains "outbox: 4 notices for timebok ('vern deliver' tells it)"
expect_out_contains "outbox: 2 notices for imdi ('vern deliver' tells it)"
expect_out_not_contains "for old"
expect_out_not_contains "for plain"
[ "$(n_outbox "WHERE system IN ('old', 'plain')")" = 0 ] || fail "inactive/deliver-less got notices"
[ "$(n_outbox "WHERE category = 'internal'")" = 0 ] || fail "a category nobody is told of got notices"
[ "$(n_outbox)" = 6 ] || fail "expected 6 notices, got $(n_outbox)"
# identify: timebok by record (default), imdi by subject only
[ "$(sql "$S" "SELECT record_id, ifnull(subject_ref, '-') FROM outbox WHERE system = 'timebok' ORDER BY record_id")" = \
    "$(printf 'b-1|-\nb-2|-\nchat-1|-\nst-1|-')" ] || fail "timebok identifiers: $(sql "$S" "SELECT * FROM outbox WHERE system = 'timebok'")"
[ "$(sql "$S" "SELECT ifnull(record_id, '-'), subject_ref FROM outbox WHERE system = 'imdi' ORDER BY subject_ref")" = \
    "$(printf -- '-|S-1\n-|S-2')" ] || fail "imdi identifiers"
[ "$(sql "$S" "SELECT rule, category, count FROM audit WHERE action = 'notify' ORDER BY rule, category")" = \
    "$(printf 'system:imdi|booking|2\nsystem:timebok|booking|2\nsystem:timebok|chat|1\nsystem:timebok|stats|1')" ] ||
    fail "notify audit: $(sql "$S" "SELECT rule, category, count FROM audit WHERE action = 'notify'")"

test_case "outbox list: wire form, anonymize fields and unlink"
vern outbox list --system timebok --json-lines
expect_rc 0
python3 - "$OUT" <<'PY' || fail "wire form of timebok's notices: $OUT"
import json, re, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines()]
by = {l["record"]: l for l in lines}
assert sorted(by) == ["b-1", "b-2", "chat-1", "st-1"], by
for l in lines:
    assert re.fullmatch(r"[0-9a-f]{32}", l["notice"]), l
    assert l["system"] == "timebok" and "subject" not in l, l
    assert l["created"] == "2026-03-09T23:00:00Z", l
assert by["b-1"]["action"] == "delete" and by["b-1"]["cause"] == "rule:booking-30d", by["b-1"]
assert "fields" not in by["b-1"] and "unlink" not in by["b-1"]
assert by["chat-1"]["action"] == "anonymize" and by["chat-1"]["cause"] == "rule:chat-phone-7d"
assert by["chat-1"]["fields"] == ["phone"] and by["chat-1"]["unlink"] is False, by["chat-1"]
assert by["st-1"]["fields"] == ["name"] and by["st-1"]["unlink"] is True, by["st-1"]
assert len({l["notice"] for l in lines}) == 4
PY
vern outbox list --json
expect_rc 0
expect_json 'len(d["notices"])' 6
expect_json 'sorted(set((n["acked"], n["attempts"], n["last_error"]) for n in d["notices"]))' "[(None, 0, None)]"
expect_json 'sorted(n["subject"] for n in d["notices"] if n["system"] == "imdi")' "['S-1', 'S-2']"
vern outbox list --limit 2 --json
expect_json 'len(d["notices"])' 2
vern outbox list --system old
expect_out_contains "no pending notices"

test_case "deliver runs timebok's command: its copies are deleted, notices acknowledged"
vern deliver --json
expect_rc 0
expect_json '[(s["system"], s["deliver"], s["delivered"], s["batches"], s["pending"], s["failed"]) for s in d["systems"]]' \
    "[('timebok', 'exec', 4, 1, 0, False), ('imdi', 'pull', 0, 0, 2, False)]"
expect_err_contains "hello from the delete command"
expect_out_not_contains "hello"
for r in b-1 b-2; do copy_exists $r && fail "timebok's copy $r was not deleted"; done
for r in b-3 chat-1 st-1 sv-1 in-1; do copy_exists $r || fail "timebok's copy $r was deleted"; done
[ "$(cat "$TMP/pol/env.log")" = "VERN_SYSTEM=timebok VERN_NOTICES=4" ] || fail "env: $(cat "$TMP/pol/env.log")"
[ "$(wc -l <"$TMP/pol/received.jsonl")" = 4 ] || fail "the command got $(wc -l <"$TMP/pol/received.jsonl") lines"
[ "$(n_outbox "WHERE system = 'timebok' AND acked IS NOT NULL AND record_id IS NULL AND subject_ref IS NULL")" = 4 ] ||
    fail "acknowledged notices keep identifiers: $(sql "$S" "SELECT * FROM outbox WHERE system = 'timebok'")"
[ "$(n_outbox "WHERE system = 'imdi' AND acked IS NULL")" = 2 ] || fail "deliver touched the pull system"
[ "$(sql "$S" "SELECT command, category, count FROM audit WHERE action = 'acknowledge' AND rule = 'system:timebok' ORDER BY category")" = \
    "$(printf 'deliver|booking|2\ndeliver|chat|1\ndeliver|stats|1')" ] || fail "acknowledge audit"
vern deliver
expect_rc 0
expect_out_contains "timebok (exec): delivered 0 notices in 0 batches; 0 pending"
expect_out_contains "imdi (pull): 2 pending"
[ "$(wc -l <"$TMP/pol/received.jsonl")" = 4 ] || fail "the command was run again with nothing to do"

test_case "pull system: list, ack (JSON lines from list), ack again counts as already"
vern outbox list --system imdi --json-lines
lines=$OUT
run "$VERN" outbox ack --system imdi --json - <<<"$lines"
expect_rc 0
expect_json '(d["acknowledged"], d["already"])' "(2, 0)"
[ "$(n_outbox "WHERE system = 'imdi' AND acked IS NOT NULL AND subject_ref IS NULL AND record_id IS NULL")" = 2 ] ||
    fail "imdi's acknowledged notices keep identifiers"
[ "$(sql "$S" "SELECT command, count FROM audit WHERE action = 'acknowledge' AND rule = 'system:imdi'")" = "outbox|2" ] ||
    fail "ack not audited"
sed -n 's/.*"notice":"\([0-9a-f]*\)".*/\1/p' <<<"$lines" >"$TMP/imdi.ids"
vern outbox ack --system imdi "$TMP/imdi.ids"
expect_rc 0
expect_out_contains "acknowledged 0 notices of imdi (2 acknowledged before)"
[ "$(sql "$S" "SELECT count(*) FROM audit WHERE action = 'acknowledge' AND rule = 'system:imdi'")" = 1 ] ||
    fail "a repeat ack was audited again"
vern outbox list --all --json
expect_json 'sorted(set((n["system"], n["acked"] is not None, "record" in n, "subject" in n) for n in d["notices"]))' \
    "[('imdi', True, False, False), ('timebok', True, False, False)]"

test_case "an unlinked record's later anonymisation makes no notice"
vern purge --now 2026-03-20 --json
expect_rc 0
expect_json '[(r["rule"], r["records"]) for r in d["by_rule"]]' "[('stats-topic-10d', 1)]"
expect_json 'd["notified"]' "{}"
[ "$(n_outbox "WHERE cause = 'rule:stats-topic-10d'")" = 0 ] || fail "a notice for an unlinked record"

# A backup before the erasure and the withdrawal, for the replay below.
if on_sqlite; then sqlite3 "$S" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null; fi
copy_store "$S" "$TMP/backup.db"

test_case "erase: notices with cause erasure; the command deletes the copies"
vern erase --subject S-1 --json
expect_rc 0
expect_json 'd["notified"]' "{'imdi': 1, 'timebok': 2}"
[ "$(sql "$S" "SELECT system, record_id, subject_ref, action FROM outbox WHERE cause = 'erasure' ORDER BY system, record_id")" = \
    "$(printf 'imdi||S-1|delete\ntimebok|b-3||delete\ntimebok|chat-1||delete')" ] ||
    fail "erasure notices: $(sql "$S" "SELECT * FROM outbox WHERE cause = 'erasure'")"
[ "$(sql "$S" "SELECT count(*) FROM audit WHERE action = 'notify' AND command = 'erase'")" = 3 ] ||
    fail "erasure notices not audited per system and category"

test_case "consent withdrawal: notice with cause consent:survey"
vern consent withdraw --subject S-3 --purpose survey --json
expect_rc 0
expect_json 'd["notified"]' "{'timebok': 1}"
[ "$(sql "$S" "SELECT system, record_id FROM outbox WHERE cause = 'consent:survey'")" = "timebok|sv-1" ] ||
    fail "withdrawal notice"
sql "$S" "SELECT notice FROM outbox WHERE cause IN ('erasure', 'consent:survey') ORDER BY notice" >"$TMP/rights.ids"
vern deliver --json
expect_rc 0
expect_json 'd["systems"][0]["delivered"]' 3
for r in b-3 chat-1 sv-1; do copy_exists $r && fail "timebok's copy $r was not deleted"; done
copy_exists st-1 || fail "st-1 deleted"

test_case "replay after restoring the backup: the same notices (same ids) again"
vern audit export-erasures --output "$TMP/ledger.jsonl"
expect_rc 0
copy_store "$TMP/backup.db" "$S"
[ "$(n_outbox "WHERE cause IN ('erasure', 'consent:survey')")" = 0 ] || fail "the backup has the notices"
vern erase --replay "$TMP/ledger.jsonl" --dry-run
expect_rc 0
[ "$(n_outbox "WHERE cause IN ('erasure', 'consent:survey')")" = 0 ] || fail "replay --dry-run made notices"
vern erase --replay "$TMP/ledger.jsonl" --json
expect_rc 0
[ "$(sql "$S" "SELECT notice FROM outbox WHERE cause IN ('erasure', 'consent:survey') ORDER BY notice")" = "$(cat "$TMP/rights.ids")" ] ||
    fail "the replay's notice ids differ from the original ones"
[ "$(n_outbox "WHERE acked IS NULL")" = 4 ] || fail "replay: $(n_outbox "WHERE acked IS NULL") pending"
[ "$(sql "$S" "SELECT count(*) FROM audit WHERE action = 'notify' AND command = 'erase'")" -ge 3 ] ||
    fail "the replay's notices are not audited"
vern erase --replay "$TMP/ledger.jsonl" --json
expect_rc 0
[ "$(n_outbox)" = 10 ] || fail "a second replay added notices: $(n_outbox)"

test_case "identify = [record, subject]: notices carry both"
write_policy "$TMP/pol/both.toml" '"record", "subject"'
vern init -q --store "$TMP/both.db"
vern ingest -q --store "$TMP/both.db" "$TMP/data.jsonl"
vern purge -q --store "$TMP/both.db" --policy "$TMP/pol/both.toml"
expect_rc 0
[ "$(sql "$TMP/both.db" "SELECT record_id, subject_ref FROM outbox WHERE system = 'imdi' ORDER BY record_id")" = \
    "$(printf 'b-1|S-1\nb-2|S-2')" ] || fail "identify both: $(sql "$TMP/both.db" "SELECT * FROM outbox")"

test_case "a category naming the source system in recipients: notified; not in the access report"
sed -e 's/^categories = \["booking", "chat", "survey", "stats"\]$/categories = ["booking", "survey", "stats"]/' \
    -e '/^id = "chat"$/a recipients = ["timebok"]' "$TMP/pol/policy.toml" >"$TMP/pol/named.toml"
grep -q '^recipients = \["timebok"\]$' "$TMP/pol/named.toml" || fail "sed did not name timebok"
vern check --policy "$TMP/pol/named.toml"
expect_rc 0
vern init -q --store "$TMP/named.db"
vern ingest -q --store "$TMP/named.db" "$TMP/data.jsonl"
vern access --store "$TMP/named.db" --policy "$TMP/pol/named.toml" --subject S-1 --json
expect_rc 0
expect_out_not_contains "timebok"
expect_out_not_contains "Timebok"
expect_out_contains "Vanlig databehandler"
vern purge -q --store "$TMP/named.db" --policy "$TMP/pol/named.toml"
expect_rc 0
[ "$(sql "$TMP/named.db" "SELECT system, record_id, action FROM outbox WHERE category = 'chat'")" = "timebok|chat-1|anonymize" ] ||
    fail "the category's recipients did not make timebok notified"

test_case "the audit log verifies"
vern audit verify
expect_rc 0
vern audit verify --store "$TMP/both.db"
expect_rc 0

finish
