# Shared helpers for the end-to-end tests in tests/cli/test_*.sh.
# Each test script sources this file, runs the real binary ($VERN) in a temporary directory, and
# exits non-zero on the first failed expectation. Run one by hand with:
#   VERN=build/vern VERN_SOURCE_DIR=$PWD bash tests/cli/test_check.sh
#
# Backends: VERN_TEST_BACKEND=sqlite (the default) or postgresql. On PostgreSQL the scripts run
# unchanged: a store path (s.db) names a schema of the test cluster (store_for, below;
# tests/pg/store_map.sh), $VERN maps --store and VERN_STORE to it (tests/pg/vern_pg.sh), and sql
# queries that schema with psql. The cluster is found through VERN_TEST_PG, or the file
# VERN_TEST_PG_ENV written by tests/pg/cluster.sh start (tests/pg/README.md).

set -u
: "${VERN:?set VERN to the built vern binary}"
: "${VERN_SOURCE_DIR:?set VERN_SOURCE_DIR to the source tree}"
VERN=$(cd "$(dirname "$VERN")" && pwd)/$(basename "$VERN")
SRC=$VERN_SOURCE_DIR
VERN_TEST_BACKEND=${VERN_TEST_BACKEND:-sqlite}
case $VERN_TEST_BACKEND in
    sqlite) ;;
    postgresql)
        if [ -z "${VERN_TEST_PG:-}" ]; then
            if [ -z "${VERN_TEST_PG_ENV:-}" ] || [ ! -r "$VERN_TEST_PG_ENV" ]; then
                echo "FAIL: VERN_TEST_BACKEND=postgresql, but no test cluster: set VERN_TEST_PG, or" \
                    "VERN_TEST_PG_ENV to the env file of 'tests/pg/cluster.sh start DIR'" \
                    "(VERN_TEST_PG_ENV=${VERN_TEST_PG_ENV:-unset})" >&2
                exit 1
            fi
            # shellcheck disable=SC1090
            . "$VERN_TEST_PG_ENV"
        fi
        export VERN_TEST_PG
        VERN_TEST_PG_BIN=${VERN_TEST_PG_BIN:-$(dirname "$(command -v psql)")}
        # vern_pg.sh maps the stores and execs the real binary.
        export VERN_TEST_REAL_VERN=$VERN
        VERN=$SRC/tests/pg/vern_pg.sh
        ;;
    *)
        echo "FAIL: VERN_TEST_BACKEND must be sqlite or postgresql, not '$VERN_TEST_BACKEND'" >&2
        exit 1
        ;;
esac
. "$SRC/tests/pg/store_map.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vern-test.XXXXXX")
if [ "$VERN_TEST_BACKEND" = postgresql ]; then
    # The schemas this script used (every mapping is logged), dropped at the end unless
    # VERN_TEST_KEEP_SCHEMAS=1 (to look at them after a failure).
    export VERN_TEST_PG_SCHEMAS
    VERN_TEST_PG_SCHEMAS=$(mktemp "${TMPDIR:-/tmp}/vern-test-schemas.XXXXXX")
    trap 'drop_test_schemas; rm -rf "$TMP" "$VERN_TEST_PG_SCHEMAS"' EXIT
else
    trap 'rm -rf "$TMP"' EXIT
fi
cd "$TMP"
unset VERN_STORE VERN_POLICY VERN_NOW

# on_sqlite, on_postgresql: which backend the tests run against.
on_sqlite() { [ "$VERN_TEST_BACKEND" = sqlite ]; }
on_postgresql() { [ "$VERN_TEST_BACKEND" = postgresql ]; }

# store_for PATH: the store string vern gets for the store path PATH: PATH itself on SQLite,
# "$VERN_TEST_PG schema=t_<hash of the absolute PATH>" on PostgreSQL.
store_for() {
    if on_postgresql; then pg_store_for "$1"; else printf '%s' "$1"; fi
}

# pg_psql ARGS...: psql on the test database (unaligned, tuples only, stops at the first error).
pg_psql() {
    PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" \
        "$VERN_TEST_PG_BIN/psql" -X -At -q -v ON_ERROR_STOP=1 "$VERN_TEST_PG" "$@"
}

drop_test_schemas() {
    [ "${VERN_TEST_KEEP_SCHEMAS:-0}" != 1 ] || return 0
    [ -s "$VERN_TEST_PG_SCHEMAS" ] || return 0
    sort -u "$VERN_TEST_PG_SCHEMAS" | sed 's/.*/DROP SCHEMA IF EXISTS & CASCADE;/' |
        pg_psql -f - >/dev/null 2>&1 || true
}
FAILS=0
CURRENT=""

# test NAME: starts a named case (for messages).
test_case() { CURRENT=$1; }

fail() {
    echo "FAIL [$CURRENT]: $*" >&2
    FAILS=$((FAILS + 1))
}

# run CMD...: runs it, capturing stdout in $OUT, stderr in $ERR and the exit status in $RC.
run() {
    set +e
    "$@" >"$TMP/.out" 2>"$TMP/.err"
    RC=$?
    set -e
    OUT=$(cat "$TMP/.out")
    ERR=$(cat "$TMP/.err")
}

# vern ARGS...: runs the binary under test via run().
vern() { run "$VERN" "$@"; }

expect_rc() {
    [ "$RC" -eq "$1" ] || fail "expected exit $1, got $RC; stdout: $OUT; stderr: $ERR"
}
expect_out_contains() {
    grep -qF -- "$1" <<<"$OUT" || fail "stdout lacks: $1; stdout was: $OUT"
}
expect_err_contains() {
    grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks: $1; stderr was: $ERR"
}
expect_out_equals() {
    [ "$OUT" = "$1" ] || fail "stdout differs; expected:
$1
got:
$OUT"
}
expect_err_equals() {
    [ "$ERR" = "$1" ] || fail "stderr differs; expected:
$1
got:
$ERR"
}
expect_out_not_contains() {
    ! grep -qF -- "$1" <<<"$OUT" || fail "stdout should not contain: $1"
}
# json_get EXPR: evaluates a Python expression on the JSON document in $OUT (bound to `d`).
json_get() {
    python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$1" <<<"$OUT"
}
expect_json() { # EXPR EXPECTED
    local got
    got=$(json_get "$1") || { fail "stdout is not JSON or $1 failed: $OUT"; return; }
    [ "$got" = "$2" ] || fail "$1: expected $2, got $got"
}
# sql DB QUERY: runs QUERY on the store DB: the sqlite3 shell on SQLite; on PostgreSQL, psql
# with the search path set to the store's schema, then public (tests/pg/sqlite_compat.sql has
# SQLite's json_extract, ifnull and group_concat). Output: one line per row, columns joined by
# '|', NULL as empty. Keep queries portable: psql prints a boolean as t/f (write CASE WHEN x IS
# NULL THEN 1 ELSE 0 END, not x IS NULL), and the audit column user must be quoted ("user").
sql() {
    if on_postgresql; then
        local schema
        schema=$(pg_schema_for "$1")
        [ -z "${VERN_TEST_PG_SCHEMAS:-}" ] || echo "$schema" >>"$VERN_TEST_PG_SCHEMAS"
        printf 'SET search_path TO %s, public;\n%s\n' "$schema" "$2" | pg_psql -f -
    else
        sqlite3 -batch -noheader "$1" "$2"
    fi
}

# remove_store PATH: deletes the store (the file and its -wal, -shm and -journal files; the
# schema on PostgreSQL).
remove_store() {
    rm -f "$1" "$1-wal" "$1-shm" "$1-journal"
    if on_postgresql; then
        pg_psql -c "DROP SCHEMA IF EXISTS $(pg_schema_for "$1") CASCADE" >/dev/null
    fi
}

# copy_store FROM TO: TO becomes a copy of the store FROM (a backup, or a restore of one); on
# SQLite the file with its WAL, if any.
copy_store() {
    remove_store "$2"
    if on_postgresql; then
        local from to
        from=$(pg_schema_for "$1")
        to=$(pg_schema_for "$2")
        [ -z "${VERN_TEST_PG_SCHEMAS:-}" ] || echo "$to" >>"$VERN_TEST_PG_SCHEMAS"
        "$VERN_TEST_PG_BIN/pg_dump" --no-owner --no-privileges -n "$from" "$VERN_TEST_PG" |
            sed "s/\b$from\b/$to/g" | pg_psql -f - >/dev/null
    else
        cp "$1" "$2"
        [ ! -s "$1-wal" ] || cp "$1-wal" "$2-wal"
    fi
}

# dump_store PATH: the store as SQL text: sqlite3 .dump; pg_dump of the schema, without the
# sequences' positions (a rolled-back transaction advances them too) and pg_dump's random
# \restrict key, so that an unchanged store gives the same text.
dump_store() {
    if on_postgresql; then
        "$VERN_TEST_PG_BIN/pg_dump" --no-owner --no-privileges -n "$(pg_schema_for "$1")" \
            "$VERN_TEST_PG" | grep -Ev '^(SELECT pg_catalog\.setval|\\(un)?restrict )'
    else
        sqlite3 -batch "$1" .dump
    fi
}

# store_digest PATH: changes whenever the store does: the SHA-256 of the file on SQLite (byte for
# byte); on PostgreSQL of dump_store's text, its lines in any order.
store_digest() {
    if on_postgresql; then
        dump_store "$1" | LC_ALL=C sort | sha256sum | cut -d' ' -f1
    else
        sha256sum <"$1" | cut -d' ' -f1
    fi
}

# expect_store_missing PATH: the last vern run failed because the store PATH does not exist:
# exit 66, naming vern init ("store 'PATH' does not exist; ..." on SQLite; on PostgreSQL the
# store string, that its schema is missing, and vern init).
expect_store_missing() {
    expect_rc 66
    if on_postgresql; then
        local store
        store=$(store_for "$1")
        expect_err_contains "vern: error: store '$store' "
        expect_err_contains "no vern schema '$(pg_schema_for "$1")'"
        expect_err_contains "; run 'vern init --store $store' first"
    else
        expect_err_equals "vern: error: store '$1' does not exist; run 'vern init --store $1' first"
    fi
}

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$FAILS expectation(s) failed" >&2
        exit 1
    fi
    echo "ok"
}
