#!/usr/bin/env bash
# Benchmark: `vern access --email E --format json` (the art. 15 report, audited) on the PostgreSQL
# store of N records (default 1 000 000, the base store of bench/pg_purge.sh) next to the same
# command on the SQLite store of bench/access.sh, same records, same e-mail, one hyperfine run
# (the SQLite command's runs, then the PostgreSQL command's). Prints both medians, their ratio
# and each one's peak RSS (GNU time, one run). Target (SPEC 8): under 20 ms.
#
#   bench/pg_access.sh [N] [VERN]        # default N = 1000000, VERN = build/vern
#   BENCH_DIR=/tmp/b bench/pg_access.sh  # reuse the stores of pg_purge.sh / purge.sh there
#   VERN_BENCH_PG='host=... user=...' bench/pg_access.sh  # an existing server
# Each access run appends an audit entry: both run on copies of the base stores.
# Needs python3, sqlite3, psql, hyperfine and GNU time.
set -euo pipefail
N=${1:-1000000}
VERN=${2:-build/vern}
WARMUP=${WARMUP:-3}
RUNS=${RUNS:-30}
SRC=$(cd "$(dirname "$0")/.." && pwd)
VERN=$(cd "$(dirname "$VERN")" && pwd)/$(basename "$VERN")
POLICY=$SRC/bench/purge_policy.toml
NOW=2026-11-26
WORK=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/vern-bench.XXXXXX")}
cd "$WORK"
. "$SRC/bench/pg_common.sh"

# The SQLite store, as bench/access.sh builds it.
if [ ! -f "base-$N.db" ]; then
    echo "generating $N records (SQLite) ..."
    "$VERN" init --store "base-$N.db" -q
    python3 "$SRC/bench/gen_purge_store.py" "$N" |
        "$VERN" ingest --store "base-$N.db" --policy "$POLICY" -q --lock-timeout 0 - >/dev/null
    sqlite3 "base-$N.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
fi
cp "base-$N.db" access.db
pg_start
pg_base_store "$N"
pg_clone vb_access "$PG_BASE"
PG_ACCESS=$(pg_store vb_access)
echo "SQLite store: $(du -h access.db | cut -f1), $(sqlite3 access.db 'SELECT count(*) FROM records') records"
echo "PostgreSQL store: $PG_BASE copied to vb_access, $(pg_val vb_access 'SELECT count(*) FROM records') records, $(( $(pg_store_bytes vb_access) / 1048576 )) MiB"

# The e-mail of bench/access.sh: a contact record in the middle of the store.
EMAIL=$(sqlite3 access.db "SELECT value FROM identifiers WHERE kind = 'email' LIMIT 1 OFFSET (SELECT count(*) / 2 FROM identifiers WHERE kind = 'email')")
SQLITE_CMD=("$VERN" access --store access.db --policy "$POLICY" --now "$NOW" --email "$EMAIL" --format json)
PG_CMD=("$VERN" access --store "$PG_ACCESS" --policy "$POLICY" --now "$NOW" --email "$EMAIL" --format json)

# The same report from both (but for the store name).
/usr/bin/time -f '%e %M' -o sqlite-access.time "${SQLITE_CMD[@]}" >report-sqlite.json
/usr/bin/time -f '%e %M' -o pg-access.time "${PG_CMD[@]}" >report-pg.json
python3 - report-sqlite.json report-pg.json <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def strip(d):
    if isinstance(d, dict):
        return {k: strip(v) for k, v in d.items() if k not in ("store", "generated", "generated_at")}
    if isinstance(d, list):
        return [strip(v) for v in d]
    return d
print(f"subject: {a['subject']['ref']} - {a['record_count']} records")
if strip(a) != strip(b):
    print("  note: the two reports differ beyond the store name:",
          sorted(k for k in set(a) | set(b) if strip(a.get(k)) != strip(b.get(k))))
PY

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-json access-both.json \
    -n sqlite "$(printf '%q ' "${SQLITE_CMD[@]}") >/dev/null" \
    -n postgresql "$(printf '%q ' "${PG_CMD[@]}") >/dev/null"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r _ sqlite_kb <sqlite-access.time
read -r _ pg_kb <pg-access.time
python3 - access-both.json "$sqlite_kb" "$pg_kb" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
s, p = r["sqlite"], r["postgresql"]
print("vern access --email (median, mean +- stddev, peak RSS; target < 20 ms):")
print(f"  SQLite:     {s['median']*1000:6.1f} ms, {s['mean']*1000:6.1f} +- {s['stddev']*1000:4.1f} ms, {int(sys.argv[2]) // 1024} MiB")
print(f"  PostgreSQL: {p['median']*1000:6.1f} ms, {p['mean']*1000:6.1f} +- {p['stddev']*1000:4.1f} ms, {int(sys.argv[3]) // 1024} MiB")
print(f"  ratio PostgreSQL/SQLite (medians): {p['median'] / s['median']:.2f}")
PY
pg_drop vb_access
