# vern status: store size, records per category, overdue and next due (with a policy), open
# requests with days left, active holds, the last purge; text and JSON; without a policy.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/audit_lib.sh"
set -e

test_case "a fresh store with a policy: records, overdue, next due"
fresh_store
vern status --now 2026-04-11
expect_rc 0
expect_out_contains "store       $(store_for "$TMP/s.db") ("
expect_out_contains "now         2026-04-11 00:00:00 CEST"
expect_out_contains "subjects    3"
expect_out_contains "records     8"
expect_out_contains "  chat                        3"
expect_out_contains "overdue     5 records (due but still present: has the nightly purge run?)"
expect_out_contains "  booking                     2  oldest due 2026-03-27 09:00:00 CET"
expect_out_contains "next due    1 record by 2026-05-11 00:00:00 CEST"
expect_out_contains "  chat                        1  first 2026-05-01 10:00:00 CEST"
expect_out_contains "last purge  none that changed anything"
expect_out_contains "audit log   6 entries"
vern status --now 2026-04-11 --json
expect_rc 0
expect_json 'd["store"]["path"]' "$(store_for "$TMP/s.db")"
if on_sqlite; then # SQLite only: the sizes of the files
    expect_json 'd["store"]["file_bytes"] == '"$(stat -c %s s.db)" True
    expect_json 'd["store"]["wal_bytes"] >= 0' True
fi
expect_json 'd["records_by_category"]' "{'booking': 2, 'chat': 3, 'note': 1, 'survey': 2}"
expect_json 'd["outlook"]["overdue"]' 5
expect_json 'd["outlook"]["due_soon"]' 1
expect_json 'd["last_purge"]' None

test_case "after a purge: nothing overdue, the last purge and its result"
"$VERN" purge -q --now 2026-04-11 >/dev/null
vern status --now 2026-04-12
expect_out_contains "overdue     0 records"
expect_out_contains "last purge  2026-04-11 00:00:00 CEST by $(id -un): 4 deleted, 1 anonymised, 0 subjects removed"
vern status --now 2026-04-12 --json
expect_json 'd["last_purge"]["at"]' 2026-04-10T22:00:00Z
expect_json 'd["last_purge"]["deleted"], d["last_purge"]["anonymized"]' "(4, 1)"
expect_json 'd["records"]' 4

test_case "open requests with days left, active holds; no refs or reasons"
"$VERN" request open -q --kind access --subject K-1002 --received 2026-04-01 --now 2026-04-12 >/dev/null
"$VERN" request open -q --kind erasure --subject K-1003 --received 2026-03-01 --now 2026-04-12 >/dev/null
"$VERN" hold place -q --category note --reason "case 7" --now 2026-04-12 >/dev/null
"$VERN" hold place -q --subject K-1002 --reason "case 8" --now 2026-04-12 >/dev/null
"$VERN" hold release -q 1 --now 2026-04-12 >/dev/null
vern status --now 2026-04-12
expect_out_contains "requests    2 open"
expect_out_contains "     2 erasure        due 2026-03-31 00:00:00 CEST  OVERDUE by 12 days"
expect_out_contains "     1 access         due 2026-05-01 00:00:00 CEST  19 days left"
expect_out_contains "holds       1 active"
expect_out_contains "     2 subject  -                    since 2026-04-12 00:00:00 CEST"
expect_out_not_contains "K-100"
expect_out_not_contains "case 8"
vern status --now 2026-04-12 --json
expect_json '[(r["id"], r["kind"], r["days_left"], r["overdue"]) for r in d["open_requests"]]' \
    "[(2, 'erasure', -12, True), (1, 'access', 19, False)]"
expect_json '[(h["id"], h["scope"], h["category"]) for h in d["active_holds"]]' "[(2, 'subject', None)]"
expect_out_not_contains "K-100"

test_case "without a policy: what needs none is shown; the outlook is left out"
run env -u VERN_POLICY "$VERN" status --now 2026-04-12
expect_rc 0
expect_out_contains "records     4"
expect_out_contains "overdue     unknown: give --policy to evaluate the records"
expect_out_contains "requests    2 open"
run env -u VERN_POLICY "$VERN" status --now 2026-04-12 --json
expect_json 'd["outlook"]' None
expect_json 'd["records"]' 4

test_case "on a terminal: a progress bar on stderr while the records are evaluated, not on stdout"
# script(1) gives the command a terminal; with stdout sent to a file inside, what comes out of
# script is what went to the terminal: stderr.
vern status --now 2026-04-12
plain=$OUT
on_terminal() { # CMD...: stdout to tty.out, the terminal (stderr) to tty.err
    script -qec "$(printf '%q ' "$@") >tty.out" /dev/null >tty.err
}
on_terminal "$VERN" status --now 2026-04-12
tr '\r' '\n' <tty.err >tty.lines
grep -q '^status \[#*\] 100%  4 of 4 records evaluated$' tty.lines ||
    fail "no finished bar on stderr: $(cat tty.lines)"
grep -q 'records evaluated' tty.out && fail "the bar went to stdout"
[ "$(cat tty.out)" = "$plain" ] || fail "stdout differs when stderr is a terminal"
on_terminal "$VERN" status --now 2026-04-12 --no-progress
[ ! -s tty.err ] || fail "--no-progress drew: $(cat tty.err)"
on_terminal env -u VERN_POLICY "$VERN" status --now 2026-04-12
[ ! -s tty.err ] || fail "a bar without a policy (nothing is evaluated): $(cat tty.err)"

test_case "the quiet table: status passes over subjects with nothing due, and sees every change"
# At 02-01 (window to 03-03): A is overdue; B falls due on 04-15 and C waits for an event that
# has not happened: both quiet; D's record event is still to come (02-25): evaluated.
cat >q.toml <<'TOML'
[policy]
name = "Q"
controller = "Q"
contact = "q@example.no"
timezone = "UTC"

[[category]]
id = "chat"
title = "Chat"
purpose = "Q"
legal_basis = "public_task"

[[category]]
id = "matter"
title = "Matter"
purpose = "Q"
legal_basis = "public_task"

[[rule]]
id = "chat-90d"
category = "chat"
after = "created"
keep = "90d"
action = "delete"

[[rule]]
id = "matter-closed-7d"
category = "matter"
after = "event:closed"
keep = "7d"
action = "delete"
TOML
cat >q.jsonl <<'JSONL'
{"type":"record","id":"a-1","subject":"A","category":"chat","created":"2025-10-01T00:00:00Z"}
{"type":"record","id":"b-1","subject":"B","category":"chat","created":"2026-01-15T00:00:00Z"}
{"type":"record","id":"c-1","subject":"C","category":"matter","created":"2026-01-02T00:00:00Z"}
{"type":"record","id":"d-1","subject":"D","category":"matter","created":"2026-01-02T00:00:00Z"}
{"type":"event","record":"d-1","kind":"closed","at":"2026-02-25T00:00:00Z"}
JSONL
remove_store "$TMP/s.db"
"$VERN" init -q >/dev/null
"$VERN" ingest -q --policy q.toml q.jsonl >/dev/null
outlook() { # NOW: "(overdue, due soon)" from status at NOW (checks the exit status)
    vern status --policy q.toml --now "$1" --json
    expect_rc 0
    json_get 'd["outlook"]["overdue"], d["outlook"]["due_soon"]'
}
quiet_rows() { sql s.db "SELECT s.ref || ':' || q.until FROM quiet q JOIN subjects s USING (sid) ORDER BY 1" | tr '\n' ' '; }
[ "$(outlook 2026-02-01)" = "(1, 0)" ] || fail "02-01: $(outlook 2026-02-01)"
if on_sqlite; then
    [ "$(quiet_rows)" = "B:$(date -ud 2026-04-15 +%s) C:9223372036854775807 " ] ||
        fail "quiet rows: $(quiet_rows)"
    [ -n "$(sql s.db "SELECT value FROM meta WHERE key = 'quiet_policy'")" ] || fail "no quiet_policy"
fi
# A second run reads the rows: the same answer.
[ "$(outlook 2026-02-01)" = "(1, 0)" ] || fail "02-01 again: $(outlook 2026-02-01)"
# D's event (stored at the first run, dated 02-25) makes it due on 03-04.
[ "$(outlook 2026-03-01)" = "(1, 1)" ] || fail "03-01: $(outlook 2026-03-01)"
# Late facts: a backdated record for B, an event closing C's matter; each deletes the row.
cat >late.jsonl <<'JSONL'
{"type":"record","id":"b-0","subject":"B","category":"chat","created":"2025-11-01T00:00:00Z"}
{"type":"event","subject":"C","kind":"closed","at":"2026-01-10T00:00:00Z"}
JSONL
"$VERN" ingest -q --policy q.toml --now 2026-03-01 late.jsonl >/dev/null
if on_sqlite; then
    [ "$(quiet_rows)" = "" ] || fail "rows kept after late facts: $(quiet_rows)"
fi
[ "$(outlook 2026-03-01)" = "(3, 1)" ] || fail "after late facts: $(outlook 2026-03-01)"
[ "$(outlook 2026-03-01)" = "(3, 1)" ] || fail "after late facts, again: $(outlook 2026-03-01)"
# A category hold: the held records are counted as such.
"$VERN" hold place -q --category chat --reason "q" --now 2026-03-01 >/dev/null
vern status --policy q.toml --now 2026-03-01 --json
expect_json 'd["outlook"]["overdue"], d["outlook"]["held"]' "(1, 2)"
"$VERN" hold release -q 1 --now 2026-03-01 >/dev/null
[ "$(outlook 2026-03-01)" = "(3, 1)" ] || fail "after the hold: $(outlook 2026-03-01)"
if on_sqlite; then
    # Another policy: the rows are written anew for it (A is quiet under it until 07-28).
    sed 's/keep = "90d"/keep = "300d"/' q.toml >q2.toml
    vern status --policy q2.toml --now 2026-03-01 --json
    expect_json 'd["outlook"]["overdue"], d["outlook"]["due_soon"]' "(1, 1)"
    case "$(quiet_rows)" in
    "A:$(date -ud 2026-07-28 +%s) "*) ;;
    *) fail "rows under the other policy: $(quiet_rows)" ;;
    esac
    # While another vern run holds the store, status writes nothing and waits for nothing.
    sql s.db "DELETE FROM quiet"
    flock s.db sleep 3 &
    sleep 0.5
    [ "$(outlook 2026-03-01)" = "(3, 1)" ] || fail "locked: $(outlook 2026-03-01)"
    [ "$(sql s.db 'SELECT count(*) FROM quiet')" = 0 ] || fail "status wrote while locked"
    wait
    # Without a policy, status neither reads nor writes the table.
    run env -u VERN_POLICY "$VERN" status --now 2026-03-01
    expect_rc 0
    [ "$(sql s.db 'SELECT count(*) FROM quiet')" = 0 ] || fail "status without a policy wrote"
fi

test_case "errors: a missing store, an unsupported format"
vern status --store nope.db
expect_rc 66
vern status --format csv
expect_rc 2

finish
