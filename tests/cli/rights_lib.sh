# Shared setup of the rights tests: a store with the fixture policy and data of tests/data/rights/.
# Subjects: K-1 Ola Nordmann (a record in every category), K-2 and K-3 both "Kari Nordmann".

RIGHTS=$SRC/tests/data/rights
export VERN_STORE=$TMP/s.db VERN_POLICY=$RIGHTS/policy.toml VERN_NOW=2026-03-10

# fresh_rights_store: a new store with tests/data/rights/data.jsonl ingested.
fresh_rights_store() {
    remove_store "$TMP/s.db"
    vern init
    expect_rc 0
    vern ingest "$RIGHTS/data.jsonl"
    expect_rc 0
}

store_hash() { store_digest "$TMP/s.db"; }

# count_records SUBJECT: records of a subject.
count_records() {
    sql "$TMP/s.db" "SELECT count(*) FROM records r JOIN subjects s ON s.sid = r.sid WHERE s.ref = '$1'"
}
record_exists() { [ "$(sql "$TMP/s.db" "SELECT count(*) FROM records WHERE id = '$1'")" = 1 ]; }
subject_exists() { [ "$(sql "$TMP/s.db" "SELECT count(*) FROM subjects WHERE ref = '$1'")" = 1 ]; }
