# vern purge killed with SIGKILL mid-run: the store stays consistent and the next run finishes
# the job, with the same result as an uninterrupted run.
source "$(dirname "$0")/lib.sh"
set -e
export VERN_POLICY=$SRC/bench/purge_policy.toml
NOW=2026-11-26

test_case "kill -9 mid-run, rerun, same result as a clean run"
"$VERN" init --store base.db -q >/dev/null
python3 "$SRC/bench/gen_purge_store.py" 60000 | "$VERN" ingest --store base.db -q - >/dev/null
sqlite3 base.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp base.db clean.db
vern purge --store clean.db --now $NOW --json
expect_rc 0
clean_deleted=$(json_get 'd["deleted"]')

cp base.db killed.db
"$VERN" purge --store killed.db --now $NOW --batch-size 200 -q >/dev/null 2>&1 &
pid=$!
# Wait for some batches to commit, then kill.
for _ in $(seq 1 400); do
    n=$(sqlite3 killed.db "SELECT count(*) FROM audit WHERE command = 'purge'" 2>/dev/null || echo 0)
    [ "${n:-0}" -ge 10 ] && break
    sleep 0.02
done
kill -9 $pid 2>/dev/null || fail "the run ended before it could be killed"
wait $pid 2>/dev/null || true
[ "$(sqlite3 killed.db 'PRAGMA integrity_check')" = ok ] || fail "integrity check failed"
[ "$(sqlite3 killed.db 'PRAGMA foreign_key_check')" = "" ] || fail "foreign key check failed"
partial=$(sqlite3 killed.db "SELECT count(*) FROM records")
base=$(sqlite3 base.db "SELECT count(*) FROM records")
[ "$partial" -lt "$base" ] || fail "nothing was committed before the kill"
left_clean=$(sqlite3 clean.db "SELECT count(*) FROM records")
[ "$partial" -gt "$left_clean" ] || fail "the run finished before the kill ($partial left)"
# Each committed batch left its audit entries: audit counts == records gone so far.
audited=$(sqlite3 killed.db "SELECT ifnull(sum(count), 0) FROM audit WHERE command='purge' AND action='delete'")
[ "$audited" = $((base - partial)) ] || fail "audit says $audited deleted, store lost $((base - partial))"

vern purge --store killed.db --now $NOW --json
expect_rc 0
dump() {
    sqlite3 "$1" "SELECT r.id, s.ref, r.fields, r.applied, r.unlinked FROM records r LEFT JOIN subjects s USING(sid) ORDER BY r.id;
                  SELECT ref FROM subjects ORDER BY ref;
                  SELECT count(*) FROM events; SELECT count(*) FROM identifiers;"
}
[ "$(dump killed.db)" = "$(dump clean.db)" ] || fail "the rerun differs from a clean run"
total=$(sqlite3 killed.db "SELECT sum(count) FROM audit WHERE command='purge' AND action='delete'")
[ "$total" = "$clean_deleted" ] || fail "audited deletions $total, clean run $clean_deleted"

finish
