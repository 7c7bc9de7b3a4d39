# Helpers for the audit end-to-end tests (test_audit_verify.sh, test_audit_report.sh,
# test_status.sh, test_ledger.sh): a fresh store with the audit fixture (tests/data/audit/).
export VERN_POLICY=$SRC/tests/data/audit/policy.toml
export VERN_STORE=$TMP/s.db
AUDIT_DATA=$SRC/tests/data/audit/data.jsonl

# fresh_store: s.db with the fixture data ingested (at 2026-04-01).
fresh_store() {
    remove_store "$TMP/s.db"
    "$VERN" init -q >/dev/null
    "$VERN" ingest -q --now 2026-04-01 "$AUDIT_DATA" >/dev/null
}

# tamper SQL: runs SQL on the store with the append-only triggers dropped (as an attacker would;
# on PostgreSQL, as the test database's superuser, with the audit table's triggers disabled).
tamper() {
    if on_postgresql; then
        sql "$VERN_STORE" "ALTER TABLE audit DISABLE TRIGGER USER; $1;
            ALTER TABLE audit ENABLE TRIGGER USER;"
    else
        sqlite3 -batch "$VERN_STORE" "DROP TRIGGER IF EXISTS audit_no_update;
            DROP TRIGGER IF EXISTS audit_no_delete; $1"
    fi
}

records_of() { sql "$VERN_STORE" "SELECT count(*) FROM records r JOIN subjects s USING (sid) WHERE s.ref = '$1'"; }
head_hash() { sql "$VERN_STORE" "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1"; }
