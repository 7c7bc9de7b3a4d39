#!/usr/bin/env bash
# The demo: validate and test the seed policies, then run a real nightly purge over an example
# store at a fixed "today" (2026-11-26): init a store in a temporary directory, ingest the example
# data with its policy, show the plan, purge, and show the result.
#
#   examples/demo.sh [VERN] [POLICY-NAME]    # default build/vern, karrieresenter-telemark
set -euo pipefail
VERN=${1:-build/vern}
NAME=${2:-karrieresenter-telemark}
cd "$(dirname "$0")/.."
VERN=$(cd "$(dirname "$VERN")" && pwd)/$(basename "$VERN")

echo "== vern check --strict: every seed policy"
for p in policies/*/; do
    "$VERN" check --strict "$p"
done

echo
echo "== vern test: every seed policy's own test cases"
for p in policies/*/; do
    "$VERN" test -q "$p"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vern-demo.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export VERN_STORE=$WORK/demo.db
export VERN_POLICY=policies/$NAME
export VERN_NOW=2026-11-26

echo
echo "== a nightly purge: $NAME, today = $VERN_NOW"
"$VERN" init
"$VERN" ingest "examples/data/$NAME.jsonl"
echo
echo "-- vern plan --within 30d"
"$VERN" plan --within 30d
echo
echo "-- vern purge --max-delete 80%"
"$VERN" purge --max-delete 80%
echo
echo "-- the same plan again: nothing left to do"
"$VERN" plan
echo
echo "-- vern status"
"$VERN" status
echo
echo "-- vern audit verify: the hash chain of the audit log"
"$VERN" audit verify
echo
echo "-- what is left, per category (read with sqlite3)"
sqlite3 "$VERN_STORE" "SELECT category, count(*) FROM records GROUP BY category ORDER BY category" 2>/dev/null ||
    true
echo
echo "-- the audit log of the purge"
sqlite3 -column -header "$VERN_STORE" "SELECT seq, command, action, rule, category, count FROM audit WHERE command = 'purge'" 2>/dev/null ||
    true
