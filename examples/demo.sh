#!/usr/bin/env bash
# The demo: validate and test the seed policies, then run a real nightly purge over an example
# store at a fixed "today" (2026-11-26): init a store in a temporary directory, ingest the example
# data with its policy, show the plan, explain one episode (a returning client, or a participant
# with two measures), purge, and show the result. Then explain a participant with two measures
# of personalpartner (cases), from a store of its own.
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

# A subject of each example dataset whose records span two episodes (examples/README.md).
case $NAME in
karrieresenter-telemark) EPISODE=KT-R-0001 ;;     # returning client, back in November 2026
karrieresenter-telemark-2019) EPISODE=KT19-R-0001 ;;
joblearn) EPISODE=JL-0003 ;;                      # tiltak-1 reported in August, tiltak-2 running
personalpartner) EPISODE=PP-0083 ;;               # left AFT (aft-1) in March, rejoined it (aft-2)
*) EPISODE= ;;
esac

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
if [ -n "$EPISODE" ]; then
    echo
    echo "-- vern plan --list, the records of $EPISODE"
    "$VERN" plan --list | grep -F "$EPISODE-" || true
    echo
    echo "-- vern explain --subject $EPISODE: what anchors each rule, and why the rest waits"
    "$VERN" explain --subject "$EPISODE"
fi
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

if [ "$NAME" != personalpartner ]; then
    echo
    echo "== cases: personalpartner's PP-0083 left AFT (case aft-1) in March 2026 and rejoined it (aft-2)"
    export VERN_STORE=$WORK/personalpartner.db
    export VERN_POLICY=policies/personalpartner
    "$VERN" init >/dev/null
    "$VERN" ingest examples/data/personalpartner.jsonl >/dev/null
    "$VERN" explain --subject PP-0083
fi
