// Unit tests of copy_store (store_copy.hpp): a whole store, audit log included, into an empty
// one; between SQLite files, and through PostgreSQL when VERN_TEST_PG names a test database.

#include "vern/audit.hpp"
#include "vern/store.hpp"
#include "vern/store_copy.hpp"

#include <doctest/doctest.h>

#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <unistd.h>

using namespace vern;

namespace {

Instant at(std::int64_t seconds) { return Instant{std::chrono::seconds{seconds}}; }

std::string temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vern-copy-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

std::unique_ptr<Store> created(const std::string& path) {
    StoreOptions o;
    o.create = true;
    o.lock_timeout = 0;
    return open_store(path, o);
}

// A store string for a fresh schema in the PostgreSQL test database, or "" when there is none.
std::string fresh_pg_store() {
    const char* base = std::getenv("VERN_TEST_PG");
    if (!base || !*base) return {};
    if (sodium_init() < 0) return {};
    return std::string(base) + " schema=copy_" + std::to_string(randombytes_uniform(1u << 30));
}

// Every table of a store as text rows (identifiers sorted: they have no key of their own).
std::map<std::string, std::vector<TableRow>> contents(Store& store) {
    std::map<std::string, std::vector<TableRow>> out;
    for (const StoreTable& t : store_tables()) {
        auto& rows = out[t.name];
        store.dump_table(t, [&rows](const TableRow& r) { rows.push_back(r); });
        if (std::string(t.name) == "identifiers") std::sort(rows.begin(), rows.end());
    }
    return out;
}

// A store with something in every table, an unlinked record and an audit chain.
void fill(Store& s) {
    Identifiers ids;
    ids.email = {"email"};
    s.set_identifier_fields(ids);
    WriteTransaction tx(s);
    NewRecord r;
    r.id = "c-1";
    r.subject = "K-1";
    r.category = "chat";
    r.created = at(1000);
    r.fields = {{"email", "Kari@Example.no"}, {"text", "tab\there\nline \\ \"q\""}};
    const UpsertResult u = s.upsert_record(r, at(1001));
    r.id = "c-2";
    r.case_id = "case-7";
    r.fields = {{"email", "kari@example.no"}};
    const UpsertResult u2 = s.upsert_record(r, at(1002));
    r.id = "s-1";
    r.subject = "K-2";
    r.case_id.clear();
    r.fields = {{"topic", "x"}};
    const UpsertResult u3 = s.upsert_record(r, at(1003));
    RecordUpdate unlink;
    unlink.rowid = u3.rowid;
    unlink.fields_json = R"({"topic":"[redacted]"})";
    unlink.applied_rules = {"anon"};
    unlink.unlink = true;
    unlink.at = at(1004);
    s.update_records(std::span<const RecordUpdate>(&unlink, 1));
    s.add_event(Event{EventScope::subject, u.subject_rowid, 0, "final_report", at(2000), "case-7"});
    s.add_event(Event{EventScope::record, 0, u2.rowid, "read", at(2001), ""});
    s.add_event(Event{EventScope::global, 0, 0, "season_end", at(2002), ""});
    s.add_consent(u.subject_rowid, ConsentChange{"survey", true, at(1500)});
    Hold h;
    h.category = "chat";
    h.reason = "Tilsyn";
    h.placed = at(3000);
    s.place_hold(h);
    Request q;
    q.kind = "access";
    q.subject_rowid = u.subject_rowid;
    q.subject_pseudonym = s.pseudonym("K-1");
    q.received = at(4000);
    q.due = at(4000 + 30 * 86400);
    s.open_request(q);
    s.add_erased(s.pseudonym("K-9"), at(5000));
    for (int i = 0; i < 3; ++i) {
        AuditEntry e;
        e.at = at(6000 + i);
        e.user = "tester";
        e.command = "ingest";
        e.action = "ingest";
        e.category = "chat";
        e.count = i + 1;
        e.subject = s.pseudonym("K-1");
        s.append_audit(e);
    }
    tx.commit();
}

// Copies `from` into the new store `to` and checks that it is the same store.
void copy_and_compare(Store& from, const std::string& to) {
    auto destination = created(to);
    const CopyResult result = copy_store(from, *destination);
    CHECK(result.audit_seq == 3);
    CHECK(result.audit_hash == from.audit_head().second);
    CHECK(destination->audit_head() == from.audit_head());
    CHECK(contents(*destination) == contents(from));
    // The secret key moved with the data: pseudonyms and erased keys still match.
    CHECK(destination->pseudonym("K-1") == from.pseudonym("K-1"));
    CHECK(destination->is_erased(from.pseudonym("K-9")));
    // New rows get keys after the copied ones.
    WriteTransaction tx(*destination);
    NewRecord r;
    r.id = "c-new";
    r.subject = "K-3";
    r.category = "chat";
    r.created = at(7000);
    const UpsertResult u = destination->upsert_record(r, at(7000));
    CHECK(u.outcome == UpsertOutcome::inserted);
    CHECK(u.rowid > 3);
    CHECK(u.subject_rowid > 2);
    tx.commit();
}

} // namespace

TEST_CASE("store copy: an SQLite store into a new SQLite file is the same store") {
    const std::string dir = temp_dir();
    auto source = created(dir + "/a.db");
    fill(*source);
    copy_and_compare(*source, dir + "/b.db");
    std::filesystem::remove_all(dir);
}

TEST_CASE("store copy: refuses a destination that is not empty, changing nothing") {
    const std::string dir = temp_dir();
    auto source = created(dir + "/a.db");
    fill(*source);
    auto other = created(dir + "/b.db");
    fill(*other);
    const auto before = contents(*other);
    CHECK_THROWS_WITH_AS(copy_store(*source, *other),
                         doctest::Contains("is not empty (its table 'subjects' has rows)"), Error);
    CHECK(contents(*other) == before);
    std::filesystem::remove_all(dir);
}

TEST_CASE("store copy: SQLite to PostgreSQL and back (VERN_TEST_PG)") {
    const std::string pg = fresh_pg_store();
    if (pg.empty()) return; // no test database: the sqlite-only run (ctest runs it with one)
    const std::string dir = temp_dir();
    auto source = created(dir + "/a.db");
    fill(*source);
    copy_and_compare(*source, pg);
    auto in_pg = open_store(pg);
    auto back = created(dir + "/back.db");
    copy_store(*in_pg, *back);
    // (copy_and_compare added a record to the PostgreSQL copy)
    CHECK(contents(*back) == contents(*in_pg));
    CHECK(back->audit_head() == source->audit_head());
    CHECK(back->count_records() == source->count_records() + 1);
    std::filesystem::remove_all(dir);
}
