# Erased people never come back: back up the store, erase a subject and withdraw a consent,
# export the erasure ledger, restore the backup, replay the ledger, and the person is gone.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/audit_lib.sh"
set -e

test_case "backup, erase, export the ledger, restore, replay: the person is gone"
fresh_store
"$VERN" purge -q --now 2026-04-02 >/dev/null # checkpoints the WAL: the file alone is the backup
copy_store s.db backup.db
[ "$(records_of K-1002)" = 2 ] || fail "K-1002 should have 2 records before the erasure"
"$VERN" erase -q --subject K-1002 --now 2026-04-03 >/dev/null
"$VERN" consent withdraw -q --subject K-1003 --purpose survey --now 2026-04-03 >/dev/null
vern audit export-erasures --output ledger.jsonl --now 2026-04-03
expect_rc 0
expect_out_equals "1 erasures and 1 consent withdrawals written to ledger.jsonl"
[ "$(stat -c %a ledger.jsonl)" = 600 ] || fail "ledger mode $(stat -c %a ledger.jsonl), expected 600"
[ "$(wc -l <ledger.jsonl)" = 2 ] || fail "ledger: $(cat ledger.jsonl)"

# restore the backup
copy_store backup.db s.db
[ "$(records_of K-1002)" = 2 ] || fail "the backup should bring K-1002 back"
[ "$(sql s.db "SELECT count(*) FROM records WHERE id = 'survey-2'")" = 1 ] || fail "survey-2 in backup"

vern erase --replay ledger.jsonl --now 2026-04-04
expect_rc 0
expect_out_contains "replayed 2 ledger entries"
[ "$(records_of K-1002)" = 0 ] || fail "K-1002 has records after the replay"
[ "$(sql s.db "SELECT count(*) FROM subjects WHERE ref = 'K-1002'")" = 0 ] || fail "K-1002 subject left"
[ "$(sql s.db "SELECT count(*) FROM records WHERE id IN ('chat-2', 'note-1', 'survey-2')")" = 0 ] ||
    fail "erased records are back"
[ "$(sql s.db "SELECT count(*) FROM records WHERE id = 'chat-3'")" = 1 ] ||
    fail "K-1003's chat does not rest on the withdrawn consent and must stay"
vern explain --subject K-1002 --now 2026-04-04
expect_rc 1
expect_err_contains "no subject 'K-1002'"
vern access --subject K-1002 --now 2026-04-04
expect_rc 1
expect_err_contains "no subject"
vern access --email ola.hansen@example.no --now 2026-04-04
expect_rc 1

test_case "after the replay, ingest refuses the erased subject"
printf '%s\n' '{"type":"record","id":"chat-9","subject":"K-1002","category":"chat","created":"2026-04-03T10:00:00+02:00","fields":{"text":"x"}}' >again.jsonl
vern ingest again.jsonl --now 2026-04-04
expect_rc 65
expect_err_contains 'subject "K-1002" was erased'

test_case "the ledger holds no refs, names, emails, phones or field values"
for needle in K-1002 K-1003 "Ola Hansen" ola.hansen@example.no "480 11 222" "Per Person" \
    per.person@example.no "Trenger hjelp" "Greit nok" Hei; do
    ! grep -qF -- "$needle" ledger.jsonl || fail "ledger contains '$needle'"
done
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    assert set(d) <= {"type", "subject", "at", "categories", "complete", "purpose"}, d
    assert len(d["subject"]) == 64, d
' ledger.jsonl || fail "ledger lines have unexpected keys"

test_case "the restored store's ledger holds the same erasures; replays do not grow it"
"$VERN" erase -q --replay ledger.jsonl --now 2026-04-05 >/dev/null
vern audit export-erasures --output ledger2.jsonl --now 2026-04-05
expect_rc 0
[ "$(wc -l <ledger2.jsonl)" = 2 ] || fail "ledger2: $(cat ledger2.jsonl)"
# the counts are those of the lines written (a duplicate line is neither written nor counted)
expect_out_equals "1 erasures and 1 consent withdrawals written to ledger2.jsonl"
strip_at() { sed 's/"at":"[^"]*",//' "$1"; }
[ "$(strip_at ledger.jsonl)" = "$(strip_at ledger2.jsonl)" ] ||
    fail "ledger differs after the replay: $(diff ledger.jsonl ledger2.jsonl)"
vern audit export-erasures --output ledger2.jsonl --json
expect_json 'd["erasures"], d["consent_withdrawals"]' "(1, 1)"

test_case "export-erasures: --output is required; an unwritable path is an error"
vern audit export-erasures
expect_rc 2
vern audit export-erasures --output no/such/dir/ledger.jsonl
expect_rc 74
expect_err_contains "cannot create a temporary file in 'no/such/dir'"

finish
