# vern plan / vern purge --dry-run: exactly what purge would do, and the store file untouched.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/engine_lib.sh"
set -e

NOW=2026-04-19T10:00:00+02:00

test_case "plan leaves the store byte for byte unchanged and equals purge"
fresh_store
if on_sqlite; then
    # SQLite only: the WAL folded into the file, which must then stay as it is.
    sqlite3 s.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fi
before=$(store_digest s.db)
vern plan --now $NOW --json --list
expect_rc 0
plan=$OUT
[ "$(store_digest s.db)" = "$before" ] || fail "plan changed the store file"
vern purge --dry-run --now $NOW --json --list
expect_rc 0
dry=$OUT
[ "$(store_digest s.db)" = "$before" ] || fail "purge --dry-run changed the store file"
[ "$plan" = "$dry" ] || fail "plan and purge --dry-run differ"
expect_json 'd["dry_run"]' True
vern purge --now $NOW --json --list
expect_rc 0
real=$(sed 's/"dry_run": false/"dry_run": true/; /"audit_head":/d' <<<"$OUT") # a purge also names the new audit head
[ "$plan" = "$real" ] || fail "plan and purge differ:
$plan
---
$real"

test_case "plan with a hold and an open request: subjects_removed still exact"
fresh_store
vern hold place --subject S2 --reason "case 7" --now 2026-01-01
sql "$VERN_STORE" "INSERT INTO requests(kind, sid, pseudonym, received, due) SELECT 'access', sid, 'x', 0, 1 FROM subjects WHERE ref = 'S3'"
for now in 2026-04-01T10:00:00+02:00 $NOW 2027-06-01 2030-01-01; do
    vern plan --now $now --json
    p=$OUT
    copy_store s.db copy.db
    VERN_STORE=copy.db vern purge --now $now --json
    r=$(sed 's/"dry_run": false/"dry_run": true/; /"audit_head":/d' <<<"$OUT")
    [ "$p" = "$r" ] || fail "at $now plan and purge differ: $p --- $r"
    remove_store copy.db
done
vern plan --now 2030-01-01 --json
expect_json 'd["held"]' 1

test_case "plan does not need the write lock"
# SQLite only: another program holding SQLite's write lock.
if on_sqlite; then
    fresh_store
    python3 -c '
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(3)
' s.db >lock.out &
    locker=$!
    while [ ! -s lock.out ]; do sleep 0.05; done
    vern plan --now $NOW
    expect_rc 0
    vern purge --now $NOW
    expect_rc 75
    expect_err_contains "locked"
    wait $locker
fi

test_case "plan does not need the write lock of another vern run"
# The other run is an ingest reading a FIFO: it holds the store from its start until its input ends.
fresh_store
mkfifo feed
"$VERN" ingest -q - <feed >holder.out 2>&1 &
holder=$!
exec 3>feed
echo '{"type":"nope"}' >probe.jsonl
for _ in $(seq 1 100); do # until the holder has the store: 75 (locked), not 65 (bad input)
    vern ingest --lock-timeout 0 probe.jsonl
    [ "$RC" = 75 ] && break
    sleep 0.1
done
expect_rc 75
vern plan --now $NOW
expect_rc 0
vern purge --now $NOW --lock-timeout 0
expect_rc 75
expect_err_contains "is locked by another vern run"
exec 3>&-
wait "$holder" || true # its input was empty: nothing to ingest

test_case "--within: what falls due in the period"
fresh_store
vern plan --now 2026-04-18 --within 5d --json
expect_json 'd["within"]' 5d
expect_json 'd["until"]' 2026-04-22T22:00:00Z
expect_json 'sorted((r["id"], r["rule"]) for r in d["upcoming"])' "[('chat-1', 'chat-30d'), ('tool-1', 'tool-after-subscription')]"
# The upcoming records name their subjects (the scan reads refs only when something shows them).
expect_json 'sorted((r["id"], r["subject"]) for r in d["upcoming"])' "[('chat-1', 'S1'), ('tool-1', 'S5')]"
expect_json 'd["upcoming_deleted"]' 2
expect_json 'd["upcoming_anonymized"]' 0
vern plan --now 2026-04-18 --within 5d
expect_out_contains "falling due within 5d (until 2026-04-23 00:00:00 CEST):"
expect_out_contains "upcoming: 2 to be deleted, 0 to be anonymized"
vern plan --now 2026-04-18 --within 5x
expect_rc 65
expect_err_contains 'invalid duration "5x"'

test_case "text output"
vern plan --now $NOW
expect_out_contains "plan at 2026-04-19 10:00:00 CEST (dry run: nothing was changed)"
expect_out_contains "would do: 4 deleted, 3 anonymized, 0 held, 4 subjects removed"

test_case "exit codes"
vern plan --store missing.db --now $NOW
expect_rc 66
VERN_POLICY= vern plan --now $NOW
expect_rc 2
vern plan --batch-size 0 --now $NOW
expect_rc 2
vern plan --bogus
expect_rc 2
vern purge --dry-run --max-delete 1 --now $NOW
expect_rc 1
expect_err_contains "refusing to purge: 4 records would be deleted"

test_case "--within lists an anonymisation that falls due before the record's deletion in the same period"
vern plan --now 2026-03-21 --within 30d --list --json
expect_rc 0
expect_json '[(r["rule"], r["action"], r["due"]) for r in d["upcoming"] if r["id"] == "chat-1"]' \
    "[('chat-30d', 'delete', '2026-04-19T08:00:00Z'), ('chat-phone-7d', 'anonymize', '2026-03-27T09:00:00Z')]"

finish
