#!/usr/bin/env bash
# Benchmark: `vern purge` on a PostgreSQL store against the equivalent hand-written SQL
# (bench/pg_purge_equivalent.sql, the translation of purge_equivalent.sql) run by psql on an
# identical copy of the same store, on the same server, back to back. Reports both wall-clock
# times with and without the final VACUUM, their ratios (target <= 1.5), vern's peak RSS, and
# (own cluster only) where vern's time went on the server: the statements it sent, their number
# and their summed server-side durations (from log_min_duration_statement = 0).
#
#   bench/pg_purge.sh [N] [VERN]        # default N = 1000000, VERN = build/vern
#   RUNS=3 bench/pg_purge.sh            # three pairs, alternating which one runs first
#   VERN_ARGS="--batch-size 100000" bench/pg_purge.sh   # extra purge options
#   BENCH_DIR=/tmp/b bench/pg_purge.sh  # keep (and reuse) the generated data and cluster there
#   VERN_BENCH_PG='host=... user=...' bench/pg_purge.sh # an existing server (bench/pg_common.sh)
#   PGOPTIONS='-c max_parallel_workers_per_gather=0' bench/pg_purge.sh  # settings for both sides
#
# The base store (database vb_purge_N: `vern init` + `vern ingest` of gen_purge_store.py N; the
# ingest is timed when it is built, and its figures kept in the database's comment) is built
# once; each run copies it twice with CREATE DATABASE ... TEMPLATE (a file-level copy: the two
# start from the same pages, statistics and visibility map), runs a CHECKPOINT before each timed
# command, and checks that both leave the same records, subjects, events and identifier rows.
# Needs python3, psql, GNU time (/usr/bin/time) and a PostgreSQL 15 server (bench/pg_cluster.sh).
set -euo pipefail
N=${1:-1000000}
VERN=${2:-build/vern}
RUNS=${RUNS:-1}
SRC=$(cd "$(dirname "$0")/.." && pwd)
VERN=$(cd "$(dirname "$VERN")" && pwd)/$(basename "$VERN")
POLICY=$SRC/bench/purge_policy.toml
NOW=2026-11-26
WORK=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/vern-bench.XXXXXX")}
cd "$WORK"
. "$SRC/bench/pg_common.sh"

pg_start
pg_base_store "$N"
echo "base store: $PG_BASE, $(pg_val "$PG_BASE" 'SELECT count(*) FROM records') records, \
$(pg_val "$PG_BASE" 'SELECT count(*) FROM subjects') subjects, \
$(( $(pg_store_bytes "$PG_BASE") / 1048576 )) MiB (tables and indexes)"
echo "  $(pg_base_note)"

unix_now=$(date -u -d "$NOW" +%s)
# Server-side statement durations in the log (own cluster), values never logged.
if [ -n "$PG_LOG" ]; then
    export PGOPTIONS="${PGOPTIONS:-} -c log_min_duration_statement=0 -c log_parameter_max_length=0 \
-c log_parameter_max_length_on_error=0"
fi
log_offset() { if [ -n "$PG_LOG" ]; then stat -c %s "$PG_LOG"; else echo 0; fi; }

# What is left: the same on both, or the run fails.
fingerprint() {
    pg_val "$1" "SELECT (SELECT count(*) || ' records ' || md5(string_agg(id, ',' ORDER BY id))
                           FROM records) || ' / ' ||
                        (SELECT count(*) || ' subjects ' || md5(string_agg(ref, ',' ORDER BY ref))
                           FROM subjects) || ' / ' ||
                        (SELECT count(*) || ' events' FROM events) || ' / ' ||
                        (SELECT count(*) || ' identifier rows ' ||
                                md5(string_agg(rid || kind || value, ',' ORDER BY rid, kind, value))
                           FROM identifiers)"
}

run_vern() {
    pg_val "$VERN_DB" "CHECKPOINT" >/dev/null
    sync
    local from
    from=$(log_offset)
    echo "  vern purge: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -f '%e %M %U %S' -o vern.time "$VERN" purge --store "$(pg_store "$VERN_DB")" \
        --policy "$POLICY" --now "$NOW" --no-progress --json ${VERN_ARGS:-} >vern.json
    if [ -n "$PG_LOG" ]; then
        tail -c +$((from + 1)) "$PG_LOG" | head -c $(($(log_offset) - from)) >vern-statements.log
    fi
}

run_sql() {
    pg_val "$SQL_DB" "CHECKPOINT" >/dev/null
    sync
    echo "  hand-written SQL: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -f '%e %M' -o sql.time env PGOPTIONS="${PGOPTIONS:-} -c search_path=vern" \
        psql -X -q -v now="$unix_now" "$(pg_db "$SQL_DB")" -f "$SRC/bench/pg_purge_equivalent.sql" >sql.out
}

# Splits psql's \timing output into the deletion part and the VACUUM part (seconds).
sql_phases() {
    python3 - sql.out <<'PY'
import re, sys
phase, t = None, {"delete": 0.0, "vacuum": 0.0}
for line in open(sys.argv[1]):
    m = re.match(r"phase (\w+)", line)
    if m:
        phase = m.group(1)
        continue
    m = re.match(r"Time: ([0-9.]+) ms", line)
    if m and phase in t:
        t[phase] += float(m.group(1)) / 1000
print(f"{t['delete']:.2f} {t['vacuum']:.2f}")
PY
}

# vern's statements from the server log: count and summed server time per statement (parse,
# bind and execute together), the VACUUM part separately. Prints "<vacuum seconds>" first line.
vern_statements() {
    python3 - vern-statements.log <<'PY'
import collections, re, sys
pat = re.compile(r"duration: ([0-9.]+) ms\s+(?:(parse|bind|execute) [^:]*|statement): (.*)")
total = collections.defaultdict(float)
count = collections.Counter()
vacuum = 0.0
lines = open(sys.argv[1], errors="replace").read().splitlines()
for line in lines:
    m = pat.search(line)
    if not m:
        continue
    ms, phase, sql = float(m.group(1)), m.group(2), m.group(3).strip()
    key = re.sub(r"\s+", " ", sql)[:90]
    total[key] += ms / 1000
    if phase in (None, "execute"):
        count[key] += 1
    if sql.startswith("VACUUM"):
        vacuum += ms / 1000
print(f"{vacuum:.2f}")
server = sum(total.values())
print(f"    server time of vern's statements: {server:.1f} s in {sum(count.values())} statements"
      f" (VACUUM {vacuum:.1f} s)")
for key, secs in sorted(total.items(), key=lambda kv: -kv[1])[:8]:
    print(f"    {secs:7.2f} s  {count[key]:5d} x  {key}")
PY
}

declare -a ratios ratios_nv
for run in $(seq 1 "$RUNS"); do
    VERN_DB=vb_vern
    SQL_DB=vb_sql
    echo "run $run/$RUNS: copying the base store twice ..."
    pg_clone "$VERN_DB" "$PG_BASE"
    pg_clone "$SQL_DB" "$PG_BASE"
    if [ $((run % 2)) = 1 ]; then
        run_vern
        run_sql
    else
        run_sql
        run_vern
    fi
    read -r vern_s vern_kb vern_user vern_sys <vern.time
    read -r sql_s sql_kb <sql.time
    read -r sql_del sql_vac < <(sql_phases)
    vern_vac=
    if [ -n "$PG_LOG" ]; then
        vern_statements >vern-statements.txt
        vern_vac=$(head -1 vern-statements.txt)
    fi
    vern_left=$(fingerprint "$VERN_DB")
    sql_left=$(fingerprint "$SQL_DB")

    echo "  vern purge ${VERN_ARGS:-}: ${vern_s} s, peak RSS $((vern_kb / 1024)) MiB, $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["deleted"], "deleted,", d["subjects_removed"], "subjects removed")' vern.json)"
    echo "    vern's own CPU time: user ${vern_user} s, system ${vern_sys} s"
    if [ -n "$vern_vac" ]; then
        echo "    of which VACUUM ${vern_vac} s (server log), without it $(python3 -c 'import sys; print(f"{float(sys.argv[1]) - float(sys.argv[2]):.2f}")' "$vern_s" "$vern_vac") s"
        tail -n +2 vern-statements.txt
    fi
    echo "  hand-written SQL: ${sql_s} s (deletions ${sql_del} s, VACUUM ${sql_vac} s), psql peak RSS $((sql_kb / 1024)) MiB"
    echo "  left by vern: $vern_left"
    echo "  left by SQL:  $sql_left"
    if [ "$vern_left" != "$sql_left" ]; then
        echo "  MISMATCH: vern and the SQL left different rows" >&2
        exit 1
    fi
    ratio=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$vern_s" "$sql_s")
    ratios+=("$ratio")
    echo "  ratio vern/SQL with VACUUM: $ratio (target <= 1.5)"
    if [ -n "$vern_vac" ]; then
        ratio_nv=$(python3 -c 'import sys; print(f"{(float(sys.argv[1]) - float(sys.argv[2])) / float(sys.argv[3]):.2f}")' "$vern_s" "$vern_vac" "$sql_del")
        ratios_nv+=("$ratio_nv")
        echo "  ratio vern/SQL without VACUUM: $ratio_nv"
    fi
done
pg_drop vb_vern
pg_drop vb_sql
echo "ratios with VACUUM: ${ratios[*]}${ratios_nv:+; without: ${ratios_nv[*]}}"
