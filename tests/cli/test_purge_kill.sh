# vern purge killed with SIGKILL mid-run: the store stays consistent and the next run finishes
# the job, with the same result as an uninterrupted run.
source "$(dirname "$0")/lib.sh"
set -e
export VERN_POLICY=$SRC/bench/purge_policy.toml
NOW=2026-11-26

# wait_for_batches STORE N: waits (at most about 8 s) until a running purge has committed N
# audit entries, i.e. is well under way.
wait_for_batches() {
    local n
    for _ in $(seq 1 400); do
        n=$(sql "$1" "SELECT count(*) FROM audit WHERE command = 'purge'" 2>/dev/null || echo 0)
        [ "${n:-0}" -ge "$2" ] && return 0
        sleep 0.02
    done
}

test_case "kill -9 mid-run, rerun, same result as a clean run"
"$VERN" init --store base.db -q >/dev/null
python3 "$SRC/bench/gen_purge_store.py" 60000 | "$VERN" ingest --store base.db -q - >/dev/null
if on_sqlite; then # the WAL folded into the file, copied below
    sqlite3 base.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fi
copy_store base.db clean.db
vern purge --store clean.db --now $NOW --json
expect_rc 0
clean_deleted=$(json_get 'd["deleted"]')

copy_store base.db killed.db
"$VERN" purge --store killed.db --now $NOW --batch-size 200 -q >/dev/null 2>&1 &
pid=$!
# Wait for some batches to commit, then kill.
wait_for_batches killed.db 10
kill -9 $pid 2>/dev/null || fail "the run ended before it could be killed"
wait $pid 2>/dev/null || true
if on_sqlite; then # SQLite only: its own consistency checks of the file
    [ "$(sqlite3 killed.db 'PRAGMA integrity_check')" = ok ] || fail "integrity check failed"
    [ "$(sqlite3 killed.db 'PRAGMA foreign_key_check')" = "" ] || fail "foreign key check failed"
fi
partial=$(sql killed.db "SELECT count(*) FROM records")
base=$(sql base.db "SELECT count(*) FROM records")
[ "$partial" -lt "$base" ] || fail "nothing was committed before the kill"
left_clean=$(sql clean.db "SELECT count(*) FROM records")
[ "$partial" -gt "$left_clean" ] || fail "the run finished before the kill ($partial left)"
# Each committed batch left its audit entries: audit counts == records gone so far.
audited=$(sql killed.db "SELECT ifnull(sum(count), 0) FROM audit WHERE command='purge' AND action='delete'")
[ "$audited" = $((base - partial)) ] || fail "audit says $audited deleted, store lost $((base - partial))"

vern purge --store killed.db --now $NOW --json
expect_rc 0
dump() {
    sql "$1" "SELECT r.id, s.ref, r.fields, r.applied, r.unlinked FROM records r LEFT JOIN subjects s USING(sid) ORDER BY r.id;
                  SELECT ref FROM subjects ORDER BY ref;
                  SELECT count(*) FROM events; SELECT count(*) FROM identifiers;"
}
[ "$(dump killed.db)" = "$(dump clean.db)" ] || fail "the rerun differs from a clean run"
total=$(sql killed.db "SELECT sum(count) FROM audit WHERE command='purge' AND action='delete'")
[ "$total" = "$clean_deleted" ] || fail "audited deletions $total, clean run $clean_deleted"

test_case "one writer for the whole run: a second writer gets exit 75 between two batches"
copy_store base.db busy.db
"$VERN" purge --store busy.db --now $NOW --batch-size 50 -q >/dev/null 2>busy.err &
pid=$!
wait_for_batches busy.db 3
echo '{"type":"subject","ref":"NEW-1"}' >one.jsonl
vern ingest --store busy.db --lock-timeout 0 one.jsonl
ingest_rc=$RC
vern purge --store busy.db --now $NOW --lock-timeout 0
purge_rc=$RC
kill -0 $pid 2>/dev/null || fail "the first purge ended before the second writers ran (test too fast)"
[ "$ingest_rc" = 75 ] || fail "an ingest during a purge got exit $ingest_rc, not 75"
[ "$purge_rc" = 75 ] || fail "a second purge during a purge got exit $purge_rc, not 75"
first_rc=0
wait $pid || first_rc=$?
[ "$first_rc" = 0 ] || fail "the first purge failed with $first_rc: $(cat busy.err)"
[ "$(sql busy.db "SELECT count(*) FROM subjects WHERE ref = 'NEW-1'")" = 0 ] ||
    fail "the ingest slipped in"

finish
