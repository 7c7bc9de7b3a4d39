# A reader of the store (a monitoring script's sqlite3) opening and closing it while the nightly
# purge opens the store must not make the purge fail with 75 "locked": only another vern writer
# may (SPEC 5). Found by the fault suite (tests/fault/README.md); it failed about 1 run in 15.
# (On PostgreSQL the readers are psql sessions on the store's schema.)
# A second race, found by CI (1 run in about 300): a reader whose read races the commit of a batch
# briefly takes SQLite's write lock to re-read the WAL index header; the next batch's BEGIN
# IMMEDIATE then found the lock taken and, with --lock-timeout 0, gave up at once. READERS_RUNS=400
# repeats the loop for a stress run.
set -eu
. "$VERN_SOURCE_DIR/tests/cli/lib.sh"
P=$SRC/tests/data/engine/policy.toml
python3 - >data.jsonl <<'PY'
import json
for i in range(3000):
    print(json.dumps({"type": "record", "id": f"r{i}", "subject": f"S{i % 300}", "category": "chat",
                      "created": "2026-01-01T10:00:00Z", "fields": {"text": "x" * 40}}))
PY
"$VERN" --store base.db init >/dev/null
"$VERN" --store base.db --policy "$P" ingest -q data.jsonl
test_case "purge with readers opening and closing the store"
for i in $(seq 1 ${READERS_RUNS:-25}); do
    copy_store base.db t.db
    rm -f stop
    for k in 1 2; do
        ( while [ ! -e stop ]; do sql t.db "SELECT count(*) FROM audit" >/dev/null 2>&1 || true; done ) &
    done
    sleep 0.05
    vern --store t.db --policy "$P" purge --now 2027-06-01 --batch-size 200 -q
    touch stop
    wait
    [ "$RC" -eq 0 ] || { fail "run $i: purge exited $RC with a reader: $ERR"; break; }
done
finish
