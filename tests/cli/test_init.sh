# vern init: creates the store with mode 0600, is idempotent, never loses data; missing and
# unreadable stores give the documented exit statuses.
set -eu
. "$VERN_SOURCE_DIR/tests/cli/lib.sh"
POLICY=$SRC/tests/data/ingest/policy.toml

test_case "init creates a private store"
vern --store s.db init
expect_rc 0
if on_sqlite; then
    expect_out_equals "created store 's.db' (schema version 8, mode 0600)"
    # SQLite only: the file's mode and journal.
    [ "$(stat -c %a s.db)" = 600 ] || fail "mode is $(stat -c %a s.db), expected 600"
    [ "$(sql s.db 'PRAGMA journal_mode')" = wal ] || fail "journal mode is not WAL"
else
    expect_out_equals "created store '$(store_for s.db)' (schema version 8, PostgreSQL)"
fi
[ "$(sql s.db "SELECT value FROM meta WHERE key = 'schema_version'")" = 8 ] || fail "schema version"
[ "$(sql s.db "SELECT length(value) FROM meta WHERE key = 'secret_key'")" = 64 ] || fail "secret key"

test_case "init with a permissive umask still gives 0600"
if on_sqlite; then # SQLite only: file modes
    (umask 000 && "$VERN" --store open.db init >/dev/null)
    [ "$(stat -c %a open.db)" = 600 ] || fail "mode is $(stat -c %a open.db) under umask 000"
fi

test_case "init on an existing empty file (touch) makes it 0600 too"
if on_sqlite; then # SQLite only: file modes
    touch empty.db
    chmod 644 empty.db
    vern --store empty.db init
    expect_rc 0
    [ "$(stat -c %a empty.db)" = 600 ] || fail "mode is $(stat -c %a empty.db) after init of an empty file"
fi

test_case "init twice: ready, data kept"
vern --store s.db --policy "$POLICY" --now 2026-03-10 ingest "$SRC/tests/data/ingest/good.jsonl"
expect_rc 0
before=$(sql s.db "SELECT count(*) FROM records")
vern --store s.db init
expect_rc 0
expect_out_equals "store '$(store_for s.db)' is ready (schema version 8)"
[ "$(sql s.db "SELECT count(*) FROM records")" = "$before" ] || fail "records lost by init"

# A policy and data for the old stores below.
# What version 8 added (SQLite only: the quiet table of vern status and its triggers), SQL that
# takes it out of a new store again, to make it look older.
before_v8() {
    if on_sqlite; then
        printf 'DROP TRIGGER %s; ' quiet_record_insert quiet_record_update quiet_record_delete quiet_subject_delete quiet_subject_event_insert quiet_subject_event_delete quiet_record_event_insert quiet_record_event_delete quiet_global_event_insert quiet_global_event_delete quiet_event_update quiet_consent_insert quiet_consent_update quiet_consent_delete quiet_hold_insert quiet_hold_update quiet_hold_delete
        printf 'DROP TABLE quiet; '
    fi
}
echo '{"type":"record","id":"r-1","subject":"S-1","category":"chat","created":"2026-01-01","fields":{}}' >v1.jsonl
printf '[policy]\nname = "t"\ncontroller = "c"\ncontact = "p@example.no"\ntimezone = "Europe/Oslo"\n[[category]]\nid = "chat"\ntitle = "Chat"\npurpose = "p"\nlegal_basis = "contract"\n[[rule]]\nid = "d"\ncategory = "chat"\nafter = "created"\nkeep = "30d"\naction = "delete"\n' >v1.toml

test_case "a version 1 store: refused until init migrates it, data kept"
# SQLite only: SQLite's schema of version 1 (PostgreSQL stores start at version 5).
if on_sqlite; then
    vern --store v1.db init
    vern --store v1.db --policy v1.toml ingest v1.jsonl
    expect_rc 0
    # What a store written by vern 1 looks like (no cases, no emptied subjects, no request selectors).
    sql v1.db "$(before_v8)DROP TABLE outbox; ALTER TABLE requests DROP COLUMN selector;
               DROP INDEX records_subject_case; ALTER TABLE records DROP COLUMN case_id;
               DROP INDEX events_identity; DROP INDEX events_subject;
               ALTER TABLE events DROP COLUMN case_id;
               CREATE UNIQUE INDEX events_identity ON events(scope, ifnull(sid, 0), ifnull(rid, 0), kind, at);
               CREATE INDEX events_subject ON events(sid, kind, at);
               DROP INDEX subjects_emptied; ALTER TABLE subjects DROP COLUMN emptied;
               DROP INDEX records_category; CREATE INDEX records_category_created ON records(category, created);
               UPDATE meta SET value = '1' WHERE key = 'schema_version';"
    vern --store v1.db --policy v1.toml plan --now 2026-01-02
    expect_rc 65
    expect_err_contains "has schema version 1 and needs version 8; run 'vern init --store v1.db' to upgrade it"
    vern --store v1.db init
    expect_rc 0
    expect_out_equals "migrated store 'v1.db' from schema version 1 to 8"
    [ "$(sql v1.db "SELECT count(*) FROM records WHERE id = 'r-1'")" = 1 ] || fail "data lost in the migration"
    vern --store v1.db --policy v1.toml purge --now 2026-03-01 --json
    expect_rc 0
    expect_json 'd["deleted"], d["subjects_removed"]' "(1, 1)"
fi

test_case "a version 3 store (no request selectors): migrates to 8, its requests kept"
vern --store v3.db init
vern --store v3.db --policy v1.toml ingest v1.jsonl --now 2026-01-02
expect_rc 0
vern --store v3.db --policy v1.toml request open --kind access --subject S-1 --received 2026-01-02 --now 2026-01-03
expect_rc 0
sql v3.db "$(before_v8)DROP TABLE outbox; ALTER TABLE requests DROP COLUMN selector;
           DROP INDEX records_category; CREATE INDEX records_category_created ON records(category, created);
           UPDATE meta SET value = '3' WHERE key = 'schema_version';"
vern --store v3.db --policy v1.toml request list --now 2026-01-03
expect_rc 65
expect_err_contains "has schema version 3 and needs version 8; run 'vern init --store $(store_for v3.db)' to upgrade it"
vern --store v3.db init
expect_rc 0
expect_out_equals "migrated store '$(store_for v3.db)' from schema version 3 to 8"
[ "$(sql v3.db "SELECT kind, CASE WHEN sid IS NOT NULL THEN 1 ELSE 0 END, CASE WHEN selector IS NULL THEN 1 ELSE 0 END, received FROM requests")" = "access|1|1|$(date -d 2026-01-02T00:00:00+01:00 +%s)" ] ||
    fail "the request changed in the migration: $(sql v3.db "SELECT * FROM requests")"
vern --store v3.db --policy v1.toml request list --now 2026-01-03 --json
expect_rc 0
expect_json '[(r["subject"], r["selector"]) for r in d["requests"]]' "[('S-1', None)]"
vern --store v3.db --policy v1.toml request open --kind access --email ny@example.no --now 2026-01-03 --json
expect_rc 0
expect_json 'd["subject"], d["selector"]' "(None, 'email')"
vern --store v3.db audit verify
expect_rc 0

test_case "a version 4 store (no outbox): migrates to 8, its data kept, purge then writes notices"
vern --store v4.db init
vern --store v4.db --policy v1.toml ingest v1.jsonl --now 2026-01-02
expect_rc 0
sql v4.db "$(before_v8)DROP TABLE outbox; DROP INDEX records_category; CREATE INDEX records_category_created ON records(category, created);
           UPDATE meta SET value = '4' WHERE key = 'schema_version';"
vern --store v4.db --policy v1.toml plan --now 2026-03-01
expect_rc 65
expect_err_contains "has schema version 4 and needs version 8; run 'vern init --store $(store_for v4.db)' to upgrade it"
vern --store v4.db init
expect_rc 0
expect_out_equals "migrated store '$(store_for v4.db)' from schema version 4 to 8"
[ "$(sql v4.db "SELECT count(*) FROM records")" = 1 ] || fail "data lost in the migration to 8"
[ "$(sql v4.db "SELECT count(*) FROM outbox")" = 0 ] || fail "the new outbox is not empty"
# A policy with a pull system for the category: the purge after the migration tells it.
cat v1.toml >v4.toml
printf '[[recipient]]\nid = "chatlog"\nname = "Chat service"\nrole = "source"\ncategories = ["chat"]\ndeliver = "pull"\n' >>v4.toml
vern --store v4.db --policy v4.toml purge --now 2026-03-01 --json
expect_rc 0
expect_json 'd["deleted"], d["notified"]' "(1, {'chatlog': 1})"
[ "$(sql v4.db "SELECT system, action, category, cause, record_id FROM outbox")" = "chatlog|delete|chat|rule:d|r-1" ] ||
    fail "the notice after the migration: $(sql v4.db "SELECT * FROM outbox")"
vern --store v4.db audit verify
expect_rc 0

test_case "a version 5 store (full event indexes): migrates to 8, the event indexes partial, events still anchor"
vern --store v5.db init
printf '{"type":"record","id":"r-2","subject":"S-2","category":"chat","created":"2026-01-01","fields":{}}\n{"type":"event","subject":"S-2","kind":"closed","at":"2026-01-05"}\n' >v5.jsonl
cat v1.toml >v5.toml
printf '[[rule]]\nid = "e"\ncategory = "chat"\nafter = "event:closed"\nkeep = "1d"\naction = "delete"\n' >>v5.toml
vern --store v5.db --policy v5.toml ingest v5.jsonl --now 2026-01-06
expect_rc 0
sql v5.db "$(before_v8)DROP INDEX events_subject; DROP INDEX events_record; DROP INDEX events_global;
           CREATE INDEX events_subject ON events(sid, kind, case_id, at);
           CREATE INDEX events_record ON events(rid, kind, at);
           CREATE INDEX events_global ON events(scope, kind, at);
           DROP INDEX records_category; CREATE INDEX records_category_created ON records(category, created);
           UPDATE meta SET value = '5' WHERE key = 'schema_version';"
vern --store v5.db --policy v5.toml plan --now 2026-01-07
expect_rc 65
expect_err_contains "has schema version 5 and needs version 8"
vern --store v5.db init
expect_rc 0
expect_out_equals "migrated store '$(store_for v5.db)' from schema version 5 to 8"
if on_sqlite; then
    indexes=$(sql v5.db "SELECT name || ': ' || substr(sql, instr(sql, 'WHERE')) FROM sqlite_schema
                         WHERE name IN ('events_subject', 'events_record', 'events_global') ORDER BY name")
else
    indexes=$(sql v5.db "SELECT indexname || ': ' || substr(indexdef, strpos(indexdef, 'WHERE')) FROM pg_indexes
                         WHERE schemaname = current_schema() AND indexname IN ('events_subject', 'events_record', 'events_global')
                         ORDER BY indexname")
fi
case $indexes in
    *"events_global: WHERE"*"events_record: WHERE"*"events_subject: WHERE"*) ;;
    *) fail "the event indexes are not partial after the migration: $indexes" ;;
esac
# Version 7: the records' category index is on the category alone.
if on_sqlite; then
    category_index=$(sql v5.db "SELECT name || ' ' || sql FROM sqlite_schema WHERE name LIKE 'records_category%'")
else
    category_index=$(sql v5.db "SELECT indexname || ' ' || indexdef FROM pg_indexes
                                WHERE schemaname = current_schema() AND indexname LIKE 'records_category%'")
fi
case $category_index in
    "records_category "*"(category)") ;;
    *) fail "the category index after the migration: $category_index" ;;
esac
# The subject event of 2026-01-05 anchors the event rule: due 2026-01-06, deleted by a purge.
vern --store v5.db --policy v5.toml purge --now 2026-01-07 --json
expect_rc 0
expect_json 'd["deleted"], [r["rule"] for r in d["by_rule"]]' "(1, ['e'])"
vern --store v5.db audit verify
expect_rc 0

test_case "init --json"
vern --store s.db init --json
expect_rc 0
expect_json 'd["status"]' ready
expect_json 'd["schema_version"]' 8

test_case "a group-readable store gives a warning"
if on_sqlite; then # SQLite only: file modes
    chmod 644 s.db
    vern --store s.db init
    expect_rc 0
    expect_err_contains "vern: warning: store 's.db' is accessible by group or others (mode 0644)"
    chmod 600 s.db
fi

test_case "missing store: exit 66 naming vern init"
vern --store nowhere.db --policy "$POLICY" ingest "$SRC/tests/data/ingest/good.jsonl"
expect_store_missing nowhere.db
[ ! -e nowhere.db ] || fail "ingest created the missing store"
vern --store nowhere.db status
expect_store_missing nowhere.db

test_case "not a vern store: exit 74"
if on_sqlite; then # SQLite only: a file that is not a database
    echo "hello" > text.db
    vern --store text.db init
    expect_rc 74
    expect_err_contains "text.db"
fi

test_case "unreadable store: exit 77"
if on_sqlite && [ "$(id -u)" -ne 0 ]; then # SQLite only: file permissions
    cp s.db locked.db && chmod 000 locked.db
    vern --store locked.db --policy "$POLICY" ingest "$SRC/tests/data/ingest/good.jsonl"
    expect_rc 77
    chmod 600 locked.db
fi

test_case "store in a missing directory"
if on_sqlite; then # SQLite only: directories
    vern --store no/such/dir/s.db init
    expect_rc 66
fi

finish
