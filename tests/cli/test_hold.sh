# vern hold place | release | list: legal holds block purges, and are audited.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/engine_lib.sh"
set -e

test_case "a subject hold blocks deletion and anonymisation; released, the purge proceeds"
fresh_store
vern hold place --subject S1 --reason "Sak 2026/14" --now 2026-04-01
expect_rc 0
expect_out_equals "hold 1 placed on subject S1"
vern purge --now 2026-05-01 --json
expect_json 'd["held"]' 2
exists chat-1 || fail "chat-1 is held"
exists mail-1 || fail "mail-1 is held"
[ "$(field chat-1 phone)" = "+47 912 34 567" ] || fail "held record anonymised"
vern hold list --json --now 2026-05-01
expect_json '[(h["id"], h["subject"], h["category"], h["reason"], h["active"]) for h in d["holds"]]' "[(1, 'S1', None, 'Sak 2026/14', True)]"
vern hold release 1 --now 2026-05-02
expect_rc 0
expect_out_equals "hold 1 released"
vern hold list --now 2026-05-03
expect_out_contains "released 2026-05-02"
vern purge --now 2026-05-03 --json
expect_json 'd["held"]' 0
expect_gone chat-1

test_case "a category hold; a hold protects even a what-if run at a --now before it was placed"
fresh_store
vern hold place --category chat --reason "tilsyn" --json
expect_json 'd["id"]' 1
vern plan --now 2026-05-01 --json
expect_json 'd["held"]' 2
vern purge --now 2026-05-01 --json
expect_json 'd["held"]' 2
expect_present chat-1
expect_present chat-2
expect_gone mail-1
vern hold release 1
vern purge --now 2026-05-01 --json
expect_json 'd["held"]' 0
expect_gone chat-1

test_case "audited, with the subject's pseudonym and never its ref"
[ "$(sql s.db "SELECT count(*) FROM audit WHERE command='hold' AND action='hold_place' AND category='chat'")" = 1 ] ||
    fail "category hold not audited"
fresh_store
vern hold place --subject S2 --reason "x" --now 2026-04-01
vern hold release 1 --now 2026-04-02
[ "$(sql s.db "SELECT count(*) FROM audit WHERE command='hold' AND length(subject) = 64")" = 2 ] ||
    fail "subject hold not audited with a pseudonym: $(sql s.db 'SELECT * FROM audit')"
[ "$(sql s.db "SELECT count(*) FROM audit WHERE subject = 'S2'")" = 0 ] || fail "ref in audit"

test_case "exit codes"
vern hold place --subject NOBODY --reason x
expect_rc 1
vern hold place --subject S2 --category chat --reason x
expect_rc 2
vern hold place --subject S2
expect_rc 2
vern hold place --category nosuch --reason x
expect_rc 65
vern hold release 99
expect_rc 66
vern hold release 1 --now 2026-04-03
expect_rc 66
vern hold
expect_rc 2
vern hold list --store missing.db
expect_rc 66

test_case "plan --list and explain show what a hold keeps, and the rule it blocks"
fresh_store
vern hold place --subject S1 --reason "Sak 2026/15"
vern plan --now 2027-04-01 --list --json
expect_rc 0
expect_json 'd["held"]' 2
expect_json '"chat-1" in [r["id"] for r in d["records"]]' False
vern plan --now 2027-04-01 --list
expect_out_contains "held (an active hold keeps them):"
expect_out_contains "  held       mail-1  (subject S1, category mailbox, rule mail-weekly would delete"
expect_out_contains "  held       chat-1  (subject S1, category chat, rule chat-30d would delete, due 2026-04-19 10:00"
# Held with every rule due: the earliest delete rule decides, as it would without the hold.
vern explain --record chat-1 --now 2027-04-01 --json
expect_json 'd["records"][0]["decision"]' held
expect_json 'd["records"][0]["decided_by"]' chat-30d
expect_json 'd["records"][0]["due"]' 2026-04-19T08:00:00Z
expect_json 'd["records"][0]["held"]' True
# Nothing due yet: the hold is still shown.
vern explain --record chat-1 --now 2026-03-21
expect_out_contains "decision: keep"
expect_out_contains "held: an active hold covers the record"
vern explain --record chat-2 --now 2026-03-26 --json
expect_json 'd["records"][0]["held"]' False

finish
