# vern consent give | withdraw | list: a withdrawal deletes exactly the records that rested on it.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/rights_lib.sh"
set -e
fresh_rights_store

test_case "withdrawal deletes exactly the consent-based records, in one transaction, audited"
vern consent withdraw --subject K-1 --purpose survey --json
expect_rc 0
expect_json 'd["deleted"]' "{'survey': 1}"
expect_json 'd["recorded"]' True
record_exists survey-1 && fail "survey-1 survived the withdrawal"
for r in c-1 chat-1 inv-1 nav-1 health-1 survey-3; do record_exists $r || fail "$r deleted"; done
[ "$(sql "$TMP/s.db" "SELECT count(*) FROM audit WHERE action = 'withdraw' AND rule = 'consent:survey'")" = 1 ] \
    || fail "withdrawal not audited"

test_case "list shows history and the state at --now"
vern consent list --subject K-1 --json
expect_json '[(c["purpose"], c["given"]) for c in d["history"]]' "[('survey', True), ('survey', False)]"
expect_json 'd["active"]' "{'survey': False}"
vern consent list --subject K-1 --now 2026-03-05
expect_out_contains "survey               given"
expect_out_contains "survey               active now"

test_case "re-ingesting the consent-based record is refused; the store is unchanged"
before=$(store_hash)
grep '"survey-1"' "$RIGHTS/data.jsonl" >"$TMP/s1.jsonl"
vern ingest "$TMP/s1.jsonl"
expect_rc 65
[ "$(store_hash)" = "$before" ] || fail "store changed"

test_case "a held record stays; give again"
vern hold place --subject K-3 --reason "klagesak"
vern consent withdraw --subject K-3 --purpose survey --json
expect_json 'd["deleted_total"]' 0
expect_json 'd["held"]' 1
record_exists survey-3 || fail "held survey-3 deleted"
vern consent give --subject K-1 --purpose survey --now 2026-03-11
expect_rc 0
expect_out_contains 'consent of K-1 to "survey" given'
vern consent list --subject K-1 --now 2026-03-12 --json
expect_json 'd["active"]' "{'survey': True}"

test_case "refusals: unknown purpose (65), unknown subject (1), future --at (65), store unchanged"
before=$(store_hash)
vern consent withdraw --subject K-1 --purpose nosuch
expect_rc 65
expect_err_contains 'unknown consent purpose "nosuch"; the policy'"'"'s purposes are: survey'
vern consent withdraw --subject K-9 --purpose survey
expect_rc 1
vern consent give --subject K-1 --purpose survey --at 2026-04-01
expect_rc 65
vern consent give --subject K-1
expect_rc 2
[ "$(store_hash)" = "$before" ] || fail "store changed by a refusal"
test_case "a withdrawal arriving through ingest deletes the consent-based records too, audited"
fresh_rights_store
printf '%s\n' '{"type":"consent","subject":"K-3","purpose":"survey","withdrawn":"2026-03-08T10:00:00+01:00"}' >"$TMP/w.jsonl"
vern ingest --json "$TMP/w.jsonl"
expect_rc 0
expect_json 'd["records_deleted_by_withdrawal"]' 1
record_exists survey-3 && fail "survey-3 survived a withdrawal ingested from a source system"
record_exists survey-1 || fail "survey-1 (K-1, consent not withdrawn) was deleted"
[ "$(sql "$TMP/s.db" "SELECT count(*) FROM audit WHERE command = 'ingest' AND action = 'withdraw' AND rule = 'consent:survey' AND subject <> ''")" = 1 ] \
    || fail "ingested withdrawal not audited with the subject's pseudonym"
vern audit export-erasures --output "$TMP/ledger.jsonl"
expect_rc 0
grep -q '"type":"consent_withdrawal"' "$TMP/ledger.jsonl" || fail "ingested withdrawal missing from the ledger"
vern ingest "$TMP/w.jsonl"
expect_rc 0
[ "$(sql "$TMP/s.db" "SELECT count(*) FROM audit WHERE action = 'withdraw'")" = 1 ] \
    || fail "re-ingesting the same withdrawal was audited again"

test_case "a withdrawal stamped after --now is stored but deletes nothing yet"
fresh_rights_store
printf '%s\n' '{"type":"consent","subject":"K-3","purpose":"survey","withdrawn":"2026-03-20T10:00:00+01:00"}' >"$TMP/w2.jsonl"
vern ingest "$TMP/w2.jsonl"
expect_rc 0
record_exists survey-3 || fail "survey-3 deleted by a withdrawal that has not happened yet"
test_case "a subject a withdrawal keeps is not removed by a later purge, even one emptied before"
fresh_rights_store
# K-3 was emptied once (an open request kept it) and got records again since.
sql "$TMP/s.db" "UPDATE subjects SET emptied = 0 WHERE ref = 'K-3'"
vern consent withdraw --subject K-3 --purpose survey
expect_rc 0
[ "$(sql "$TMP/s.db" "SELECT CASE WHEN emptied IS NULL THEN 1 ELSE 0 END FROM subjects WHERE ref = 'K-3'")" = 1 ] ||
    fail "the withdrawal did not mark K-3 as kept"
vern purge --now 2026-03-11
expect_rc 0
subject_exists K-3 || fail "a purge removed K-3, and with it the withdrawal that keeps its data out"

finish
