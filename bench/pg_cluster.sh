#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the PostgreSQL benchmarks (bench/pg_purge.sh,
# bench/pg_access.sh, bench/ingest/pg_ingest.sh): a data directory and a Unix socket under DIR, no
# TCP port, trust authentication, superuser `vernbench`.
#
#   bench/pg_cluster.sh start DIR     # initdb DIR/data if needed, start; prints the conninfo
#   bench/pg_cluster.sh stop DIR      # stop (the data directory stays, for the next start)
#   bench/pg_cluster.sh conninfo DIR  # the libpq key/value conninfo of the running cluster
#
# Run as root, the server runs as the system user `vernbench` (created if missing: postgres
# refuses to run as root); otherwise as the current user. PG_BIN (default
# /usr/lib/postgresql/15/bin) and PG_PORT (default 55444) may be set. Server settings: the
# defaults, except shared_buffers = 256MB and max_wal_size = 4GB (so that a 1 000 000-record
# purge is not dominated by forced checkpoints); fsync and synchronous_commit stay on.
#
# The benchmarks accept an existing server instead: VERN_BENCH_PG = a libpq key/value conninfo
# (no password in it: use ~/.pgpass) of a role that may CREATE DATABASE.
set -euo pipefail
cmd=${1:?usage: pg_cluster.sh start|stop|conninfo DIR}
dir=${2:?usage: pg_cluster.sh start|stop|conninfo DIR}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=${PG_PORT:-55444}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if [ "$(id -u)" = 0 ]; then
    owner=vernbench
    id "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
    as_owner() { su "$owner" -s /bin/sh -c "$*"; }
else
    owner=$(id -un)
    as_owner() { sh -c "$*"; }
fi
q() { printf '%q' "$1"; }

conninfo="host=$dir port=$PG_PORT dbname=vernbench user=vernbench"

case $cmd in
start)
    chown "$owner" "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$(q "$PG_BIN/initdb") -D $(q "$dir/data") -A trust -U vernbench -E UTF8 \
            --locale=C >$(q "$dir/initdb.log") 2>&1"
    fi
    if ! as_owner "$(q "$PG_BIN/pg_ctl") -D $(q "$dir/data") status" >/dev/null 2>&1; then
        as_owner "$(q "$PG_BIN/pg_ctl") -D $(q "$dir/data") -w -l $(q "$dir/log") \
            -o \"-k $(q "$dir") -p $PG_PORT -c listen_addresses='' -c shared_buffers=256MB \
            -c max_wal_size=4GB\" start" >/dev/null
    fi
    if ! psql -X -q "host=$dir port=$PG_PORT dbname=postgres user=vernbench" -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'vernbench'" | grep -q 1; then
        psql -X -q "host=$dir port=$PG_PORT dbname=postgres user=vernbench" \
            -c "CREATE DATABASE vernbench"
    fi
    echo "$conninfo"
    ;;
stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
        as_owner "$(q "$PG_BIN/pg_ctl") -D $(q "$dir/data") -m fast -w stop" >/dev/null 2>&1 || true
    fi
    ;;
conninfo)
    echo "$conninfo"
    ;;
*)
    echo "usage: pg_cluster.sh start|stop|conninfo DIR" >&2
    exit 2
    ;;
esac
