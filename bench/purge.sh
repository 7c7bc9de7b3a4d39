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
    echo "generating $N records ..."
    "$VERN" init --store "base-$N.db" -q
    python3 "$SRC/bench/gen_purge_store.py" "$N" |
        "$VERN" ingest --store "base-$N.db" --policy "$POLICY" -q --lock-timeout 0 - >/dev/null
    sqlite3 "base-$N.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
fi
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

vern_left=$(sqlite3 vern.db 'SELECT count(*) FROM records')
sql_left=$(sqlite3 sql.db 'SELECT count(*) FROM records')
echo "vern purge ${VERN_ARGS:-}: ${vern_s} s, peak RSS $((vern_kb / 1024)) MiB, $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["deleted"], "deleted,", d["subjects_removed"], "subjects removed")' vern.json)"
echo "hand-written SQL: ${sql_s} s, peak RSS $((sql_kb / 1024)) MiB"
echo "records left:   vern $vern_left, SQL $sql_left"
python3 -c 'import sys; v, s = float(sys.argv[1]), float(sys.argv[2]); print(f"ratio vern/SQL: {v / s:.2f} (target <= 1.5)")' "$vern_s" "$sql_s"
