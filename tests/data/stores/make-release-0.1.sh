#!/usr/bin/env bash
# Writes release-0.1.db, a store made by vern 0.1 (commit 9f266eb, schema version 2), for the
# migration test in tests/cli/test_lifecycle.sh. Run with that release's binary:
#   git worktree add /tmp/vern-0.1 9f266eb && (cd /tmp/vern-0.1 && make build)
#   bash tests/data/stores/make-release-0.1.sh /tmp/vern-0.1/build/vern
set -euo pipefail
old=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export VERN_STORE=release-0.1.db VERN_POLICY=$here/release-0.1-policy.toml VERN_NOW=2026-08-02
"$old" init
cat >data.jsonl <<'JSONL'
{"type":"record","id":"n-old","subject":"K-1","category":"notes","created":"2026-01-10T10:00:00+01:00","fields":{"text":"first course"}}
{"type":"event","subject":"K-1","kind":"last_session","at":"2026-02-09T14:00:00+01:00"}
{"type":"record","id":"n-new","subject":"K-1","category":"notes","created":"2026-08-01T10:00:00+02:00","fields":{"text":"second course"}}
{"type":"record","id":"s-1","subject":"K-2","category":"survey","created":"2026-03-01","fields":{"email":"k2@example.no"}}
{"type":"consent","subject":"K-2","purpose":"survey","given":"2026-03-01"}
{"type":"record","id":"n-3","subject":"K-3","category":"notes","created":"2026-03-01","fields":{"text":"to be erased"}}
JSONL
"$old" ingest data.jsonl
"$old" hold place --subject K-2 --reason "fixture hold"
"$old" request open --kind access --subject K-2 --received 2026-07-20
"$old" erase --subject K-3
sqlite3 release-0.1.db 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
cp release-0.1.db "$here/release-0.1.db"
"$old" audit verify
