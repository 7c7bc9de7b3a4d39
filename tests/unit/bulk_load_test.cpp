// The first load into an empty SQLite store builds its secondary indexes after the rows
// (lib/src/store/sqlite_bulk_load.cpp): the same store as a load with the indexes in place,
// the same schema afterwards, and a failed load leaves both as they were.

#include "test_support.hpp"

#include "vern/ingest.hpp"
#include "vern/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace vern;

namespace {

std::string temp_dir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "vern-bulk-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

Policy bulk_policy() {
    Policy p;
    p.info.name = "t";
    p.info.zone = date::locate_zone("Europe/Oslo");
    p.identifiers.email = {"email"};
    p.identifiers.phone = {"phone"};
    Category chat;
    chat.id = "chat";
    Category survey;
    survey.id = "survey";
    survey.legal_basis = LegalBasis::consent;
    survey.consent_purpose = "survey";
    p.categories = {chat, survey};
    p.digest = "digest";
    return p;
}

IngestOptions at_now() {
    IngestOptions o;
    o.now = Instant{std::chrono::seconds{1773100800}}; // 2026-03-10
    return o;
}

std::unique_ptr<Store> new_store(const std::string& path) {
    StoreOptions o;
    o.create = true;
    return open_store(path, o);
}

void ingest_text(Store& store, std::string text) {
    std::vector<IngestSource> sources{text_source("in.jsonl", std::move(text))};
    ingest(store, bulk_policy(), sources, at_now());
}

// Every line of the store's schema (indexes with their SQL).
std::vector<std::string> schema_of(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT type || ' ' || name || ' ' || ifnull(sql, '') "
                            "FROM sqlite_schema ORDER BY type, name");
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
}

// The rows ingest writes, by external keys, without those of subject `except`.
std::vector<std::string> contents_of(const std::string& path, const std::string& except) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    std::vector<std::string> out;
    const char* queries[] = {
        "SELECT 'r ' || r.id || ' ' || s.ref || ' ' || r.category || ' ' || r.created || ' ' || "
        "r.fields || ' ' || ifnull(r.case_id, '-') FROM records r JOIN subjects s USING (sid) "
        "WHERE s.ref <> ?1 ORDER BY r.id",
        "SELECT 'i ' || r.id || ' ' || i.kind || ' ' || i.value FROM identifiers i "
        "JOIN records r USING (rid) JOIN subjects s USING (sid) WHERE s.ref <> ?1 "
        "ORDER BY 1",
        "SELECT 'e ' || e.scope || ' ' || ifnull(s.ref, '-') || ' ' || ifnull(r.id, '-') || ' ' "
        "|| e.kind || ' ' || e.at FROM events e LEFT JOIN subjects s ON s.sid = e.sid "
        "LEFT JOIN records r ON r.rid = e.rid WHERE ifnull(s.ref, '') <> ?1 ORDER BY 1",
        "SELECT 'c ' || s.ref || ' ' || c.purpose || ' ' || c.given || ' ' || c.at "
        "FROM consents c JOIN subjects s USING (sid) WHERE s.ref <> ?1 ORDER BY 1",
        "SELECT 's ' || ref FROM subjects WHERE ref <> ?1 ORDER BY ref",
    };
    for (const char* sql : queries) {
        SQLite::Statement q(db, sql);
        q.bind(1, except);
        while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    }
    return out;
}

// A load that exercises every path that reads through an index inside the transaction: a
// record given twice (the second replaces the first and its identifier rows), record and
// subject events, and a consent withdrawal that deletes the subject's survey records.
const std::string k_history =
    R"({"type":"record","id":"r1","subject":"K-1","category":"chat","created":"2026-01-05","fields":{"email":"A@B.no","phone":"912 34 567"}}
{"type":"record","id":"r2","subject":"K-2","category":"survey","created":"2026-01-06","fields":{"email":"k2@x.no"}}
{"type":"consent","subject":"K-2","purpose":"survey","given":"2026-01-01"}
{"type":"event","subject":"K-1","kind":"seen","at":"2026-02-01T12:00:00Z"}
{"type":"event","record":"r1","kind":"sent","at":"2026-02-01"}
{"type":"event","scope":"global","kind":"ended","at":"2026-02-02"}
{"type":"record","id":"r1","subject":"K-1","category":"chat","created":"2026-01-07","fields":{"email":"new@b.no"}}
{"type":"record","id":"r3","subject":"K-2","category":"survey","created":"2026-01-08","fields":{}}
{"type":"consent","subject":"K-2","purpose":"survey","withdrawn":"2026-02-03"}
{"type":"record","id":"r4","subject":"K-3","category":"chat","created":"2026-01-09","case":"c1","fields":{"phone":"+47 40 00 00 00"}}
)";

} // namespace

TEST_CASE("store::bulk load: a first ingest builds the same indexes and the same rows" *
          doctest::skip(vern::testing::on_postgresql())) {
    const std::string dir = temp_dir();
    const std::string bulk = dir + "/bulk.db";
    const std::string normal = dir + "/normal.db";
    const std::string fresh = dir + "/fresh.db";
    new_store(fresh).reset();
    const std::vector<std::string> schema = schema_of(fresh);
    REQUIRE(schema.size() > 10);

    {
        auto store = new_store(bulk);
        ingest_text(*store, k_history);
    }
    {
        // The same input into a store that already holds a record: indexes maintained row by row.
        auto store = new_store(normal);
        ingest_text(*store, R"({"type":"record","id":"z1","subject":"Z","category":"chat","created":"2026-01-01","fields":{"email":"z@z.no"}})"
                            "\n");
        ingest_text(*store, k_history);
    }
    CHECK(schema_of(bulk) == schema);
    CHECK(schema_of(normal) == schema);
    const std::vector<std::string> rows = contents_of(bulk, "Z");
    CHECK(rows == contents_of(normal, "Z"));
    // The withdrawal deleted both survey records; the replaced r1 has its new identifier only.
    CHECK(std::count_if(rows.begin(), rows.end(),
                        [](const std::string& r) { return r.rfind("r r2", 0) == 0; }) == 0);
    CHECK(std::find(rows.begin(), rows.end(), "i r1 email new@b.no") != rows.end());
    CHECK(std::find(rows.begin(), rows.end(), "i r1 email a@b.no") == rows.end());

    // Lookups through the rebuilt indexes answer.
    auto store = open_store(bulk);
    CHECK(store->find_subjects_by_identifier(IdentifierKind::phone, "40000000").size() == 1);
    CHECK(store->find_subjects_by_identifier(IdentifierKind::email, "NEW@b.no").size() == 1);
    std::filesystem::remove_all(dir);
}

TEST_CASE("store::bulk load: only into a store without records, and a failed load changes "
          "nothing" *
          doctest::skip(vern::testing::on_postgresql())) {
    const std::string dir = temp_dir();
    const std::string path = dir + "/s.db";
    new_store(path).reset();
    const std::vector<std::string> schema = schema_of(path);
    {
        auto store = new_store(path);
        CHECK(store->prepare_bulk_load());
        {
            // Rolled back (no commit): the dropped indexes come back with the rollback.
            WriteTransaction tx(*store);
            store->upsert_record(NewRecord{"r1", "K-1", "chat", Instant{}, {{"email", "a@b.no"}}},
                                 Instant{});
        }
        CHECK(store->count_records() == 0);
        CHECK(schema_of(path) == schema);

        // A bad line rejects the whole load; the store is as it was.
        CHECK_THROWS_AS(ingest_text(*store, k_history + "{\"type\":\"record\"}\n"), Error);
        CHECK(store->count_records() == 0);
        CHECK(schema_of(path) == schema);

        // A read through an index inside the load builds the indexes first, then answers.
        CHECK(store->prepare_bulk_load());
        {
            WriteTransaction tx(*store);
            store->upsert_record(NewRecord{"r1", "K-1", "chat", Instant{}, {{"email", "a@b.no"}}},
                                 Instant{});
            CHECK(store->find_subjects_by_identifier(IdentifierKind::email, "A@B.NO").size() == 1);
            store->upsert_record(NewRecord{"r2", "K-1", "chat", Instant{}, {{"email", "a@b.no"}}},
                                 Instant{});
            tx.commit();
        }
        CHECK(schema_of(path) == schema);
        CHECK(store->find_subjects_by_identifier(IdentifierKind::email, "a@b.no").size() == 1);

        // A store with records keeps its indexes (a nightly load is no bulk load).
        CHECK_FALSE(store->prepare_bulk_load());
    }
    // Not for an in-memory store (vern test) either.
    StoreOptions o;
    o.create = true;
    CHECK_FALSE(open_store(":memory:", o)->prepare_bulk_load());
    std::filesystem::remove_all(dir);
}
