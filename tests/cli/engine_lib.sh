# Helpers for the engine's end-to-end tests (test_purge.sh, test_plan.sh, test_explain.sh,
# test_hold.sh): a fresh store with the engine fixture (tests/data/engine/).
export VERN_POLICY=$SRC/tests/data/engine/policy.toml
export VERN_STORE=$TMP/s.db

# fresh_store: s.db with the fixture data ingested.
fresh_store() {
    remove_store "$TMP/s.db"
    "$VERN" init -q >/dev/null
    "$VERN" ingest -q "$SRC/tests/data/engine/data.jsonl" >/dev/null
}

# field ID NAME: a record's field as stored ("" when absent).
field() { sql "$VERN_STORE" "SELECT json_extract(fields, '\$.$2') FROM records WHERE id = '$1'"; }
exists() { [ "$(sql "$VERN_STORE" "SELECT count(*) FROM records WHERE id = '$1'")" = 1 ]; }
subject_exists() { [ "$(sql "$VERN_STORE" "SELECT count(*) FROM subjects WHERE ref = '$1'")" = 1 ]; }
expect_present() { exists "$1" || fail "record $1 should be present"; }
expect_gone() { ! exists "$1" || fail "record $1 should be deleted"; }
