# Shared helpers for the end-to-end tests in tests/cli/test_*.sh.
# Each test script sources this file, runs the real binary ($VERN) in a temporary directory, and
# exits non-zero on the first failed expectation. Run one by hand with:
#   VERN=build/vern VERN_SOURCE_DIR=$PWD bash tests/cli/test_check.sh

set -u
: "${VERN:?set VERN to the built vern binary}"
: "${VERN_SOURCE_DIR:?set VERN_SOURCE_DIR to the source tree}"
VERN=$(cd "$(dirname "$VERN")" && pwd)/$(basename "$VERN")
SRC=$VERN_SOURCE_DIR
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vern-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
unset VERN_STORE VERN_POLICY VERN_NOW
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
# sql DB QUERY: runs a query with the sqlite3 shell.
sql() { sqlite3 -batch -noheader "$1" "$2"; }

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$FAILS expectation(s) failed" >&2
        exit 1
    fi
    echo "ok"
}
