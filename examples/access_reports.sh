#!/usr/bin/env bash
# The access report of one person per seed policy, as a privacy officer would send it: for each
# policy in policies/, a store with its example data (examples/data/) as of 2026-11-26, the
# person with the most categories of data, and their report as HTML in Norwegian and English.
# With chromium installed (Debian's `chromium`), also a PNG screenshot of each page, to look at.
#
#   examples/access_reports.sh [VERN] [OUTDIR]    # default build/vern, ./access-reports
#
# Reading the store to pick the person needs sqlite3(1). The reports are real disclosures in
# vern's terms: each is recorded in that temporary store's audit log.
set -euo pipefail
VERN=${1:-build/vern}
OUT=${2:-access-reports}
cd "$(dirname "$0")/.."
VERN=$(cd "$(dirname "$VERN")" && pwd)/$(basename "$VERN")
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vern-reports.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export VERN_NOW=2026-11-26

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
for dir in policies/*/; do
    name=$(basename "$dir")
    export VERN_STORE=$WORK/$name.db VERN_POLICY=$dir
    "$VERN" init -q >/dev/null
    "$VERN" ingest -q "examples/data/$name.jsonl" >/dev/null
    # The subject with records in the most categories (ties: the first ref).
    subject=$(sqlite3 -batch -noheader "$VERN_STORE" \
        "SELECT s.ref FROM subjects s JOIN records r ON r.sid = s.sid GROUP BY s.sid
         ORDER BY count(DISTINCT r.category) DESC, s.ref LIMIT 1")
    for lang in nb en; do
        page=$OUT/$name-$lang.html
        "$VERN" access -q --subject "$subject" --lang "$lang" --format html --output "$page"
        echo "$page ($subject)"
        if [ -n "$CHROMIUM" ]; then
            "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
                --window-size=1000,8000 --screenshot="${page%.html}.png" "file://$page" \
                >/dev/null 2>&1 && echo "${page%.html}.png"
        fi
    done
done
