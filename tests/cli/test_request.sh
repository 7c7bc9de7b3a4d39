# vern request: deadlines from the policy (calendar arithmetic), one extension of at most two
# months, close, list --overdue.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/rights_lib.sh"
set -e
fresh_rights_store

test_case "open: due = received + 30d in Europe/Oslo, across the DST change"
vern request open --kind access --subject K-1 --received 2026-03-20T10:00:00+01:00 --now 2026-03-21 --json
expect_rc 0
expect_json 'd["id"]' 1
expect_json 'd["due"]' "2026-04-19T08:00:00Z"
expect_json 'd["status"]' "open"
vern request open --kind portability --subject K-2 --received 2026-03-01 --now 2026-03-02
expect_out_equals "request 2 (portability, subject K-2) opened: due 2026-03-31 00:00:00 CEST"

test_case "refusals: unknown kind (2), ambiguous selector (1), received in the future (65)"
# (An unknown subject is registered without one: tests/cli/test_request_unknown.sh.)
before=$(store_hash)
vern request open --kind complaint --subject K-1
expect_rc 2
expect_err_contains 'unknown request kind "complaint"'
vern request open --kind access --name "Kari Nordmann"
expect_rc 1
vern request open --kind access --subject K-1 --received 2026-04-01
expect_rc 65
vern request extend 99 --reason x
expect_rc 66
[ "$(store_hash)" = "$before" ] || fail "store changed by a refusal"

test_case "list with days left and overdue"
vern request list --now 2026-04-01
expect_out_contains "open, 18 days left"
expect_out_contains "OVERDUE by 1 day"
vern request list --overdue --now 2026-04-01 --json
expect_json '[r["id"] for r in d["requests"]]' "[2]"
expect_json 'd["requests"][0]["days_left"]' "-1"

test_case "extension: at most two months, once, before the deadline"
before=$(store_hash)
vern request extend 1 --reason "omfattende" --by 3mo --now 2026-04-01
expect_rc 2
expect_err_contains "longer than the two further months"
vern request extend 2 --reason "for sent" --now 2026-04-01
expect_rc 1
expect_err_contains "an extension must be decided within the original deadline"
[ "$(store_hash)" = "$before" ] || fail "store changed by a refused extension"
vern request extend 1 --reason "omfattende sak" --now 2026-04-01 --json
expect_rc 0
expect_json 'd["extended_due"]' "2026-06-19T08:00:00Z"
expect_json 'd["extension_reason"]' "omfattende sak"
before=$(store_hash)
vern request extend 1 --reason "igjen" --now 2026-04-02
expect_rc 1
expect_err_contains "request 1 was already extended to 2026-06-19"
[ "$(store_hash)" = "$before" ] || fail "store changed by a second extension"

test_case "a shorter --by; close; closing twice is refused"
vern request open --kind rectification --subject K-3 --received 2026-03-01 --now 2026-03-02
vern request extend 3 --reason "venter på dokumentasjon" --by 2w --now 2026-03-10 --json
expect_json 'd["extended_due"]' "2026-04-13T22:00:00Z"
vern request close 1 --now 2026-05-01
expect_rc 0
expect_out_contains "request 1 (access) closed: closed 2026-05-01, in time"
vern request close 1 --now 2026-05-02
expect_rc 1
expect_err_contains "request 1 is already closed"
vern request close 2 --now 2026-05-01
expect_out_contains "late"
vern request list --now 2026-05-01 --json
expect_json '[r["status"] for r in d["requests"]]' "['closed', 'closed_late', 'overdue']"
n=$(sql "$TMP/s.db" "SELECT count(*) FROM audit WHERE command = 'request'")
[ "$n" = 7 ] || fail "expected 7 request audit entries, got $n"
finish
