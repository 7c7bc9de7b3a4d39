#!/usr/bin/env bash
# The demo: validate the seed policies with the built binary.
set -euo pipefail
VERN=${1:-build/vern}
cd "$(dirname "$0")/.."

echo "== vern check --strict: every seed policy"
for p in policies/*/; do
    "$VERN" check --strict "$p"
done
