#!/usr/bin/env bash
# Benchmark: `vern purge` against the equivalent hand-written SQL DELETE statements
# (bench/purge_equivalent.sql) run by sqlite3 on a copy of the same store, with the same pragmas.
# Reports both wall-clock times, their ratio (target <= 1.5) and vern's peak RSS.
#
#   bench/purge.sh [N] [VERN]        # default N = 1000000, VERN = build/vern
#   VERN_ARGS="--batch-size 100000" bench/purge.sh   # extra purge options
#   BENCH_DIR=/tmp/b bench/purge.sh  # keep (and reuse) the generated store there
# Needs python3, sqlite3 and GNU time (/usr/bin/time; apt-get install time).
set -euo pipefail
N=${1:-1000000}
VERN=${2:-build/vern}
SRC=$(cd "$(dirname "$0")/.." && pwd)
VERN=$(cd "$(dirname "$VERN")" && pwd)/$(basename "$VERN")
POLICY=$SRC/bench/purge_policy.toml
NOW=2026-11-26
WORK=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/vern-bench.XXXXXX")}
cd "$WORK"

if [ ! -f "base-$N.db" ]; then
    if [ ! -f "purge-$N.jsonl" ]; then # shared with bench/pg_purge.sh
        echo "generating $N records ..."
        python3 "$SRC/bench/gen_purge_store.py" "$N" >"purge-$N.jsonl.tmp"
        mv "purge-$N.jsonl.tmp" "purge-$N.jsonl"
    fi
    "$VERN" init --store "base-$N.db.tmp" -q
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    /usr/bin/time -f '%e %M' -o ingest.time "$VERN" ingest --store "base-$N.db.tmp" \
        --policy "$POLICY" -q --lock-timeout 0 "purge-$N.jsonl" >/dev/null
    read -r secs kb <ingest.time
    echo "ingest: $N records in $secs s, $(python3 -c 'import sys; print(round(int(sys.argv[1]) / float(sys.argv[2])))' "$N" "$secs") records/s, peak RSS $((kb / 1024)) MiB (load average $load -> $(cut -d' ' -f1-3 /proc/loadavg))" >"base-$N.ingest"
    sqlite3 "base-$N.db.tmp" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    rm -f "base-$N.db.tmp-wal" "base-$N.db.tmp-shm"
    mv "base-$N.db.tmp" "base-$N.db"
fi
[ -f "base-$N.ingest" ] && cat "base-$N.ingest"
echo "store: $(du -h "base-$N.db" | cut -f1), $(sqlite3 "base-$N.db" 'SELECT count(*) FROM records') records"

seconds() { python3 -c 'import sys; print(sys.argv[1])' "$1"; }

# vern purge, timed with GNU time for the peak RSS.
cp "base-$N.db" vern.db
sync
/usr/bin/time -f '%e %M' -o vern.time "$VERN" purge --store vern.db --policy "$POLICY" \
    --now "$NOW" --no-progress --json ${VERN_ARGS:-} >vern.json
read -r vern_s vern_kb <vern.time

# The hand-written SQL on a copy of the same store.
cp "base-$N.db" sql.db
sync
unix_now=$(date -u -d "$NOW" +%s)
sed "s/@NOW@/$unix_now/g" "$SRC/bench/purge_equivalent.sql" >equivalent.sql
/usr/bin/time -f '%e %M' -o sql.time sqlite3 sql.db <equivalent.sql >sql.out
read -r sql_s sql_kb <sql.time

# What is left must be the same: records (count and sum of row ids), subjects, events, identifier rows.
left() {
    sqlite3 "$1" "SELECT (SELECT count(*) || ' records (rid sum ' || total(rid) || ')' FROM records)
                      || ', ' || (SELECT count(*) || ' subjects (sid sum ' || total(sid) || ')' FROM subjects)
                      || ', ' || (SELECT count(*) || ' events' FROM events)
                      || ', ' || (SELECT count(*) || ' identifier rows' FROM identifiers)"
}
vern_left=$(left vern.db)
sql_left=$(left sql.db)
echo "vern purge ${VERN_ARGS:-}: ${vern_s} s, peak RSS $((vern_kb / 1024)) MiB, $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["deleted"], "deleted,", d["subjects_removed"], "subjects removed")' vern.json)"
echo "hand-written SQL: ${sql_s} s, peak RSS $((sql_kb / 1024)) MiB"
echo "left by vern: $vern_left"
echo "left by SQL:  $sql_left"
if [ "$vern_left" != "$sql_left" ]; then
    echo "MISMATCH: vern and the SQL left different rows" >&2
    exit 1
fi
python3 -c 'import sys; v, s = float(sys.argv[1]), float(sys.argv[2]); print(f"ratio vern/SQL: {v / s:.2f} (target <= 1.5)")' "$vern_s" "$sql_s"
