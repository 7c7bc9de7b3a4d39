// The SQLite schema of the store and its forward migrations.
//
// NOTE: this is the persistent format documented in man vern-store(5); other programs may write
// to it. Never rename, drop or change the meaning of a table or column. A change is a new
// migration function migrate_N_to_N+1 appended to k_migrations, and k_schema_version + 1.

#include "sqlite_store.hpp"

#include <sodium.h>

#include <iterator>

#include <fmt/core.h>

namespace vern::store {
namespace {

// Schema version 1. Times are integer Unix seconds (UTC).
constexpr const char* k_schema_v1 = R"sql(
CREATE TABLE meta(
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE subjects(
    sid     INTEGER PRIMARY KEY,
    ref     TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL
);

CREATE TABLE records(
    rid      INTEGER PRIMARY KEY,
    id       TEXT NOT NULL UNIQUE,
    sid      INTEGER REFERENCES subjects(sid),
    category TEXT NOT NULL,
    created  INTEGER NOT NULL,
    fields   TEXT NOT NULL DEFAULT '{}',
    applied  TEXT NOT NULL DEFAULT '[]',
    unlinked INTEGER NOT NULL DEFAULT 0 CHECK (unlinked IN (0, 1)),
    ingested INTEGER NOT NULL,
    CHECK ((sid IS NULL) = (unlinked = 1))
);
CREATE INDEX records_category_created ON records(category, created);
CREATE INDEX records_subject ON records(sid);

CREATE TABLE events(
    eid   INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('subject', 'record', 'global')),
    sid   INTEGER REFERENCES subjects(sid) ON DELETE CASCADE,
    rid   INTEGER REFERENCES records(rid) ON DELETE CASCADE,
    kind  TEXT NOT NULL,
    at    INTEGER NOT NULL,
    CHECK ((scope = 'subject' AND sid IS NOT NULL AND rid IS NULL)
        OR (scope = 'record' AND rid IS NOT NULL AND sid IS NULL)
        OR (scope = 'global' AND sid IS NULL AND rid IS NULL))
);
CREATE UNIQUE INDEX events_identity ON events(scope, ifnull(sid, 0), ifnull(rid, 0), kind, at);
CREATE INDEX events_subject ON events(sid, kind, at);
CREATE INDEX events_record ON events(rid, kind, at);
CREATE INDEX events_global ON events(scope, kind, at);

CREATE TABLE consents(
    cid     INTEGER PRIMARY KEY,
    sid     INTEGER NOT NULL REFERENCES subjects(sid) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    given   INTEGER NOT NULL CHECK (given IN (0, 1)),
    at      INTEGER NOT NULL,
    UNIQUE (sid, purpose, at, given)
);

CREATE TABLE holds(
    hid      INTEGER PRIMARY KEY,
    sid      INTEGER REFERENCES subjects(sid) ON DELETE CASCADE,
    category TEXT,
    reason   TEXT NOT NULL,
    placed   INTEGER NOT NULL,
    released INTEGER,
    CHECK ((sid IS NULL) <> (category IS NULL))
);
CREATE INDEX holds_subject ON holds(sid);

CREATE TABLE requests(
    qid              INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    sid              INTEGER REFERENCES subjects(sid) ON DELETE SET NULL,
    pseudonym        TEXT NOT NULL,
    received         INTEGER NOT NULL,
    due              INTEGER NOT NULL,
    extended_due     INTEGER,
    extension_reason TEXT NOT NULL DEFAULT '',
    closed           INTEGER
);
CREATE INDEX requests_subject ON requests(sid);

CREATE TABLE erased(
    pseudonym TEXT PRIMARY KEY,
    at        INTEGER NOT NULL
) WITHOUT ROWID;

-- Derived from records.fields by vern (no foreign key, for ingest speed): whoever deletes or
-- changes a record deletes or rebuilds its rows here.
CREATE TABLE identifiers(
    rid   INTEGER NOT NULL,
    kind  TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX identifiers_value ON identifiers(kind, value);
CREATE INDEX identifiers_record ON identifiers(rid);

CREATE TABLE audit(
    seq           INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    user          TEXT NOT NULL,
    command       TEXT NOT NULL,
    action        TEXT NOT NULL,
    rule          TEXT NOT NULL DEFAULT '',
    category      TEXT NOT NULL DEFAULT '',
    count         INTEGER NOT NULL DEFAULT 0,
    policy_digest TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL DEFAULT '',
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// A migration from version N to N+1 runs inside the caller's transaction.
using Migration = void (*)(SQLite::Database& db);

// Version 2: subjects.emptied, the time a purge deleted a subject's last record but an open
// request or an active hold kept the subject; the next purge after that ends removes it.
void migrate_1_to_2(SQLite::Database& db) {
    db.exec("ALTER TABLE subjects ADD COLUMN emptied INTEGER;"
            "CREATE INDEX subjects_emptied ON subjects(emptied) WHERE emptied IS NOT NULL;");
}

// Version 3: cases (SPEC 3.5). records.case_id and events.case_id (subject events only) name
// the episode a record or subject event belongs to; NULL: the subject as a whole. An event's
// identity now includes its case, and the subject-event index serves the per-(kind, case)
// latest-event query of scan_records.
void migrate_2_to_3(SQLite::Database& db) {
    db.exec("ALTER TABLE records ADD COLUMN case_id TEXT;"
            "ALTER TABLE events ADD COLUMN case_id TEXT "
            "CHECK (case_id IS NULL OR scope = 'subject');"
            "DROP INDEX events_identity;"
            "CREATE UNIQUE INDEX events_identity ON events(scope, ifnull(sid, 0), ifnull(rid, 0), "
            "kind, at, ifnull(case_id, ''));"
            "DROP INDEX events_subject;"
            "CREATE INDEX events_subject ON events(sid, kind, case_id, at);"
            "CREATE INDEX records_subject_case ON records(sid, case_id, created) "
            "WHERE case_id IS NOT NULL;");
}

// Version 4: requests.selector, the selector kind of a request registered for a person the store
// did not hold ("We hold no data about you" is an answer too); such a request has no sid from the
// start and its pseudonym is the selector's (selector.hpp, selector_pseudonym). NULL: a request
// about a subject.
void migrate_3_to_4(SQLite::Database& db) {
    db.exec("ALTER TABLE requests ADD COLUMN selector TEXT CHECK (selector IS NULL OR selector "
            "IN ('subject', 'email', 'phone', 'national_id', 'name'));");
}

// Version 5: the outbox, deletion notices for the systems that hold copies of records (source
// systems and recipients with `deliver`, man vern-policy(5)). A notice is written in the same
// transaction as the deletion or anonymisation it reports and kept after it is acknowledged,
// without identifiers (record_id and subject_ref are cleared), as the proof that it was told.
// `notice` is the id the system sees: a keyed hash of what it says, so the same deletion made
// again after a restore from backup has the same id and the system can ignore the repeat.
void migrate_4_to_5(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE outbox(
    seq          INTEGER PRIMARY KEY,
    notice       TEXT NOT NULL UNIQUE,
    system       TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('delete', 'anonymize')),
    category     TEXT NOT NULL,
    cause        TEXT NOT NULL,
    record_id    TEXT,
    subject_ref  TEXT,
    pseudonym    TEXT,
    detail       TEXT NOT NULL DEFAULT '{}',
    created      INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_attempt INTEGER,
    last_error   TEXT,
    acked        INTEGER,
    CHECK (acked IS NULL OR (record_id IS NULL AND subject_ref IS NULL))
);
CREATE INDEX outbox_pending ON outbox(system, seq) WHERE acked IS NULL;
CREATE INDEX outbox_pseudonym ON outbox(pseudonym) WHERE pseudonym IS NOT NULL;
)sql");
}

// Version 6: the three event indexes become partial, each over the events it serves (subject
// events by subject, record events by record, global events by kind). A full index also held an
// entry for every event of the other scopes (NULL sid or rid, sorted by kind and time: scattered
// over the index), so deleting a record's events or a subject's touched random pages of indexes
// that never answer for them; a purge at 1 000 000 records ran about 20 % faster without them.
void migrate_5_to_6(SQLite::Database& db) {
    db.exec("DROP INDEX events_subject;"
            "CREATE INDEX events_subject ON events(sid, kind, case_id, at) WHERE sid IS NOT NULL;"
            "DROP INDEX events_record;"
            "CREATE INDEX events_record ON events(rid, kind, at) WHERE rid IS NOT NULL;"
            "DROP INDEX events_global;"
            "CREATE INDEX events_global ON events(scope, kind, at) WHERE scope = 'global';");
}

// Version 7: the records' category index is on the category alone. Its entries then follow the
// rowid within each category, so a purge batch (a run of rowids) deletes from a few runs of
// adjacent leaf pages; an index on (category, created) put each deleted record on a random leaf
// (creation times are not in rowid order), and every batch rewrote thousands of them. No query
// reads the creation time through it: the per-category count is served by either.
void migrate_6_to_7(SQLite::Database& db) {
    db.exec("DROP INDEX IF EXISTS records_category_created;"
            "CREATE INDEX IF NOT EXISTS records_category ON records(category);");
}

// Version 8: the quiet table (store_types.hpp QuietTable), which lets vern status pass over the
// subjects that have nothing due for a while, and the triggers that keep it true: any insert,
// update or delete of what an evaluation reads (a subject's records, its subject and record
// events, its consents, its holds, the subject itself) deletes the subject's row; a global event
// or a category hold empties the table. Triggers rather than code, so that every writer, other
// programs too, keeps it right. The table holds no personal data (rowids and times).
void migrate_7_to_8(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE quiet(
    sid   INTEGER PRIMARY KEY,
    since INTEGER NOT NULL,
    until INTEGER NOT NULL
);
CREATE TRIGGER quiet_record_insert AFTER INSERT ON records WHEN NEW.sid IS NOT NULL
BEGIN DELETE FROM quiet WHERE sid = NEW.sid; END;
CREATE TRIGGER quiet_record_update AFTER UPDATE ON records
BEGIN DELETE FROM quiet WHERE sid = OLD.sid; DELETE FROM quiet WHERE sid = NEW.sid; END;
CREATE TRIGGER quiet_record_delete AFTER DELETE ON records WHEN OLD.sid IS NOT NULL
BEGIN DELETE FROM quiet WHERE sid = OLD.sid; END;
CREATE TRIGGER quiet_subject_delete AFTER DELETE ON subjects
BEGIN DELETE FROM quiet WHERE sid = OLD.sid; END;
CREATE TRIGGER quiet_subject_event_insert AFTER INSERT ON events WHEN NEW.sid IS NOT NULL
BEGIN DELETE FROM quiet WHERE sid = NEW.sid; END;
CREATE TRIGGER quiet_subject_event_delete AFTER DELETE ON events WHEN OLD.sid IS NOT NULL
BEGIN DELETE FROM quiet WHERE sid = OLD.sid; END;
CREATE TRIGGER quiet_record_event_insert AFTER INSERT ON events WHEN NEW.rid IS NOT NULL
BEGIN DELETE FROM quiet WHERE sid = (SELECT sid FROM records WHERE rid = NEW.rid); END;
CREATE TRIGGER quiet_record_event_delete AFTER DELETE ON events WHEN OLD.rid IS NOT NULL
BEGIN DELETE FROM quiet WHERE sid = (SELECT sid FROM records WHERE rid = OLD.rid); END;
CREATE TRIGGER quiet_global_event_insert AFTER INSERT ON events WHEN NEW.scope = 'global'
BEGIN DELETE FROM quiet; END;
CREATE TRIGGER quiet_global_event_delete AFTER DELETE ON events WHEN OLD.scope = 'global'
BEGIN DELETE FROM quiet; END;
CREATE TRIGGER quiet_event_update AFTER UPDATE ON events
BEGIN DELETE FROM quiet; END;
CREATE TRIGGER quiet_consent_insert AFTER INSERT ON consents
BEGIN DELETE FROM quiet WHERE sid = NEW.sid; END;
CREATE TRIGGER quiet_consent_update AFTER UPDATE ON consents
BEGIN DELETE FROM quiet WHERE sid = OLD.sid; DELETE FROM quiet WHERE sid = NEW.sid; END;
CREATE TRIGGER quiet_consent_delete AFTER DELETE ON consents
BEGIN DELETE FROM quiet WHERE sid = OLD.sid; END;
CREATE TRIGGER quiet_hold_insert AFTER INSERT ON holds
BEGIN DELETE FROM quiet WHERE sid = NEW.sid OR NEW.sid IS NULL; END;
CREATE TRIGGER quiet_hold_update AFTER UPDATE ON holds
BEGIN DELETE FROM quiet WHERE sid = NEW.sid OR NEW.sid IS NULL OR sid = OLD.sid; END;
CREATE TRIGGER quiet_hold_delete AFTER DELETE ON holds
BEGIN DELETE FROM quiet WHERE sid = OLD.sid OR OLD.sid IS NULL; END;
)sql");
}

// k_migrations[i] migrates from version i+1 to i+2.
constexpr Migration k_migrations[] = {migrate_1_to_2, migrate_2_to_3, migrate_3_to_4,
                                      migrate_4_to_5, migrate_5_to_6, migrate_6_to_7,
                                      migrate_7_to_8};
static_assert(std::size(k_migrations) == k_schema_version - 1,
              "an SQLite migration for every schema version");

void set_meta(SQLite::Database& db, const char* key, const std::string& value) {
    SQLite::Statement s(db, "INSERT INTO meta(key, value) VALUES (?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    s.bind(1, key);
    s.bind(2, value);
    s.exec();
}

} // namespace

int read_schema_version(SQLite::Database& db, const std::string& path) {
    SQLite::Statement tables(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
    tables.executeStep();
    if (tables.getColumn(0).getInt64() == 0) return 0;
    if (!db.tableExists("meta")) {
        throw Error(Code::io, fmt::format("'{}' is an SQLite database but not a vern store "
                                          "(it has no meta table)", path));
    }
    SQLite::Statement s(db, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!s.executeStep()) {
        throw Error(Code::io, fmt::format("store '{}' has no schema version in its meta table", path));
    }
    std::string v = s.getColumn(0).getString();
    try {
        return std::stoi(v);
    } catch (const std::exception&) {
        throw Error(Code::io, fmt::format("store '{}' has an invalid schema version \"{}\"", path, v));
    }
}

void create_schema(SQLite::Database& db, Instant now) {
    db.exec(k_schema_v1);
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    char hex[2 * sizeof key + 1];
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    sodium_memzero(key, sizeof key);
    set_meta(db, "schema_version", "1");
    set_meta(db, "secret_key", hex);
    set_meta(db, "created", std::to_string(to_db(now)));
    sodium_memzero(hex, sizeof hex);
    migrate(db, 1);
}

void migrate(SQLite::Database& db, int from_version) {
    for (int v = from_version; v < k_schema_version; ++v) {
        k_migrations[v - 1](db);
        set_meta(db, "schema_version", std::to_string(v + 1));
    }
}

} // namespace vern::store
