# The outbox under faults: a command that fails, hangs, dies half-way or does not read its
# input; vern killed during a delivery; a store restored from a backup; bad acknowledgements.
# Delivery is at least once: nothing is lost, and a notice comes back with the same id.
source "$(dirname "$0")/lib.sh"
set -e

mkdir -p "$TMP/pol/bin" "$TMP/pol/copies"
cat >"$TMP/pol/policy.toml" <<'EOF'
[policy]
name = "Outbox Faults"
controller = "Testfylke fylkeskommune"
contact = "personvern@testfylke.example"
timezone = "Europe/Oslo"
language = "nb"
supervisory_authority = "Datatilsynet"

[[category]]
id = "booking"
title = "Timebestilling"
purpose = "Timebestilling"
legal_basis = "public_task"
fields = ["note"]

[[category]]
id = "letter"
title = "Brev"
purpose = "Brev"
legal_basis = "public_task"
fields = ["note"]

[[rule]]
id = "booking-30d"
category = "booking"
after = "created"
keep = "30d"
action = "delete"

[[rule]]
id = "letter-30d"
category = "letter"
after = "created"
keep = "30d"
action = "delete"

[[recipient]]
id = "src"
name = "Kildesystem"
role = "source"
categories = ["booking"]
deliver = "exec"
command = ["./bin/cmd.sh"]
timeout = 1
batch_size = 2

[[recipient]]
id = "arkiv"
name = "Arkiv"
role = "controller"
categories = ["letter"]
deliver = "pull"

[[recipient]]
id = "gammel"
name = "Gammelt arkiv"
role = "processor"
categories = ["letter"]
deliver = "pull"
active = false
EOF
# The command does what $TMP/pol/mode says: ok (deletes copies/RECORD), fail (exit 3), hang
# (a child sleeps; both wait), killself (reads one line, then SIGKILL), noread (exit 0 at once),
# failsecond (ok, but exit 3 on its second run). Logs its pid, its child's pid, what it got.
cat >"$TMP/pol/bin/cmd.sh" <<'EOF'
#!/bin/bash
here=$(cd "$(dirname "$0")/.." && pwd)
mode=$(cat "$here/mode")
runs=$(( $(cat "$here/runs" 2>/dev/null || echo 0) + 1 ))
echo $runs >"$here/runs"
echo $$ >>"$here/pids"
case $mode in
    fail) exit 3 ;;
    noread) exit 0 ;;
    killself) read -r line; echo "$line" >>"$here/received"; kill -9 $$ ;;
    hang)
        cat >>"$here/received"
        sleep 30 &
        echo $! >>"$here/pids"
        : >"$here/started"
        wait
        exit 0 ;;
    failsecond) [ "$runs" = 2 ] && exit 3 ;;
esac
while IFS= read -r line; do
    echo "$line" >>"$here/received"
    rec=$(sed -n 's/.*"record":"\([^"]*\)".*/\1/p' <<<"$line")
    [ -z "$rec" ] || rm -f "$here/copies/$rec"
done
exit 0
EOF
chmod +x "$TMP/pol/bin/cmd.sh"
export VERN_POLICY=$TMP/pol/policy.toml VERN_NOW=2026-03-10

# gen_data N: N old booking records (b-1 ...) and 3 old letters (l-1 ...), each with a copy.
gen_data() {
    local i
    for i in $(seq 1 "$1"); do
        echo "{\"type\":\"record\",\"id\":\"b-$i\",\"subject\":\"S-$i\",\"category\":\"booking\",\"created\":\"2026-01-05T10:00:00+01:00\",\"fields\":{\"note\":\"n\"}}"
        : >"$TMP/pol/copies/b-$i"
    done
    for i in 1 2 3; do
        echo "{\"type\":\"record\",\"id\":\"l-$i\",\"subject\":\"S-$i\",\"category\":\"letter\",\"created\":\"2026-01-05T10:00:00+01:00\",\"fields\":{\"note\":\"n\"}}"
    done
}
# fresh STORE N: a store with N bookings and 3 letters, purged: N notices for src, 3 for arkiv.
fresh() {
    remove_store "$1"
    rm -f "$TMP/pol/runs" "$TMP/pol/received" "$TMP/pol/pids" "$TMP/pol/started" "$TMP/pol/copies/"*
    "$VERN" init -q --store "$1" >/dev/null
    gen_data "$2" | "$VERN" ingest -q --store "$1" - >/dev/null
    "$VERN" purge -q --store "$1" >/dev/null
}
mode() { echo "$1" >"$TMP/pol/mode"; }
q() { sql "$S" "$1"; }
pending() { q "SELECT count(*) FROM outbox WHERE system = '${1:-src}' AND acked IS NULL"; }
# gone PID: the process no longer runs (a zombie waiting for its reaper counts as gone).
gone() {
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null || true)
    [ -z "$st" ] || [ "${st#Z}" != "$st" ]
}

S=$TMP/s.db
export VERN_STORE=$S

test_case "exit status 3: pending, attempt recorded, exit 1; the next run delivers"
fresh "$S" 5
[ "$(pending)" = 5 ] || fail "purge made $(pending) notices for src"
mode fail
vern deliver --json
expect_rc 1
expect_json '[(s["system"], s["delivered"], s["pending"], s["failed"], s["error"]) for s in d["systems"]]' \
    "[('src', 0, 5, True, 'exit status 3'), ('arkiv', 0, 3, False, None)]"
# batch_size 2: the first batch failed; the later ones wait for the next run.
[ "$(q "SELECT attempts, ifnull(last_error, '-') FROM outbox WHERE system = 'src' ORDER BY seq")" = \
    "$(printf '1|exit status 3\n1|exit status 3\n0|-\n0|-\n0|-')" ] || fail "attempts: $(q "SELECT * FROM outbox")"
[ "$(cat "$TMP/pol/runs")" = 1 ] || fail "the command ran $(cat "$TMP/pol/runs") times after a failure"
[ "$(q "SELECT count FROM audit WHERE action = 'delivery_failed' AND rule = 'system:src'")" = 2 ] ||
    fail "delivery_failed not audited"
vern outbox list --system src --limit 1 --json
expect_json '[(n["attempts"], n["last_error"], n["acked"]) for n in d["notices"]]' "[(1, 'exit status 3', None)]"
vern deliver
expect_rc 1
expect_out_contains "src (exec): FAILED: exit status 3; delivered 0 before; 5 pending, retried next run"
[ "$(q "SELECT max(attempts) FROM outbox")" = 2 ] || fail "second failure not counted"
mode ok
vern deliver --json
expect_rc 0
expect_json '[(s["delivered"], s["batches"], s["pending"], s["failed"]) for s in d["systems"][:1]]' "[(5, 3, 0, False)]"
[ "$(pending)" = 0 ] || fail "left pending after a good run"
[ "$(ls "$TMP/pol/copies" | grep -c '^b-')" = 0 ] || fail "copies left: $(ls "$TMP/pol/copies")"
[ "$(q "SELECT count(*) FROM outbox WHERE record_id IS NOT NULL AND acked IS NOT NULL")" = 0 ] ||
    fail "acknowledged notices keep record ids"

test_case "the command hangs: killed at the timeout with its child, pending"
fresh "$S" 3
mode hang
start=$(date +%s)
vern deliver --json
expect_rc 1
expect_json 'd["systems"][0]["error"]' "timed out after 1 s"
[ $(($(date +%s) - start)) -le 8 ] || fail "deliver took $(($(date +%s) - start)) s with timeout = 1"
[ "$(pending)" = 3 ] || fail "a timed-out batch was acknowledged"
[ "$(q "SELECT count(*) FROM outbox WHERE attempts = 1 AND last_error = 'timed out after 1 s'")" = 2 ] ||
    fail "timeout not recorded"
sleep 0.3
for p in $(cat "$TMP/pol/pids"); do
    gone "$p" || { fail "process $p of the command still runs"; kill -9 "$p" 2>/dev/null || true; }
done

test_case "the command kills itself half-way: pending, the signal named"
fresh "$S" 3
mode killself
vern deliver --json
expect_rc 1
expect_json 'd["systems"][0]["error"]' "killed by signal 9 (KILL)"
[ "$(pending)" = 3 ] || fail "a half-read batch was acknowledged"

test_case "the command exits 0 without reading a big batch: not acknowledged"
fresh "$S" 500
mode noread
vern deliver --batch-size 1000 --json
expect_rc 1
expect_json 'd["systems"][0]["error"]' "exited 0 without reading all notices"
[ "$(pending)" = 500 ] || fail "unread notices acknowledged: $(pending) pending"
[ "$(q "SELECT count(*) FROM outbox WHERE attempts = 1")" = 500 ] || fail "attempt not recorded"

test_case "the command exits 0 without reading a small batch (it fits the pipe): not acknowledged"
fresh "$S" 2
mode noread
vern deliver --json
expect_rc 1
expect_json 'd["systems"][0]["error"]' "exited 0 without reading all notices"
[ "$(pending)" = 2 ] || fail "unread notices acknowledged: $(pending) pending"
[ "$(ls "$TMP/pol/copies" | grep -c '^b-')" = 2 ] || fail "copies: $(ls "$TMP/pol/copies")"

test_case "a program that does not exist: cannot run, pending"
sed 's|"./bin/cmd.sh"|"./bin/nosuch"|' "$TMP/pol/policy.toml" >"$TMP/pol/nosuch.toml"
fresh "$S" 1
vern deliver --policy "$TMP/pol/nosuch.toml" --json
expect_rc 1
expect_json 'd["systems"][0]["error"]' "cannot run '$TMP/pol/bin/nosuch': No such file or directory"
[ "$(pending)" = 1 ] || fail "acknowledged without a command"

test_case "batch_size 2, the second batch fails: the first stays acknowledged"
fresh "$S" 5
mode failsecond
vern deliver --json
expect_rc 1
expect_json '[(s["delivered"], s["batches"], s["pending"], s["error"]) for s in d["systems"][:1]]' "[(2, 1, 3, 'exit status 3')]"
[ "$(q "SELECT CASE WHEN acked IS NULL THEN 'p' ELSE 'a' END, attempts FROM outbox WHERE system = 'src' ORDER BY seq")" = \
    "$(printf 'a|0\na|0\np|1\np|1\np|0')" ] || fail "batches: $(q "SELECT * FROM outbox WHERE system = 'src'")"
[ "$(ls "$TMP/pol/copies" | grep -c '^b-')" = 3 ] || fail "copies: $(ls "$TMP/pol/copies")"
mode ok
vern deliver --batch-size 10 --json
expect_rc 0
expect_json '[(s["delivered"], s["batches"], s["pending"]) for s in d["systems"][:1]]' "[(3, 1, 0)]"

test_case "vern killed while the command runs: the rerun delivers the same notices again"
fresh "$S" 3
q "SELECT notice FROM outbox WHERE system = 'src' ORDER BY notice" >"$TMP/ids.before"
mode hang
"$VERN" deliver >/dev/null 2>&1 &
vpid=$!
for _ in $(seq 1 200); do [ -e "$TMP/pol/started" ] && break; sleep 0.01; done
[ -e "$TMP/pol/started" ] || fail "the command did not start"
kill -9 $vpid
wait $vpid 2>/dev/null || true
for p in $(cat "$TMP/pol/pids"); do kill -9 "$p" 2>/dev/null || true; done # the orphaned command
sed -n 's/.*"notice":"\([0-9a-f]*\)".*/\1/p' "$TMP/pol/received" | sort >"$TMP/ids.first"
[ "$(cat "$TMP/ids.first")" = "$(q "SELECT notice FROM outbox WHERE system = 'src' ORDER BY seq LIMIT 2" | sort)" ] ||
    fail "the killed run sent: $(cat "$TMP/ids.first")"
[ "$(pending)" = 3 ] || fail "a notice was acknowledged by a killed run"
[ "$(q "SELECT count(*) FROM outbox WHERE attempts > 0")" = 0 ] || fail "the killed run recorded an attempt"
rm -f "$TMP/pol/received"
mode ok
vern deliver --json
expect_rc 0
expect_json 'd["systems"][0]["delivered"]' 3
sed -n 's/.*"notice":"\([0-9a-f]*\)".*/\1/p' "$TMP/pol/received" | sort >"$TMP/ids.second"
[ "$(cat "$TMP/ids.second")" = "$(cat "$TMP/ids.before")" ] || fail "the rerun sent other notices"
grep -qxFf "$TMP/ids.first" "$TMP/ids.second" || fail "the killed run's notices were not sent again"
[ "$(pending)" = 0 ] || fail "notices lost"

test_case "store restored from a backup: purge again makes the same notice ids"
remove_store "$TMP/base.db"
"$VERN" init -q --store "$TMP/base.db" >/dev/null
gen_data 4 | "$VERN" ingest -q --store "$TMP/base.db" - >/dev/null
if on_sqlite; then sqlite3 "$TMP/base.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null; fi
copy_store "$TMP/base.db" "$S"
vern purge --json
expect_json 'd["notified"]' "{'arkiv': 3, 'src': 4}"
mode ok
vern deliver
expect_rc 0
q "SELECT system, notice FROM outbox ORDER BY system, notice" >"$TMP/ids.purged"
copy_store "$TMP/base.db" "$S" # the restore
[ "$(q "SELECT count(*) FROM outbox")" = 0 ] || fail "the backup has notices"
vern purge --json
expect_json 'd["notified"]' "{'arkiv': 3, 'src': 4}"
[ "$(q "SELECT system, notice FROM outbox ORDER BY system, notice")" = "$(cat "$TMP/ids.purged")" ] ||
    fail "notice ids after the restore differ"
[ "$(pending)" = 4 ] || fail "after the restore: $(pending) pending"

test_case "outbox ack: unknown id, another system's id, a malformed line: 65, nothing acknowledged"
fresh "$S" 2
q "SELECT notice FROM outbox WHERE system = 'arkiv' ORDER BY seq" >"$TMP/arkiv.ids"
src_id=$(q "SELECT notice FROM outbox WHERE system = 'src' ORDER BY seq LIMIT 1")
a1=$(sed -n 1p "$TMP/arkiv.ids")
run "$VERN" outbox ack --system arkiv - <<<"$a1
0123456789abcdef0123456789abcdef"
expect_rc 65
expect_err_contains "<stdin>:2: unknown notice '0123456789abcdef0123456789abcdef'"
printf '%s\n\n%s\n' "$a1" "$src_id" >"$TMP/other.ids"
vern outbox ack --system arkiv "$TMP/other.ids"
expect_rc 65
expect_err_contains "$TMP/other.ids:3: notice '$src_id' is for system 'src', not 'arkiv'"
run "$VERN" outbox ack --system arkiv - <<<"{\"notice\":\"$a1\"}
{\"notice\":\"$a1\"
"
expect_rc 65
expect_err_contains "<stdin>:2: not valid JSON"
run "$VERN" outbox ack --system arkiv - <<<"$a1
${a1^^}"
expect_rc 65
expect_err_contains "<stdin>:2: '${a1^^}' is not a notice id"
run "$VERN" outbox ack --system arkiv - <<<"{\"id\":\"$a1\"}"
expect_rc 65
expect_err_contains "<stdin>:1: the JSON object has no string \"notice\""
[ "$(q "SELECT count(*) FROM outbox WHERE acked IS NOT NULL")" = 0 ] || fail "a refused ack acknowledged something"
[ "$(q "SELECT count(*) FROM audit WHERE action = 'acknowledge'")" = 0 ] || fail "a refused ack was audited"

test_case "outbox ack: good ids, then again (already, exit 0), partly new"
run "$VERN" outbox ack --system arkiv --json - <<<"$a1"
expect_rc 0
expect_json '(d["system"], d["acknowledged"], d["already"])' "('arkiv', 1, 0)"
vern outbox ack --system arkiv --json "$TMP/arkiv.ids"
expect_rc 0
expect_json '(d["acknowledged"], d["already"])' "(2, 1)"
[ "$(pending arkiv)" = 0 ] || fail "arkiv still has pending notices"
[ "$(q "SELECT sum(count) FROM audit WHERE action = 'acknowledge' AND rule = 'system:arkiv'")" = 3 ] ||
    fail "acknowledgements audited: $(q "SELECT * FROM audit WHERE action = 'acknowledge'")"

test_case "deliver --system: unknown or inactive system 65; one system only"
vern deliver --system nosuch
expect_rc 65
expect_err_contains "--system 'nosuch': no [[recipient]] has this id"
vern deliver --system gammel
expect_rc 65
expect_err_contains "the recipient is not in use (active = false)"
mode ok
vern deliver --system arkiv --json
expect_rc 0
expect_json '[s["system"] for s in d["systems"]]' "['arkiv']"
[ "$(pending src)" = 2 ] || fail "deliver --system arkiv delivered src's notices"

test_case "the audit log verifies"
vern audit verify
expect_rc 0

finish
