# vern explain: each rule's anchor, due time and status, and the decision; text and JSON.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/engine_lib.sh"
set -e

test_case "explain --record: statuses due, not_due, already_applied"
fresh_store
vern purge --now 2026-04-01T10:00:00+02:00
vern explain --record chat-1 --now 2026-04-19T09:59:59+02:00 --json
expect_rc 0
expect_json 'd["now"]' 2026-04-19T07:59:59Z
expect_json '[(r["rule"], r["status"]) for r in d["records"][0]["rules"]]' "[('chat-phone-7d', 'already_applied'), ('chat-30d', 'not_due'), ('chat-inactive-1y', 'not_due')]"
expect_json 'd["records"][0]["rules"][1]["due"]' 2026-04-19T08:00:00Z
expect_json 'd["records"][0]["rules"][1]["anchor"]' 2026-03-20T09:00:00Z
expect_json 'd["records"][0]["decision"]' keep
expect_json 'd["records"][0]["next_due"]' 2026-04-19T08:00:00Z
vern explain --record chat-1 --now 2026-04-19T10:00:00+02:00 --json
expect_json 'd["records"][0]["decision"]' delete
expect_json 'd["records"][0]["decided_by"]' chat-30d
expect_json 'd["records"][0]["due"]' 2026-04-19T08:00:00Z

test_case "explain --subject: pending, not_applicable and held"
fresh_store
vern explain --subject S4 --now 2026-06-01 --json
expect_json 'd["records"][0]["rules"][0]["status"]' pending
expect_json 'd["records"][0]["rules"][0]["reason"]' "no event 'appointment' yet"
expect_json 'd["records"][0]["rules"][0]["due"]' None
vern explain --subject S6 --now 2026-06-01 --json
expect_json '[(r["id"], r["rules"][0]["status"]) for r in d["records"]]' "[('log-1', 'due'), ('log-2', 'not_applicable')]"
expect_json 'd["records"][1]["rules"][0]["reason"]' 'where: party is "internal", not "external"'
vern explain --subject S8 --now 2026-06-01 --json
expect_json '[r["status"] for r in d["records"][0]["rules"]]' "['not_applicable', 'not_due']"
expect_json 'd["records"][0]["rules"][1]["due"]' 2027-12-31T23:00:00Z
vern hold place --category chat --reason "case 9" --now 2026-01-01
vern explain --record chat-1 --now 2026-06-01 --json
expect_json 'd["records"][0]["decision"]' held
expect_json '[r["status"] for r in d["records"][0]["rules"]]' "['held', 'held', 'not_due']"
vern explain --record chat-1 --now 2026-06-01
expect_out_contains "record chat-1 (subject S1, category chat, created 2026-03-20 10:00:00 CET)"
expect_out_contains "  chat-30d (delete 30d after created): anchor 2026-03-20 10:00:00 CET (created), due 2026-04-19 10:00:00 CEST: held (an active hold covers the record)"
expect_out_contains "  decision: held (rule chat-30d, due 2026-04-19 10:00:00 CEST)"

test_case "exit codes"
vern explain --subject NOBODY --now 2026-06-01
expect_rc 1
expect_err_contains "no subject 'NOBODY' in the store"
vern explain --record nope --now 2026-06-01
expect_rc 1
expect_err_contains "no record 'nope' in the store"
vern explain --now 2026-06-01
expect_rc 2
vern explain --subject S1 --record chat-1
expect_rc 2
vern explain --subject S1 --store missing.db
expect_rc 66

finish
