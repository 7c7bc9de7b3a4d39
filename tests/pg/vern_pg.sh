#!/usr/bin/env bash
# Stands in for vern in the end-to-end tests on PostgreSQL (tests/cli/lib.sh sets VERN to it):
# maps every store path in --store PATH, --store=PATH and VERN_STORE to its PostgreSQL store
# (tests/pg/store_map.sh), then execs the real binary ($VERN_TEST_REAL_VERN) in its place, so
# the process (and its pid) is vern's own.
set -u
: "${VERN_TEST_REAL_VERN:?}" "${VERN_TEST_PG:?}"
. "$(dirname "${BASH_SOURCE[0]}")/store_map.sh"

args=()
while [ $# -gt 0 ]; do
    case $1 in
        --)
            args+=("$@")
            break
            ;;
        --store)
            args+=("$1")
            shift
            [ $# -eq 0 ] || { args+=("$(pg_store_for "$1")"); shift; }
            continue
            ;;
        --store=*)
            args+=("--store=$(pg_store_for "${1#--store=}")")
            ;;
        *)
            args+=("$1")
            ;;
    esac
    shift
done
if [ -n "${VERN_STORE:-}" ]; then
    VERN_STORE=$(pg_store_for "$VERN_STORE")
    export VERN_STORE
fi
exec "$VERN_TEST_REAL_VERN" "${args[@]}"
