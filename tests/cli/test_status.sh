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

test_case "errors: a missing store, an unsupported format"
vern status --store nope.db
expect_rc 66
vern status --format csv
expect_rc 2

finish
