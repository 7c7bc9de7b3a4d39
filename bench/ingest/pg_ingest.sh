#!/usr/bin/env bash
# Ingest benchmark, both backends back to back: the records of gen_records.py N (default
# 1 000 000, the data and policy of ingest.sh) ingested in one `vern ingest` run into a fresh
# SQLite store and into a fresh PostgreSQL store (a database of its own, schema vern), one after
# the other on the same input file. Prints records/s, peak RSS and store size of each, and the
# load average around each run.
#   bash bench/ingest/pg_ingest.sh [BUILD_DIR] [N]
#   VERN_BENCH_PG='host=... user=...' bash bench/ingest/pg_ingest.sh   # an existing server
#   BENCH_DIR=/tmp/b ...   # work there (the throwaway cluster in $BENCH_DIR/pg is kept)
# Needs python3, psql, GNU time and a PostgreSQL 15 server (bench/pg_cluster.sh, started and
# stopped here unless VERN_BENCH_PG is set).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$here/../.." && pwd)
build=${1:-$SRC/build}
n=${2:-1000000}
VERN=$build/vern
[ -x "$VERN" ] || { echo "no $VERN: build first (make build)" >&2; exit 1; }
VERN=$(cd "$(dirname "$VERN")" && pwd)/$(basename "$VERN")
POLICY=$SRC/tests/data/ingest/policy.toml
WORK=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/vern-bench.XXXXXX")}
cd "$WORK"
. "$SRC/bench/pg_common.sh"
pg_start

if [ ! -f "ingest-$n.jsonl" ]; then
    python3 "$here/gen_records.py" "$n" >"ingest-$n.jsonl.tmp"
    mv "ingest-$n.jsonl.tmp" "ingest-$n.jsonl"
fi
echo "records: $n ($(du -m "ingest-$n.jsonl" | cut -f1) MB of JSON Lines)"

report() { # backend seconds kb bytes load-before load-after
    printf '%-10s  %7.2f s  %7.0f records/s  peak RSS %4d MiB  store %4d MiB  (load average %s -> %s)\n' \
        "$1" "$2" "$(echo "$n / $2" | bc -l)" "$(($3 / 1024))" "$(($4 / 1048576))" "$5" "$6"
}

rm -f ingest.db ingest.db-wal ingest.db-shm
"$VERN" --store ingest.db init >/dev/null
pg_drop vb_ingest
pg_sql postgres -c "CREATE DATABASE vb_ingest" >/dev/null
"$VERN" --store "$(pg_store vb_ingest)" init >/dev/null
sync

l0=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/time -f '%e %M' -o sqlite-ingest.time "$VERN" --store ingest.db --policy "$POLICY" \
    --now 2026-01-01 ingest "ingest-$n.jsonl" >/dev/null
l1=$(cut -d' ' -f1-3 /proc/loadavg)
pg_val vb_ingest "CHECKPOINT" >/dev/null
sync
l2=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/time -f '%e %M' -o pg-ingest.time "$VERN" --store "$(pg_store vb_ingest)" \
    --policy "$POLICY" --now 2026-01-01 ingest "ingest-$n.jsonl" >/dev/null
l3=$(cut -d' ' -f1-3 /proc/loadavg)

read -r s_secs s_kb <sqlite-ingest.time
read -r p_secs p_kb <pg-ingest.time
report SQLite "$s_secs" "$s_kb" "$(stat -c %s ingest.db)" "$l0" "$l1"
report PostgreSQL "$p_secs" "$p_kb" "$(pg_store_bytes vb_ingest)" "$l2" "$l3"
python3 -c 'import sys; print(f"wall time PostgreSQL/SQLite: {float(sys.argv[2]) / float(sys.argv[1]):.2f}")' "$s_secs" "$p_secs"
echo "records stored: SQLite $(sqlite3 ingest.db 'SELECT count(*) FROM records'), PostgreSQL $(pg_val vb_ingest 'SELECT count(*) FROM records')"
pg_drop vb_ingest
rm -f ingest.db ingest.db-wal ingest.db-shm
