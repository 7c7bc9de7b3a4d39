# vern store copy SOURCE DESTINATION: a whole store, audit log included, into a new empty store.
# On the SQLite run: file to file. On the PostgreSQL run: an SQLite file to PostgreSQL and back,
# the way an organisation moves up (and down).
source "$(dirname "$0")/lib.sh"
set -e

export VERN_POLICY=$SRC/tests/data/engine/policy.toml
NOW=2026-04-20T12:00:00+02:00

# The source is always an SQLite file (VERN_TEST_BACKEND maps only --store and VERN_STORE).
REAL=${VERN_TEST_REAL_VERN:-$VERN}
# queries of the SQLite source, whatever the backend under test
src_sql() { sqlite3 -batch -noheader "$TMP/src.db" "$1"; }
run "$REAL" init --store "$TMP/src.db"
expect_rc 0
run "$REAL" ingest --store "$TMP/src.db" --now "$NOW" "$SRC/tests/data/engine/data.jsonl"
expect_rc 0
run "$REAL" purge --store "$TMP/src.db" --now "$NOW"
expect_rc 0
# one subject erased, another one to ask about (both still there after the purge)
ERASED=$(src_sql "SELECT ref FROM subjects ORDER BY ref LIMIT 1")
ASKED=$(src_sql "SELECT ref FROM subjects ORDER BY ref DESC LIMIT 1")
[ -n "$ERASED" ] && [ "$ERASED" != "$ASKED" ] || fail "the fixture leaves too few subjects"
run "$REAL" erase --store "$TMP/src.db" --now "$NOW" --subject "$ERASED" --reason "test"
expect_rc 0
run "$REAL" access --store "$TMP/src.db" --now "$NOW" --subject "$ASKED" --json
SRC_ACCESS_RECORDS=$(python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(json.dumps(d["categories"], sort_keys=True))' <<<"$OUT")
run "$REAL" audit verify --store "$TMP/src.db"
expect_rc 0
SRC_HEAD=$(tail -n1 <<<"$OUT")
run "$REAL" status --store "$TMP/src.db" --now "$NOW" --json
SRC_STATUS=$(python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d.pop("store"); print(json.dumps(d, sort_keys=True))' <<<"$OUT")

DEST=$(store_for "$TMP/dest.db")

test_case "copy into a new store: every table, the same audit head"
run "$REAL" store copy "$TMP/src.db" "$DEST" --json
expect_rc 0
expect_json 'd["source_backend"]' sqlite
if on_postgresql; then expect_json 'd["destination_backend"]' postgresql; fi
expect_json 'd["tables"]["records"]' "$(src_sql "SELECT count(*) FROM records")"
expect_json 'd["tables"]["audit"]' "$(src_sql "SELECT count(*) FROM audit")"
expect_json 'd["tables"]["erased"]' "$(src_sql "SELECT count(*) FROM erased")"
run "$REAL" audit verify --store "$DEST"
expect_rc 0
[ "$(tail -n1 <<<"$OUT")" = "$SRC_HEAD" ] || fail "audit verify: $OUT, the source said $SRC_HEAD"

test_case "the copy answers like the source: status, access, an erased subject stays out"
run "$REAL" status --store "$DEST" --now "$NOW" --json
expect_rc 0
got=$(python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d.pop("store"); print(json.dumps(d, sort_keys=True))' <<<"$OUT")
[ "$got" = "$SRC_STATUS" ] || fail "status differs: $got vs $SRC_STATUS"
run "$REAL" access --store "$DEST" --now "$NOW" --subject "$ASKED" --json
expect_rc 0
got=$(python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(json.dumps(d["categories"], sort_keys=True))' <<<"$OUT")
[ "$got" = "$SRC_ACCESS_RECORDS" ] || fail "access report differs"
# $ERASED was erased in the source: its pseudonym came along, so ingest refuses it in the copy.
echo '{"type":"record","id":"chat-9","subject":"'"$ERASED"'","category":"chat","created":"2026-04-01T10:00:00+02:00","fields":{"text":"x"}}' >again.jsonl
run "$REAL" ingest --store "$DEST" --now "$NOW" again.jsonl
expect_rc 65
expect_err_contains "erased"

test_case "a destination that is not empty is refused (65) and left as it was"
audits=$(sql "$TMP/dest.db" "SELECT count(*) FROM audit")
run "$REAL" store copy "$TMP/src.db" "$DEST"
expect_rc 65
expect_err_contains "is not empty"
[ "$(sql "$TMP/dest.db" "SELECT count(*) FROM audit")" = "$audits" ] || fail "the refused copy changed the destination"

test_case "and back: the copy of the copy verifies to the same head"
run "$REAL" store copy "$DEST" "$TMP/back.db"
expect_rc 0
expect_out_contains "audit head"
run "$REAL" audit verify --store "$TMP/back.db"
expect_rc 0
[ "$(tail -n1 <<<"$OUT")" != "" ] || fail "no head"
# the access audit entries of the checks above went into the copy, not into back.db's source
run "$REAL" audit verify --store "$DEST"
[ "$(tail -n1 <<<"$OUT")" = "$(run "$REAL" audit verify --store "$TMP/back.db"; tail -n1 <<<"$OUT")" ] ||
    fail "back.db does not verify to the copy's head"

test_case "a missing source is exit 66; the same store twice is a usage error"
run "$REAL" store copy "$TMP/nope.db" "$TMP/x.db"
expect_rc 66
run "$REAL" store copy "$TMP/src.db" "$TMP/src.db"
expect_rc 2

finish
