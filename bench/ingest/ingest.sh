#!/usr/bin/env bash
# Ingest benchmark: generates N records (default 1 000 000) with gen_records.py, ingests them into
# a fresh store and prints records/s and peak memory (from /usr/bin/time -v).
#   bash bench/ingest/ingest.sh [BUILD_DIR] [N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build}
n=${2:-1000000}
vern=$build/vern
[ -x "$vern" ] || { echo "no $vern: build first (make build)" >&2; exit 1; }
if [ ! -x /usr/bin/time ]; then
    apt-get install -y time >/dev/null 2>&1 || sudo apt-get install -y time >/dev/null
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/vern-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$here/gen_records.py" "$n" > "$work/records.jsonl"
"$vern" --store "$work/s.db" init >/dev/null
start=$(date +%s.%N)
/usr/bin/time -v "$vern" --store "$work/s.db" --policy "$src/tests/data/ingest/policy.toml" \
    --now 2026-01-01 ingest "$work/records.jsonl" >"$work/out" 2>"$work/time"
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc -l)
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
size=$(du -m "$work/records.jsonl" | cut -f1)
printf 'records:        %d (%d MB of JSON Lines)\n' "$n" "$size"
printf 'wall time:      %.2f s\n' "$secs"
printf 'records/s:      %.0f\n' "$(echo "$n / $secs" | bc -l)"
printf 'peak RSS:       %d MB\n' "$((rss / 1024))"
printf 'store size:     %d MB\n' "$(du -m "$work/s.db" | cut -f1)"
