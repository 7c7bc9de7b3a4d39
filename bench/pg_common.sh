# Shared by the PostgreSQL benchmarks (sourced, not run): the server, per-database conninfo
# strings, and the cached base store of bench/gen_purge_store.py records.
#
# Expects SRC (the source tree), WORK (the benchmark directory, current directory), VERN, POLICY.
# The server: VERN_BENCH_PG (a libpq key/value conninfo of a role that may CREATE DATABASE;
# no password in it) or else a throwaway cluster in $WORK/pg started with bench/pg_cluster.sh
# and stopped again when the script exits (PG_KEEP=1 leaves it running).
# Each store is a database of its own (schema `vern`), so that a store is copied exactly, file
# by file, with CREATE DATABASE ... TEMPLATE.

pg_start() {
    if [ -n "${VERN_BENCH_PG:-}" ]; then
        PG_CONNINFO=$VERN_BENCH_PG
        PG_LOG=
    else
        PG_CONNINFO=$(bash "$SRC/bench/pg_cluster.sh" start "$WORK/pg")
        PG_LOG=$WORK/pg/log
        if [ -z "${PG_KEEP:-}" ]; then
            trap 'bash "$SRC/bench/pg_cluster.sh" stop "$WORK/pg"' EXIT
        fi
    fi
    # The conninfo without dbname: each store is a database.
    PG_BASE_CONNINFO=$(printf '%s\n' "$PG_CONNINFO" | sed -E 's/(^| )dbname=[^ ]*//g')
}

# The conninfo of database $1; the vern store string of database $1 (schema vern).
pg_db() { printf '%s dbname=%s' "$PG_BASE_CONNINFO" "$1"; }
pg_store() { printf '%s dbname=%s schema=vern' "$PG_BASE_CONNINFO" "$1"; }
# psql on database $1 (search_path = vern), further arguments passed on.
pg_sql() {
    local db=$1
    shift
    PGOPTIONS="${PGOPTIONS:-} -c search_path=vern" psql -X -q -v ON_ERROR_STOP=1 "$(pg_db "$db")" "$@"
}
pg_val() { pg_sql "$1" -tAc "$2"; }

pg_exists() { [ "$(pg_val postgres "SELECT count(*) FROM pg_database WHERE datname = '$1'")" = 1 ]; }
pg_drop() { pg_sql postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" >/dev/null; }
# A file-level copy of database $2 as $1 (dropped first if it exists).
pg_clone() {
    pg_drop "$1"
    pg_sql postgres -c "CREATE DATABASE $1 TEMPLATE $2 STRATEGY FILE_COPY" >/dev/null
}
# Tables and indexes of the store in database $1, in bytes.
pg_store_bytes() {
    pg_val "$1" "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n
                 ON n.oid = c.relnamespace WHERE n.nspname = 'vern' AND c.relkind = 'r'"
}

# The base store of N = $1 gen_purge_store.py records for the purge and access benchmarks:
# database vb_purge_N, built once (vern init, vern ingest of the generated file, then VACUUM
# (ANALYZE) as autovacuum would after a bulk load). The ingest figures are kept in the database's
# comment, which also marks it complete. Sets PG_BASE.
pg_base_store() {
    local n=$1
    PG_BASE=vb_purge_$n
    if pg_exists "$PG_BASE" &&
        pg_val postgres "SELECT shobj_description(oid, 'pg_database') FROM pg_database
                         WHERE datname = '$PG_BASE'" | grep -q '^vern bench'; then
        return
    fi
    if [ ! -f "purge-$n.jsonl" ]; then
        echo "generating $n records ..."
        python3 "$SRC/bench/gen_purge_store.py" "$n" >"purge-$n.jsonl.tmp"
        mv "purge-$n.jsonl.tmp" "purge-$n.jsonl"
    fi
    echo "ingesting $n records into PostgreSQL ($PG_BASE) ..."
    pg_drop "$PG_BASE"
    pg_sql postgres -c "CREATE DATABASE $PG_BASE" >/dev/null
    "$VERN" init --store "$(pg_store "$PG_BASE")" -q
    echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -f '%e %M' -o pg-ingest.time "$VERN" ingest --store "$(pg_store "$PG_BASE")" \
        --policy "$POLICY" -q --lock-timeout 0 "purge-$n.jsonl" >/dev/null
    local secs kb load
    read -r secs kb <pg-ingest.time
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    pg_sql "$PG_BASE" -c "VACUUM (ANALYZE)" -c "CHECKPOINT" >/dev/null
    local lines
    lines=$(wc -l <"purge-$n.jsonl")
    pg_sql postgres -c "COMMENT ON DATABASE $PG_BASE IS 'vern bench: $n records ($lines lines) ingested in $secs s, $(python3 -c "import sys; print(round(int(sys.argv[1]) / float(sys.argv[2])))" "$n" "$secs") records/s, peak RSS $((kb / 1024)) MiB, load average $load, $(date -u '+%F %H:%M') UTC'" >/dev/null
}

# The comment of the base store (its ingest figures).
pg_base_note() {
    pg_val postgres "SELECT shobj_description(oid, 'pg_database') FROM pg_database
                     WHERE datname = '$PG_BASE'"
}
