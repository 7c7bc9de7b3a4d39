// Unit tests of the store API (store.hpp, audit.hpp) on in-memory and temporary SQLite stores,
// and, with VERN_TEST_BACKEND=postgresql (ctest unit.postgresql), on PostgreSQL stores: the cases
// on fresh_store_path() run on both; those about SQLite files are SQLite-only (skipped there).

#include "test_support.hpp"

#include "vern/audit.hpp"
#include "vern/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

using namespace vern;

namespace {

Instant at(std::int64_t seconds) { return Instant{std::chrono::seconds{seconds}}; }

std::string temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vern-store-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

// A new, empty store of the backend under test (":memory:" on SQLite).
std::unique_ptr<Store> memory_store() {
    StoreOptions o;
    o.create = true;
    auto s = open_store(vern::testing::fresh_store_path(), o);
    Identifiers ids;
    ids.email = {"email"};
    ids.phone = {"phone", "mobile"};
    ids.name = {"name"};
    s->set_identifier_fields(ids);
    return s;
}

NewRecord record(std::string id, std::string subject, std::string category, std::int64_t created,
                 nlohmann::json fields = nlohmann::json::object()) {
    NewRecord r;
    r.id = std::move(id);
    r.subject = std::move(subject);
    r.category = std::move(category);
    r.created = at(created);
    r.fields = std::move(fields);
    return r;
}

} // namespace

TEST_CASE("store::normalize_identifier") {
    struct Case {
        IdentifierKind kind;
        const char* in;
        const char* out;
    };
    const Case cases[] = {
        {IdentifierKind::email, " Kari.Nordmann@Example.NO ", "kari.nordmann@example.no"},
        {IdentifierKind::phone, "+47 912 34 567", "91234567"},
        {IdentifierKind::phone, "0047 912-34-567", "91234567"},
        {IdentifierKind::phone, "912 34 567", "91234567"},
        {IdentifierKind::phone, "+46 70 123 45 67", "+46701234567"},
        {IdentifierKind::national_id, "010190 12345", "01019012345"},
        {IdentifierKind::name, "  ÆSE   Østby  ", "æse østby"},
        {IdentifierKind::name, "Ola NORDMANN", "ola nordmann"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        CHECK(normalize_identifier(c.kind, c.in) == c.out);
    }
}

TEST_CASE("store::upsert, replace, conflicts and identity lookup") {
    auto store = memory_store();
    WriteTransaction tx(*store);
    UpsertResult a = store->upsert_record(
        record("r1", "K-1", "chat", 100, {{"email", "Kari@Example.no"}, {"phone", "+47 912 34 567"}}),
        at(1000));
    CHECK(a.outcome == UpsertOutcome::inserted);
    CHECK(a.subject_created);
    UpsertResult b = store->upsert_record(record("r1", "K-1", "chat", 200, {{"email", "new@x.no"}}),
                                          at(1000));
    CHECK(b.outcome == UpsertOutcome::replaced);
    CHECK(b.rowid == a.rowid);
    UpsertResult c = store->upsert_record(record("r1", "K-2", "chat", 200), at(1000));
    CHECK(c.outcome == UpsertOutcome::subject_conflict);
    CHECK(c.existing_subject == "K-1");
    CHECK_FALSE(store->find_subject(std::string_view("K-2")));

    CHECK(store->find_subjects_by_identifier(IdentifierKind::email, "kari@example.no").empty());
    auto found = store->find_subjects_by_identifier(IdentifierKind::email, "NEW@x.no");
    REQUIRE(found.size() == 1);
    CHECK(found[0].ref == "K-1");
    store->upsert_record(record("r2", "K-1", "chat", 300, {{"mobile", "0047 91234567"}}), at(1000));
    CHECK(store->find_subjects_by_identifier(IdentifierKind::phone, "+47 912 34 567").size() == 1);

    auto stored = store->find_record("r1");
    REQUIRE(stored);
    CHECK(stored->created == at(200));
    CHECK(stored->fields() == nlohmann::json{{"email", "new@x.no"}});

    RecordUpdate u{stored->rowid, R"({"email":"[redacted]"})", {"rule-b", "rule-a"}, true};
    store->update_records(std::span(&u, 1));
    // Unlinking gives the record a fresh id and keeps the former id's key in the erased table
    // (ingest refuses the original from then on; see ingest_test.cpp).
    CHECK_FALSE(store->find_record("r1"));
    stored = store->find_record_by_rowid(u.rowid);
    REQUIRE(stored);
    CHECK(stored->id.rfind("anon-", 0) == 0);
    CHECK(stored->id.size() == 5 + 16);
    CHECK(stored->unlinked);
    CHECK(stored->subject.empty());
    CHECK(stored->applied_rules == std::vector<std::string>{"rule-a", "rule-b"});
    CHECK(store->is_erased(store->unlinked_record_key("r1")));
    CHECK_FALSE(store->is_erased(store->unlinked_record_key("r2")));
    CHECK(store->find_subjects_by_identifier(IdentifierKind::email, "new@x.no").empty());
    tx.commit();
}

TEST_CASE("store::events, consents and the batched scan") {
    auto store = memory_store();
    WriteTransaction tx(*store);
    RowId r1 = store->upsert_record(record("r1", "K-1", "chat", 100), at(0)).rowid;
    RowId r2 = store->upsert_record(record("r2", "K-2", "survey", 150), at(0)).rowid;
    store->upsert_record(record("r3", "K-2", "chat", 160), at(0));
    RowId k1 = store->find_subject(std::string_view("K-1"))->rowid;
    RowId k2 = store->find_subject(std::string_view("K-2"))->rowid;

    CHECK(store->add_event({EventScope::subject, k1, 0, "last_session", at(500)}));
    CHECK_FALSE(store->add_event({EventScope::subject, k1, 0, "last_session", at(500)}));
    CHECK(store->add_event({EventScope::subject, k1, 0, "last_session", at(9000)})); // future
    CHECK(store->add_event({EventScope::record, 0, r1, "report_sent", at(700)}));
    CHECK(store->add_event({EventScope::global, 0, 0, "ended", at(800)}));
    CHECK(store->add_event({EventScope::global, 0, 0, "ended", at(600)}));
    CHECK(store->add_consent(k2, {"survey", true, at(100)}));
    CHECK(store->add_consent(k2, {"survey", false, at(300)}));
    CHECK_FALSE(store->add_consent(k2, {"survey", false, at(300)}));
    CHECK(store->consent_active(k2, "survey", at(200)));
    CHECK_FALSE(store->consent_active(k2, "survey", at(300)));
    CHECK(store->consent_withdrawn(k2, "survey", at(400)));
    Hold h;
    h.category = "survey";
    h.reason = "court case";
    h.placed = at(0);
    store->place_hold(h);

    CHECK(store->latest_global_events(at(1000)) == std::map<std::string, Instant>{{"ended", at(800)}});
    CHECK(store->latest_global_events(at(700)) == std::map<std::string, Instant>{{"ended", at(600)}});

    RecordScan scan;
    scan.now = at(1000);
    scan.event_kinds = {"last_session", "report_sent"};
    scan.cases = true;
    scan.consent_purposes = {"survey"};
    scan.batch_size = 2;
    std::vector<ScannedRecord> seen;
    int batches = 0;
    store->scan_records(scan, [&](std::span<const ScannedRecord> batch) {
        ++batches;
        seen.insert(seen.end(), batch.begin(), batch.end());
        return true;
    });
    CHECK(batches == 2);
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].record.id == "r1");
    // The record's own events; the subject's latest event per (kind, case), future ones ignored.
    CHECK(seen[0].record_events == std::map<std::string, Instant>{{"report_sent", at(700)}});
    REQUIRE(seen[0].subject);
    CHECK(seen[0].subject->events ==
          std::vector<EventGroup>{{"last_session", "", at(500)}});
    CHECK(seen[0].subject->cases.empty());
    CHECK_FALSE(seen[0].held);
    CHECK(seen[1].record.rowid == r2);
    CHECK(seen[1].subject->events.empty());
    CHECK(seen[1].held);
    CHECK(seen[1].consents.at("survey") == false);
    CHECK(seen[2].record_events.empty());
    CHECK(seen[2].subject->events.empty());

    scan.categories = {"chat"};
    scan.subject_rowid = k2;
    seen.clear();
    store->scan_records(scan, [&](std::span<const ScannedRecord> batch) {
        seen.insert(seen.end(), batch.begin(), batch.end());
        return true;
    });
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].record.id == "r3");
    tx.commit();
}

TEST_CASE("store::deleting records and orphaned subjects") {
    auto store = memory_store();
    WriteTransaction tx(*store);
    RowId r1 = store->upsert_record(record("r1", "K-1", "chat", 100), at(0)).rowid;
    RowId r2 = store->upsert_record(record("r2", "K-2", "chat", 100), at(0)).rowid;
    RowId r3 = store->upsert_record(record("r3", "K-3", "chat", 100), at(0)).rowid;
    RowId k1 = store->find_subject(std::string_view("K-1"))->rowid;
    RowId k2 = store->find_subject(std::string_view("K-2"))->rowid;
    RowId k3 = store->find_subject(std::string_view("K-3"))->rowid;
    store->add_event({EventScope::record, 0, r1, "x", at(5)});
    Hold h;
    h.subject_rowid = k2;
    h.reason = "dispute";
    h.placed = at(0);
    store->place_hold(h);
    Request q;
    q.kind = "access";
    q.subject_rowid = k3;
    q.subject_pseudonym = store->pseudonym("K-3");
    q.received = at(0);
    q.due = at(100);
    std::int64_t qid = store->open_request(q);

    const RowId rows[] = {r1, r2, r3, 999};
    CHECK(store->delete_records(rows) == 3);
    const RowId subjects[] = {k1, k2, k3};
    auto removed = store->delete_orphan_subjects(subjects, at(10));
    REQUIRE(removed.size() == 1);
    CHECK(removed[0].ref == "K-1");
    CHECK(store->count_records() == 0);
    CHECK(store->count_subjects() == 2);

    auto req = store->find_request(qid);
    REQUIRE(req);
    req->closed = at(50);
    store->update_request(*req);
    CHECK(store->delete_orphan_subjects(subjects, at(10)).size() == 1); // K-3 now
    store->release_hold(1, at(20));
    CHECK_THROWS_WITH(store->release_hold(1, at(20)),
                      "no active hold with id 1; 'vern hold list' shows them");
    CHECK(store->delete_orphan_subjects(subjects, at(30)).size() == 1); // K-2 now
    CHECK(store->count_subjects() == 0);
    CHECK(store->find_request(qid)->subject_pseudonym == store->pseudonym("K-3"));
    tx.commit();
}

TEST_CASE("store::audit chain and pseudonyms") {
    auto store = memory_store();
    CHECK(store->pseudonym("K-1").size() == 64);
    CHECK(store->pseudonym("K-1") == store->pseudonym("K-1"));
    CHECK(store->pseudonym("K-1") != store->pseudonym("K-2"));

    AuditEntry e;
    e.at = at(1767225600);
    e.user = "ops";
    e.command = "purge";
    e.action = "delete";
    e.rule = "chat-30d";
    e.category = "chat";
    e.count = 12;
    e.policy_digest = "abc";
    CHECK(audit_canonical(1, e) == "12:vern-audit-1,1:1,10:1767225600,3:ops,5:purge,6:delete,"
                                   "8:chat-30d,4:chat,2:12,3:abc,0:,");
    {
        WriteTransaction tx(*store);
        CHECK(store->append_audit(e) == 1);
        e.subject = store->pseudonym("K-1");
        CHECK(store->append_audit(e) == 2);
        tx.commit();
    }
    std::string prev(k_audit_genesis);
    int n = 0;
    store->read_audit(0, [&](const StoredAuditEntry& s) {
        CHECK(s.prev_hash == prev);
        CHECK(s.hash == audit_hash(prev, s.seq, s.entry));
        prev = s.hash;
        ++n;
        return true;
    });
    CHECK(n == 2);
}

TEST_CASE("store::transactions roll back on error") {
    auto store = memory_store();
    try {
        WriteTransaction tx(*store);
        store->upsert_record(record("r1", "K-1", "chat", 1), at(0));
        throw std::runtime_error("boom");
    } catch (const std::runtime_error&) {
    }
    CHECK(store->count_records() == 0);
    CHECK_FALSE(store->in_transaction());
    CHECK_THROWS_WITH(store->upsert_record(record("r1", "K-1", "chat", 1), at(0)),
                      "internal error: upsert_record outside a write transaction");
}

// SQLite-only: file modes, the WAL and SQLite's own locks.
TEST_CASE("store::files: create 0600, missing, locked" *
          doctest::skip(vern::testing::on_postgresql())) {
    std::string dir = temp_dir();
    std::string path = dir + "/s.db";
    CHECK_THROWS_WITH(open_store(path),
                      ("store '" + path + "' does not exist; run 'vern init --store " + path +
                       "' first").c_str());
    StoreOptions create;
    create.create = true;
    ::umask(0);
    auto a = open_store(path, create);
    ::umask(022);
    CHECK(a->open_report().created);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(a->open_report().warnings.empty());

    a.reset();
    const std::string locked =
        "the store '" + path + "' is locked by another vern run (waited 0 s); try again later";
    StoreOptions quick;
    quick.lock_timeout = 0;
    auto b = open_store(path, quick);
    CHECK_FALSE(b->open_report().created);
    // One writing vern run at a time, for the whole run (a purge commits batch by batch).
    CHECK_THROWS_WITH(open_store(path, quick), locked.c_str());
    StoreOptions reading;
    reading.read_only = true;
    auto r = open_store(path, reading);
    {
        // Another program holding SQLite's write lock: a transaction waits, then fails. It
        // waits at least 1 s whatever --lock-timeout (a reader can hold the lock for an instant,
        // sqlite_store.hpp), and says so.
        SQLite::Database other(path, SQLite::OPEN_READWRITE);
        other.exec("BEGIN IMMEDIATE");
        const auto start = std::chrono::steady_clock::now();
        try {
            WriteTransaction second(*b);
            FAIL("second writer got the lock");
        } catch (const Error& e) {
            CHECK(e.code() == Code::locked);
            CHECK(std::string(e.what()) == "the store '" + path + "' is locked by another vern "
                                           "run (waited 1 s); try again later");
        }
        CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(900));
        other.exec("ROLLBACK");
    }
    WriteTransaction now_free(*b);
    now_free.commit();
    CHECK(b->checkpoint());
    {
        // A reader keeps the WAL alive: the checkpoint reports it instead of failing the
        // command whose change is already committed.
        WriteTransaction change(*b);
        b->ensure_subject("probe", Instant{});
        change.commit();
        ReadTransaction reading_now(*r);
        CHECK_FALSE(b->checkpoint());
    }
    CHECK(b->checkpoint());
    CHECK(std::filesystem::file_size(path + "-wal") == 0);
    b.reset();
    r.reset();

    ::chmod(path.c_str(), 0644);
    auto c = open_store(path, quick);
    REQUIRE(c->open_report().warnings.size() == 1);
    CHECK(c->open_report().warnings[0].find("mode 0644") != std::string::npos);
    c.reset();
    std::filesystem::remove_all(dir);
}

TEST_CASE("store::requests: a request without a subject keeps its selector kind") {
    auto store = memory_store();
    CHECK(store->schema_version() == k_schema_version);
    Request nobody;
    nobody.kind = "access";
    nobody.subject_pseudonym = store->pseudonym("\x1f" "selector\x1f" "email\x1f" "a@example.no");
    nobody.selector = "email";
    nobody.received = at(100);
    nobody.due = at(200);
    Request about;
    about.kind = "erasure";
    about.received = at(100);
    about.due = at(200);
    {
        WriteTransaction tx(*store);
        auto k1 = store->ensure_subject("K-1", at(0)).first;
        about.subject_rowid = k1.rowid;
        about.subject_pseudonym = store->pseudonym("K-1");
        nobody.id = store->open_request(nobody);
        about.id = store->open_request(about);
        tx.commit();
    }
    auto a = store->find_request(nobody.id);
    REQUIRE(a);
    CHECK(a->selector == "email");
    CHECK(a->subject_rowid == 0);
    CHECK(a->subject.empty());
    CHECK(a->subject_pseudonym == nobody.subject_pseudonym);
    auto b = store->find_request(about.id);
    REQUIRE(b);
    CHECK(b->selector.empty());
    CHECK(b->subject == "K-1");
    auto all = store->list_requests();
    REQUIRE(all.size() == 2);
    CHECK(all[0].selector == "email");
    CHECK(all[1].selector.empty());
    // Only the selector kinds are allowed in the column (man vern-store(5)).
    nobody.selector = "fnr";
    WriteTransaction tx(*store);
    CHECK_THROWS_AS(store->open_request(nobody), Error);
}

// SQLite-only: a store file of schema version 3 (PostgreSQL stores start at version 5).
TEST_CASE("store::migration 3 -> 6: requests.selector and the outbox added, data kept" *
          doctest::skip(vern::testing::on_postgresql())) {
    const std::string dir = temp_dir();
    const std::string path = dir + "/s.db";
    StoreOptions create;
    create.create = true;
    std::int64_t qid = 0;
    {
        auto s = open_store(path, create);
        CHECK(s->open_report().schema_version == k_schema_version);
        WriteTransaction tx(*s);
        auto subject = s->ensure_subject("K-1", at(0)).first;
        Request r;
        r.kind = "access";
        r.subject_rowid = subject.rowid;
        r.subject_pseudonym = s->pseudonym("K-1");
        r.received = at(10);
        r.due = at(20);
        qid = s->open_request(r);
        tx.commit();
    }
    {
        // What a store of schema version 3 looks like.
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        testing::drop_quiet_table(db);
        db.exec("DROP TABLE outbox; ALTER TABLE requests DROP COLUMN selector;"
                "DROP INDEX records_category;"
                "CREATE INDEX records_category_created ON records(category, created);"
                "UPDATE meta SET value = '3' WHERE key = 'schema_version';");
    }
    CHECK_THROWS_WITH(open_store(path),
                      doctest::Contains("has schema version 3 and needs version 8"));
    {
        auto s = open_store(path, create);
        CHECK(s->open_report().schema_before == 3);
        CHECK(s->open_report().schema_version == k_schema_version);
        CHECK(s->notices(NoticeQuery{}).empty());
        auto r = s->find_request(qid);
        REQUIRE(r);
        CHECK(r->subject == "K-1");
        CHECK(r->selector.empty());
        CHECK(r->subject_pseudonym == s->pseudonym("K-1"));
        CHECK(r->received == at(10));
    }
    std::filesystem::remove_all(dir);
}
