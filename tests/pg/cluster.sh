#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (tests/pg/README.md).
#
#   cluster.sh start DIR   initdb into a new temporary directory, start the server on a free
#                          port, create the test roles and database, write DIR/env
#   cluster.sh stop DIR    stop that server (pg_ctl stop -m fast), remove it and DIR
#
# DIR/env is a shell file (also read by the unit tests) defining
#   VERN_TEST_PG      base libpq key/value conninfo over the Unix socket (trust), user vern_test
#                     (a superuser), database vern_test
#   VERN_TEST_PG_TCP  the same server over TCP (127.0.0.1, scram-sha-256), without a user
#   VERN_TEST_PG_PW_USER / VERN_TEST_PG_PW_PASSWORD  a role that logs in with that password
#   VERN_TEST_PG_BIN  the server's bin directory (psql, pg_dump, pg_ctl)
#   VERN_TEST_PG_LOG  the server's log
#
# Run as root (CI), the server runs as the unprivileged system user vern-test (created if
# missing; VERN_TEST_PG_OS_USER overrides the name); otherwise as the current user. The socket
# directory is world-accessible, so that the tests, whoever runs them, can connect.
# If the server cannot start, `start` prints its log and exits non-zero.
set -euo pipefail

PG_VERSION=${VERN_TEST_PG_VERSION:-15}
BIN=${VERN_TEST_PG_BIN:-/usr/lib/postgresql/$PG_VERSION/bin}
OS_USER=${VERN_TEST_PG_OS_USER:-vern-test}
PW_USER=vern_pw
PW_PASSWORD=vern-pw-secret

die() { echo "cluster.sh: $*" >&2; exit 1; }
usage() { die "usage: cluster.sh start DIR | stop DIR"; }

[ $# -eq 2 ] || usage
cmd=$1
DIR=$2
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
ENV_FILE=$DIR/env
STATE=$DIR/state # where the temporary directory is: written before anything is started

# as_server CMD...: runs CMD as the user the server runs as (from /, which that user can enter).
as_server() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u "$OS_USER" -- "$@")
    else
        (cd / && "$@")
    fi
}

stop_cluster() {
    [ -f "$STATE" ] || return 0
    local tmp
    tmp=$(cat "$STATE")
    if [ -n "$tmp" ] && [ -d "$tmp" ]; then
        if [ -f "$tmp/data/postmaster.pid" ]; then
            as_server "$BIN/pg_ctl" stop -D "$tmp/data" -m fast -w -t 60 >/dev/null ||
                echo "cluster.sh: pg_ctl stop failed; removing the cluster anyway" >&2
        fi
        rm -rf "$tmp"
    fi
    rm -f "$STATE" "$ENV_FILE"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_cluster() {
    [ -x "$BIN/initdb" ] || die "no PostgreSQL $PG_VERSION server in $BIN (apt-get install postgresql; make setup does it)"
    # A cluster left over by an interrupted run of this directory goes first.
    stop_cluster

    if [ "$(id -u)" -eq 0 ]; then
        if ! id "$OS_USER" >/dev/null 2>&1; then
            useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
                "$OS_USER" || die "cannot create the system user $OS_USER"
        fi
    fi

    local tmp
    # In /tmp (not $TMPDIR, which the server's user may not be able to enter), unless told.
    tmp=$(mktemp -d "${VERN_TEST_PG_TMPDIR:-/tmp}/vern-pg.XXXXXX")
    echo "$tmp" >"$STATE"
    mkdir "$tmp/sock"
    chmod 755 "$tmp" "$tmp/sock" # others reach the socket (its own mode is 0777)
    [ "$(id -u)" -ne 0 ] || chown "$OS_USER:" "$tmp" "$tmp/sock"

    as_server "$BIN/initdb" -D "$tmp/data" -U vern_test -A trust -E UTF8 --locale=C \
        --no-instructions >"$tmp/initdb.log" 2>&1 || {
        cat "$tmp/initdb.log" >&2
        die "initdb failed"
    }
    cat >"$tmp/data/pg_hba.conf" <<'HBA'
local all all                trust
host  all all 127.0.0.1/32   scram-sha-256
HBA
    # Throwaway: durability is not needed, speed is.
    cat >>"$tmp/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp/sock'
unix_socket_permissions = 0777
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
log_min_messages = warning
CONF
    # Extra settings for a run by hand, e.g. VERN_TEST_PG_CONF="log_statement = 'all'".
    [ -z "${VERN_TEST_PG_CONF:-}" ] || printf '%s\n' "$VERN_TEST_PG_CONF" >>"$tmp/data/postgresql.conf"

    local port="" attempt started=no
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        sed -i '/^port = /d' "$tmp/data/postgresql.conf"
        echo "port = $port" >>"$tmp/data/postgresql.conf"
        if as_server "$BIN/pg_ctl" start -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
            >"$tmp/pg_ctl.log" 2>&1; then
            started=yes
            break
        fi
        # A port taken between free_port and the start: try another one.
        grep -q "could not bind\|Address already in use" "$tmp/server.log" 2>/dev/null || break
        echo "cluster.sh: port $port was taken (attempt $attempt); trying another" >&2
    done
    if [ "$started" != yes ]; then
        echo "----- pg_ctl -----" >&2; cat "$tmp/pg_ctl.log" >&2 || true
        echo "----- server log -----" >&2; cat "$tmp/server.log" >&2 || true
        die "the PostgreSQL server did not start"
    fi

    local ready=no
    for _ in $(seq 1 100); do
        if "$BIN/pg_isready" -q -h "$tmp/sock" -p "$port" -d postgres; then ready=yes; break; fi
        sleep 0.1
    done
    if [ "$ready" != yes ]; then
        cat "$tmp/server.log" >&2 || true
        die "the PostgreSQL server does not accept connections (pg_isready)"
    fi

    local base="host=$tmp/sock port=$port"
    "$BIN/psql" -X -q -v ON_ERROR_STOP=1 "$base dbname=postgres user=vern_test" >/dev/null <<SQL ||
CREATE DATABASE vern_test OWNER vern_test TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
CREATE ROLE $PW_USER LOGIN PASSWORD '$PW_PASSWORD';
GRANT CONNECT, CREATE ON DATABASE vern_test TO $PW_USER;
SQL
        { cat "$tmp/server.log" >&2; die "cannot create the test database and roles"; }
    "$BIN/psql" -X -q -v ON_ERROR_STOP=1 "$base dbname=vern_test user=vern_test" \
        -f "$(dirname "$0")/sqlite_compat.sql" >/dev/null ||
        { cat "$tmp/server.log" >&2; die "cannot create the SQLite compatibility functions"; }

    cat >"$ENV_FILE.tmp" <<ENV
# Written by tests/pg/cluster.sh start; removed by cluster.sh stop.
VERN_TEST_PG='$base dbname=vern_test user=vern_test'
VERN_TEST_PG_TCP='host=127.0.0.1 port=$port dbname=vern_test'
VERN_TEST_PG_PW_USER='$PW_USER'
VERN_TEST_PG_PW_PASSWORD='$PW_PASSWORD'
VERN_TEST_PG_BIN='$BIN'
VERN_TEST_PG_DATA='$tmp/data'
VERN_TEST_PG_LOG='$tmp/server.log'
ENV
    mv "$ENV_FILE.tmp" "$ENV_FILE"
    echo "PostgreSQL $PG_VERSION test cluster on port $port (socket $tmp/sock), env in $ENV_FILE"
}

case $cmd in
    start) start_cluster ;;
    stop) stop_cluster; rmdir "$DIR" 2>/dev/null || true ;;
    *) usage ;;
esac
