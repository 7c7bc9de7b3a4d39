# vern audit report: what was done in a period (from the audit log), overdue records and requests,
# what falls due in the next 30 days; --fail-on-overdue for monitoring; text, JSON and CSV.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/audit_lib.sh"
set -e

# Fixture due times (Europe/Oslo): note-1 phone 2026-03-24 08:00, book-1 03-27 09:00,
# chat-1 03-31 10:00, book-2 04-01 14:00, chat-2 04-04 12:00, chat-3 05-01 10:00.
WEEK_LATE=2026-04-11

test_case "the overdue case: purge skipped for a week -> exit 1, overdue records per category"
fresh_store
vern audit report --now $WEEK_LATE --fail-on-overdue
expect_rc 1
expect_out_contains "Overdue records (due under the current policy, still present): 5"
expect_out_contains "OVERDUE booking                 2  oldest due 2026-03-27 09:00:00 CET"
expect_out_contains "OVERDUE chat                    2  oldest due 2026-03-31 10:00:00 CEST"
expect_out_contains "OVERDUE note                    1  oldest due 2026-03-24 08:00:00 CET"
expect_out_contains "Due by 2026-05-11 00:00:00 CEST: 1"
expect_err_contains "vern: overdue: 5 records, 0 requests"
vern audit report --now $WEEK_LATE --fail-on-overdue --json
expect_rc 1
expect_json 'd["schema"]' vern-audit-report-1
expect_json 'd["overdue"]' True
expect_json 'd["overdue_records"]["total"]' 5
expect_json '[(c["category"], c["records"], c["oldest_due"]) for c in d["overdue_records"]["by_category"]]' \
    "[('booking', 2, '2026-03-27T08:00:00Z'), ('chat', 2, '2026-03-31T08:00:00Z'), ('note', 1, '2026-03-24T07:00:00Z')]"
expect_json '[(c["category"], c["records"], c["earliest_due"]) for c in d["due_soon"]["by_category"]]' \
    "[('chat', 1, '2026-05-01T08:00:00Z')]"
expect_json 'd["due_soon"]["until"]' 2026-05-10T22:00:00Z

test_case "without --fail-on-overdue the report exits 0"
vern audit report --now $WEEK_LATE
expect_rc 0

test_case "after the purge at that now: exit 0, and the purge is in the report"
"$VERN" purge -q --now $WEEK_LATE >/dev/null
vern audit report --now $WEEK_LATE --fail-on-overdue --json
expect_rc 0
expect_json 'd["overdue"]' False
expect_json 'd["overdue_records"]["total"]' 0
expect_json 'd["purge"]["runs"]' 1
expect_json 'd["purge"]["deleted"]' 4
expect_json 'd["purge"]["anonymized"]' 1
expect_json '[(r["rule"], r["category"], r["action"], r["records"]) for r in d["purge"]["by_rule"]]' \
    "[('booking-7d', 'booking', 'delete', 2), ('chat-30d', 'chat', 'delete', 2), ('note-phone-14d', 'note', 'anonymize', 1)]"
expect_json '[(c["category"], c["records"]) for c in d["ingested"]]' \
    "[('booking', 2), ('chat', 3), ('note', 1), ('survey', 2)]"
vern audit report --now $WEEK_LATE --fail-on-overdue
expect_rc 0
expect_out_contains "Retention (purge): 1 run; 4 records deleted, 1 anonymised; 0 subjects removed"
expect_out_contains "  chat-30d                 chat             delete            2"

test_case "the period: --since/--until select audit entries (until exclusive)"
vern audit report --now $WEEK_LATE --since 2026-03-01 --until $WEEK_LATE --json
expect_json 'd["purge"]["runs"]' 0       # the purge ran at exactly --until
expect_json 'd["entries"]' 6             # the ingest of 2026-04-01
vern audit report --now 2026-05-01 --json # default: the 30 days up to now, inclusive
expect_json 'd["since"]' 2026-03-31T22:00:00Z
expect_json 'd["purge"]["runs"]' 1
vern audit report --now 2026-06-01 --json
expect_json 'd["entries"]' 0
expect_json 'd["purge"]["runs"]' 0

test_case "rights activity: erasures, withdrawals, access reports, holds, requests"
fresh_store
N=2026-04-02
"$VERN" access -q --subject K-1002 --now $N >/dev/null
"$VERN" consent withdraw -q --subject K-1001 --purpose survey --now $N >/dev/null
"$VERN" erase -q --subject K-1003 --now $N >/dev/null
"$VERN" hold place -q --category note --reason "case 7" --now $N >/dev/null
"$VERN" hold place -q --subject K-1002 --reason "case 8" --now $N >/dev/null
"$VERN" hold release -q 1 --now $N >/dev/null
"$VERN" request open -q --kind access --subject K-1001 --received 2026-03-01 --now $N >/dev/null
"$VERN" request open -q --kind erasure --subject K-1002 --received 2026-03-20 --now $N >/dev/null
"$VERN" request open -q --kind rectification --subject K-1002 --received 2026-03-25 --now $N >/dev/null
"$VERN" request close -q 2 --now $N >/dev/null
"$VERN" request open -q --kind objection --subject K-1001 --received 2026-02-01 --now $N >/dev/null
"$VERN" request close -q 4 --now $N >/dev/null
vern audit report --now $N --json
expect_rc 0
expect_json 'd["access_reports"]["reports"], d["access_reports"]["records"]' "(1, 2)"
expect_json 'd["consent_withdrawals"]["withdrawals"]' 1
expect_json 'd["consent_withdrawals"]["by_purpose"]' "[{'purpose': 'survey', 'withdrawals': 1}]"
expect_json 'd["consent_withdrawals"]["records_deleted"]' 1
expect_json 'd["erasures"]["erasures"]' 1
expect_json 'd["erasures"]["records"]' 3
expect_json 'd["erasures"]["subjects_removed"]' 1
expect_json 'd["holds"]["placed"], d["holds"]["released"], d["holds"]["active"]' "(2, 1, 1)"
expect_json 'd["requests"]["opened"]' 2 # the access and objection were received before the period
expect_json 'd["requests"]["answered_in_time"]' 1
expect_json 'd["requests"]["answered_late"]' 1
expect_json 'd["requests"]["open"]' 2
expect_json 'd["requests"]["overdue"]' 1
expect_json '[(q["id"], q["kind"], q["due"], q["days_left"]) for q in d["requests"]["overdue_requests"]]' \
    "[(1, 'access', '2026-03-30T22:00:00Z', -2)]"
vern audit report --now $N
expect_out_contains "Erasures: 1; 3 records erased, 1 subject removed"
expect_out_contains "Consent withdrawals: 1; 1 record deleted"
expect_out_contains "Access reports: 1; 2 records disclosed"
expect_out_contains "Holds: 2 placed, 1 released; 1 active now"
expect_out_contains "Requests: 2 opened, 0 extended, 1 answered in time, 1 answered late; 2 open, 1 overdue"
expect_out_contains "OVERDUE request 1 (access): received 2026-03-01 00:00:00 CET, due 2026-03-31 00:00:00 CEST, 2 days late"

test_case "an overdue request alone fails --fail-on-overdue"
"$VERN" purge -q --now $N >/dev/null
vern audit report --now $N --fail-on-overdue
expect_rc 1
expect_err_contains "vern: overdue: 0 records, 1 requests"

test_case "the report holds no refs"
vern audit report --now $N --json
expect_out_not_contains "K-100"
vern audit report --now $N --format csv
expect_out_not_contains "K-100"

test_case "policy versions in force: digest changes with first and last seen"
fresh_store
OLD_DIGEST=$(sql "$VERN_STORE" "SELECT DISTINCT policy_digest FROM audit")
sed 's/keep = "30d"/keep = "20d"/' "$VERN_POLICY" >new.toml
"$VERN" purge -q --policy new.toml --now 2026-04-03 >/dev/null
"$VERN" purge -q --policy new.toml --now 2026-04-22 >/dev/null
vern audit report --policy new.toml --now 2026-04-22 --json
expect_json '[(v["digest"] == "'"$OLD_DIGEST"'", v["first_seen"], v["last_seen"]) for v in d["policy_versions"]]' \
    "[(True, '2026-03-31T22:00:00Z', '2026-03-31T22:00:00Z'), (False, '2026-04-02T22:00:00Z', '2026-04-21T22:00:00Z')]"
[ "$(json_get 'd["policy_versions"][1]["digest"] == d["policy_digest"]')" = True ] ||
    fail "the second version should be the current policy"

test_case "CSV: one table with a header and a section column"
fresh_store
vern audit report --now $WEEK_LATE --format csv
expect_rc 0
[ "$(head -n1 <<<"$OUT")" = "section,item,category,rule,count,first,last" ] || fail "header: $OUT"
expect_out_contains "overdue_records,category,booking,,2,2026-03-27T08:00:00Z,"
expect_out_contains "overdue_records,total,,,5,,"
expect_out_contains "due_soon,category,chat,,1,2026-05-01T08:00:00Z,"
python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
assert all(len(r) == 7 for r in rows), rows
sections = {r[0] for r in rows[1:]}
need = {"period", "policy", "purge", "erasures", "consent_withdrawals", "access_reports",
        "holds", "requests", "overdue_records", "due_soon"}
assert need <= sections, need - sections
' <<<"$OUT" || fail "CSV does not parse into 7 columns with every section"

test_case "usage errors: no policy, unsupported format, empty period"
run env -u VERN_POLICY "$VERN" audit report --now $WEEK_LATE
expect_rc 2
expect_err_contains "no policy given: pass --policy PATH"
vern audit report --now $WEEK_LATE --format html
expect_rc 2
expect_err_contains "--format html is not supported here; use one of: text, json, csv"
vern audit report --now $WEEK_LATE --since 2026-04-02 --until 2026-04-01
expect_rc 2
expect_err_contains "is not before --until"
vern audit report --now $WEEK_LATE --since yesterday
expect_rc 65
expect_err_contains '--since: invalid time "yesterday"'

finish
