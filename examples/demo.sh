#!/usr/bin/env bash
# The demo: validate and test the seed policies, then run a real nightly purge over an example
# store at a fixed "today" (2026-11-26): init a store in a temporary directory, ingest the example
# data with its policy, show the plan, explain one episode (a returning client, or a participant
# with two measures), purge, and show the result. Then explain a participant with two measures
# of personalpartner (cases), from a store of its own.
#
# For karrieresenter-telemark the purge also reaches the copies (man 5 vern-policy, "Systems that
# hold copies"): the centre's booking system Timebok (examples/systems/timebok.toml, deliver =
# "exec": `vern deliver` runs examples/systems/timebok, which deletes the bookings from its own
# SQLite file, made from the example data at the start) and IMDi (deliver = "pull", added to a
# copy of the seed policy in the temporary directory: the seed policies stay as their statements
# say), whose own job examples/systems/imdi-job imitates.
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

SYSTEMS=
if [ "$NAME" = karrieresenter-telemark ]; then
    SYSTEMS=examples/systems
    # The seed policy plus the systems: IMDi fetches its notices itself (deliver = "pull"), and
    # Timebok, the booking system the `booking` records come from, is a second policy file.
    cp -R "policies/$NAME" "$WORK/policy"
    sed -i '/^id = "imdi"$/a deliver = "pull"\nconfirm_within = "14d"' "$WORK/policy/policy.toml"
    grep -q '^deliver = "pull"$' "$WORK/policy/policy.toml" ||
        { echo "demo.sh: no recipient 'imdi' in policies/$NAME" >&2; exit 1; }
    export VERN_POLICY=$WORK/policy:$PWD/$SYSTEMS/timebok.toml
    # The command that `vern deliver` runs finds Timebok's database through its environment.
    export TIMEBOK_DB=$WORK/timebok.db
    "$SYSTEMS/timebok" load "$TIMEBOK_DB" "examples/data/$NAME.jsonl"
fi

echo
echo "== a nightly purge: $NAME, today = $VERN_NOW"
if [ -n "$SYSTEMS" ]; then
    echo "-- with the systems that hold copies: vern check --strict $NAME + $SYSTEMS/timebok.toml"
    "$VERN" check --strict
fi
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
if [ -n "$SYSTEMS" ]; then
    echo
    echo "-- the outbox: the purge wrote a deletion notice per record for each system that holds"
    echo "   a copy, in the same transaction (vern outbox list, the first 5)"
    "$VERN" outbox list --limit 5
    echo
    echo "-- vern deliver: runs Timebok's command with its notices, 200 a batch (timebok.toml);"
    echo "   IMDi fetches its own. Bookings in Timebok before: $("$SYSTEMS/timebok" count "$TIMEBOK_DB")"
    "$VERN" deliver
    echo "   Bookings in Timebok after: $("$SYSTEMS/timebok" count "$TIMEBOK_DB")"
    echo
    echo "-- IMDi's own job: outbox list --json-lines | $SYSTEMS/imdi-job | outbox ack"
    "$VERN" outbox list --system imdi --json-lines --limit 1
    "$VERN" outbox list --system imdi --json-lines | "$SYSTEMS/imdi-job" |
        "$VERN" outbox ack --system imdi -
    echo
    echo "-- the outbox after: nothing pending; an acknowledged notice keeps no record id"
    "$VERN" outbox list
    "$VERN" outbox list --all --limit 1 --json
fi
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
echo "-- the audit log of the purge (and of the deliveries)"
sqlite3 -column -header "$VERN_STORE" "SELECT seq, command, action, rule, category, count FROM audit WHERE command IN ('purge', 'deliver', 'outbox')" 2>/dev/null ||
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
