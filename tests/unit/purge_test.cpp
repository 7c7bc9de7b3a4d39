// Purge runs stopped between batches, the subjects whose removal a run puts off to its end
// (engine/pending_subjects.hpp), and the bound of the cases a run puts back into later batches
// (engine/cases_at_start.hpp). The "store::" cases run on both backends (unit.postgresql).

#include "engine/cases_at_start.hpp"
#include "test_support.hpp"
#include "vern/engine.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

using namespace vern;
using nlohmann::json;

namespace {

const char* const k_policy = R"(
[policy]
name = "Test"
controller = "Test AS"
contact = "p@example.no"
timezone = "UTC"

[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"

[[category]]
id = "note"
title = "Note"
purpose = "Guidance"
legal_basis = "public_task"

[[category]]
id = "log"
title = "Log"
purpose = "Ops"
legal_basis = "public_task"

[[rule]]
id = "chat-after-session"
category = "chat"
after = "event:last_session"
keep = "7d"
action = "delete"

[[rule]]
id = "note-30d"
category = "note"
after = "created"
keep = "30d"
action = "delete"

[[rule]]
id = "log-30d"
category = "log"
after = "created"
keep = "30d"
action = "delete"
)";

Policy policy() {
    PolicyLoad load = testing::load_policy_text(k_policy);
    for (const auto& d : load.diagnostics) {
        INFO(format_diagnostic(d));
        CHECK(d.severity != Severity::error);
    }
    REQUIRE_FALSE(load.has_errors());
    return load.policy;
}

Instant t(const char* text) {
    auto i = parse_time(text, *find_zone("UTC"));
    REQUIRE(i.ok());
    return *i;
}

std::unique_ptr<Store> fresh_store() {
    StoreOptions o;
    o.create = true;
    return open_store(testing::fresh_store_path(), o);
}

RowId add_record(Store& s, const char* id, const char* subject, const char* category,
                 const char* created, const char* case_id = "") {
    WriteTransaction tx(s);
    NewRecord r{id, subject, category, t(created), json::object()};
    r.case_id = case_id;
    const RowId rowid = s.upsert_record(r, t(created)).rowid;
    tx.commit();
    return rowid;
}

RowId add_subject_event(Store& s, const char* subject, const char* kind, const char* at) {
    WriteTransaction tx(s);
    Event e;
    e.scope = EventScope::subject;
    e.kind = kind;
    e.at = t(at);
    e.subject_rowid = s.ensure_subject(subject, e.at).first.rowid;
    s.add_event(e);
    tx.commit();
    return e.subject_rowid;
}

PurgeOptions options(const char* now, std::size_t batch_size, bool dry_run = false) {
    PurgeOptions o;
    o.now = t(now);
    o.user = "test";
    o.batch_size = batch_size;
    o.dry_run = dry_run;
    return o;
}

// A run killed right after its first batch committed (SPEC 5: "a run killed at any instant").
void run_killed_after_first_batch(Store& s, const Policy& p, const char* now) {
    PurgeOptions o = options(now, 1);
    o.progress = [](const PurgeProgress&) { throw std::runtime_error("killed"); };
    CHECK_THROWS_AS(purge(s, p, o), std::runtime_error);
}

} // namespace

TEST_CASE("store::purge: the next run removes the subjects a killed run left without records, "
          "and its plan says so") {
    const Policy p = policy();
    auto s = fresh_store();
    add_record(*s, "a1", "S-A", "note", "2026-01-01T10:00:00Z");
    add_record(*s, "b1", "S-B", "note", "2026-01-01T10:00:00Z");
    add_record(*s, "b2", "S-B", "note", "2026-02-25T10:00:00Z"); // not due
    add_record(*s, "c1", "S-C", "note", "2026-01-01T10:00:00Z");
    add_subject_event(*s, "S-E", "last_session", "2026-01-01T10:00:00Z"); // never had records

    run_killed_after_first_batch(*s, p, "2026-03-01T00:00:00Z");
    CHECK_FALSE(s->find_record("a1"));
    CHECK(s->find_record("b1"));

    const PurgeResult plan = purge(*s, p, options("2026-03-01T00:00:00Z", 10000, true));
    CHECK(plan.deleted == 2);          // b1, c1
    CHECK(plan.subjects_removed == 2); // S-A (left by the killed run) and S-C
    const PurgeResult done = purge(*s, p, options("2026-03-01T00:00:00Z", 10000));
    CHECK(done.deleted == plan.deleted);
    CHECK(done.subjects_removed == plan.subjects_removed);
    CHECK_FALSE(s->find_subject(std::string_view("S-A")));
    CHECK_FALSE(s->find_subject(std::string_view("S-C")));
    CHECK(s->find_subject(std::string_view("S-B")));
    CHECK(s->find_subject(std::string_view("S-E")));
    // Nothing is left pending.
    CHECK(s->pending_subjects().empty());
    CHECK(purge(*s, p, options("2026-03-01T00:00:00Z", 10000, true)).subjects_removed == 0);
}

TEST_CASE("store::purge: a subject that never had records is never removed, even with the sid "
          "of a subject a killed run left pending") {
    const Policy p = policy();
    auto s = fresh_store();
    add_record(*s, "x1", "S-X", "note", "2026-01-01T10:00:00Z");
    add_record(*s, "x2", "S-X", "note", "2026-02-25T10:00:00Z"); // not due: a second batch
    const RowId x = s->find_subject(std::string_view("S-X"))->rowid;
    run_killed_after_first_batch(*s, p, "2026-03-01T00:00:00Z");
    REQUIRE(s->pending_subjects() == std::vector<RowId>{x});
    // The subject goes another way before the next purge (an erasure), and a new subject with
    // only an event arrives; SQLite gives it the same sid (the largest + 1).
    {
        WriteTransaction tx(*s);
        const RowId x2 = *s->find_record_rowid("x2");
        s->delete_records(std::span<const RowId>(&x2, 1));
        s->delete_subject(x);
        tx.commit();
    }
    const RowId n = add_subject_event(*s, "S-N", "last_session", "2026-02-01T10:00:00Z");
    if (testing::on_sqlite()) CHECK(n == x);
    CHECK(s->pending_subjects().empty());
    CHECK(purge(*s, p, options("2026-03-01T00:00:00Z", 10000, true)).subjects_removed == 0);
    CHECK(purge(*s, p, options("2026-03-01T00:00:00Z", 10000)).subjects_removed == 0);
    CHECK(s->find_subject(std::string_view("S-N")));
}

TEST_CASE("store::purge: delete_subject takes only that subject out of the pending rows") {
    auto s = fresh_store();
    const RowId a = add_subject_event(*s, "S-A", "last_session", "2026-01-01T10:00:00Z");
    const RowId b = add_subject_event(*s, "S-B", "last_session", "2026-01-01T10:00:00Z");
    const RowId c = add_subject_event(*s, "S-C", "last_session", "2026-01-01T10:00:00Z");
    {
        WriteTransaction tx(*s);
        const std::vector<RowId> first{a, b, c};
        const std::vector<RowId> second{b};
        s->add_pending_subjects(first);
        s->add_pending_subjects(second);
        tx.commit();
    }
    REQUIRE(s->pending_subjects() == std::vector<RowId>{a, b, c});
    {
        WriteTransaction tx(*s);
        s->delete_subject(b);
        tx.commit();
    }
    CHECK(s->pending_subjects() == std::vector<RowId>{a, c});
}

TEST_CASE("purge: pending rows an older version left ([sid, created] pairs) count only for the "
          "subject with that creation time; rows of sids count for the sid") {
    const Policy p = policy();
    std::string dir = (std::filesystem::temp_directory_path() / "vern-pending-XXXXXX").string();
    REQUIRE(::mkdtemp(dir.data()) != nullptr);
    const std::string path = dir + "/s.db";
    StoreOptions o;
    o.create = true;
    RowId old_same = 0, old_reused = 0, plain = 0;
    {
        auto s = open_store(path, o);
        // Subjects without records, as a killed run leaves them (only events keep them here).
        old_same = add_subject_event(*s, "S-OLD", "last_session", "2026-01-01T10:00:00Z");
        old_reused = add_subject_event(*s, "S-REUSED", "last_session", "2026-01-01T10:00:00Z");
        plain = add_subject_event(*s, "S-PLAIN", "last_session", "2026-01-01T10:00:00Z");
        add_subject_event(*s, "S-OTHER", "last_session", "2026-01-01T10:00:00Z");
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec(fmt::format(
            "INSERT INTO meta(key, value) SELECT 'pending_subjects.000000000001', "
            "json_array(json_array(a.sid, a.created), json_array(b.sid, b.created + 1)) "
            "FROM subjects a, subjects b WHERE a.sid = {} AND b.sid = {};"
            "INSERT INTO meta(key, value) VALUES ('pending_subjects.000000000002', '[{}]');",
            old_same, old_reused, plain));
    }
    auto s = open_store(path);
    CHECK(s->pending_subjects() == std::vector<RowId>{old_same, plain});
    CHECK(purge(*s, p, options("2026-03-01T00:00:00Z", 10000, true)).subjects_removed == 2);
    CHECK(purge(*s, p, options("2026-03-01T00:00:00Z", 10000)).subjects_removed == 2);
    CHECK_FALSE(s->find_subject(std::string_view("S-OLD")));
    CHECK_FALSE(s->find_subject(std::string_view("S-PLAIN")));
    CHECK(s->find_subject(std::string_view("S-REUSED")));
    CHECK(s->find_subject(std::string_view("S-OTHER")));
    CHECK(s->pending_subjects().empty());
    s.reset();
    std::filesystem::remove_all(dir);
}

TEST_CASE("store::purge: a subject a killed run left pending with an open request is marked "
          "emptied, and removed once the request is closed") {
    const Policy p = policy();
    auto s = fresh_store();
    add_record(*s, "a1", "S-A", "note", "2026-01-01T10:00:00Z");
    add_record(*s, "b1", "S-B", "note", "2026-02-25T10:00:00Z"); // not due: a second batch
    run_killed_after_first_batch(*s, p, "2026-03-01T00:00:00Z");
    std::int64_t qid = 0;
    {
        WriteTransaction tx(*s);
        Request q;
        q.kind = "access";
        q.subject = "S-A";
        q.subject_rowid = s->find_subject(std::string_view("S-A"))->rowid;
        q.subject_pseudonym = s->pseudonym("S-A");
        q.received = t("2026-03-01T00:00:00Z");
        q.due = t("2026-04-01T00:00:00Z");
        qid = s->open_request(q);
        tx.commit();
    }
    CHECK(purge(*s, p, options("2026-03-02T00:00:00Z", 10000, true)).subjects_removed == 0);
    CHECK(purge(*s, p, options("2026-03-02T00:00:00Z", 10000)).subjects_removed == 0);
    CHECK(s->find_subject(std::string_view("S-A")));
    {
        WriteTransaction tx(*s);
        Request q = *s->find_request(qid);
        q.closed = t("2026-03-03T00:00:00Z");
        s->update_request(q);
        tx.commit();
    }
    CHECK(purge(*s, p, options("2026-03-04T00:00:00Z", 10000, true)).subjects_removed == 1);
    CHECK(purge(*s, p, options("2026-03-04T00:00:00Z", 10000)).subjects_removed == 1);
    CHECK_FALSE(s->find_subject(std::string_view("S-A")));
}

TEST_CASE("store::purge: orphan subjects go in the run's last batch, with one audit entry") {
    const Policy p = policy();
    auto s = fresh_store();
    for (int i = 0; i < 7; ++i) {
        const std::string n = std::to_string(i);
        add_record(*s, ("a" + n).c_str(), ("S-" + n).c_str(), "note", "2026-01-01T10:00:00Z");
    }
    add_record(*s, "keep", "S-0", "log", "2026-02-25T10:00:00Z"); // S-0 keeps a record
    const PurgeResult plan = purge(*s, p, options("2026-03-01T00:00:00Z", 3, true));
    const PurgeResult done = purge(*s, p, options("2026-03-01T00:00:00Z", 3));
    CHECK(done.deleted == 7);
    CHECK(done.subjects_removed == 6);
    CHECK(plan.subjects_removed == done.subjects_removed);
    std::int64_t entries = 0, removed = 0;
    s->read_audit(0, [&](const StoredAuditEntry& e) {
        if (e.entry.action == "remove_subject") {
            ++entries;
            removed += e.entry.count;
        }
        return true;
    });
    CHECK(entries == 1);
    CHECK(removed == 6);
    CHECK(s->find_subject(std::string_view("S-0")));
    CHECK(s->pending_subjects().empty());
}

TEST_CASE("store::purge: a run that puts a gone case back into later batches does exactly its "
          "plan across many batches") {
    const Policy p = policy();
    auto s = fresh_store();
    // P's case record comes first and falls due (log-30d); P's caseless record, many batches
    // later, waits for the case's own event (a caseless event does not end a case's wait).
    add_record(*s, "cv-1", "P", "log", "2026-01-05T09:00:00Z", "tiltak-1");
    for (int i = 0; i < 5; ++i) {
        const std::string n = std::to_string(i);
        add_record(*s, ("q" + n).c_str(), ("Q-" + n).c_str(), "log", "2026-01-05T09:00:00Z",
                   "k");
    }
    add_record(*s, "personalia", "P", "chat", "2026-01-05T09:00:00Z");
    add_subject_event(*s, "P", "last_session", "2026-02-01T12:00:00Z");
    const PurgeResult plan = purge(*s, p, options("2026-03-10T00:00:00Z", 1, true));
    CHECK(plan.deleted == 6);
    const PurgeResult done = purge(*s, p, options("2026-03-10T00:00:00Z", 1));
    CHECK(done.deleted == plan.deleted);
    CHECK(done.subjects_removed == plan.subjects_removed);
    CHECK(done.subjects_removed == 5); // the Q-n; P keeps its personalia
    CHECK(s->find_record("personalia"));
    // The next run starts without the case: nothing waits any more.
    CHECK(purge(*s, p, options("2026-03-10T00:00:00Z", 1)).deleted == 1);
}

TEST_CASE("cases_at_start: a subject is kept only while the scan has its records ahead") {
    StoreOptions o;
    o.create = true;
    auto s = open_store(":memory:", o);
    const RowId c1 = add_record(*s, "c1", "P", "log", "2026-01-01T10:00:00Z", "k");
    const RowId q1 = add_record(*s, "q1", "Q", "log", "2026-01-01T10:00:00Z", "k");
    add_record(*s, "p2", "P", "chat", "2026-01-02T10:00:00Z");
    const RowId p3 = add_record(*s, "p3", "P", "chat", "2026-01-03T10:00:00Z");
    const RowId pid = s->find_subject(std::string_view("P"))->rowid;
    const RowId qid = s->find_subject(std::string_view("Q"))->rowid;

    CasesAtStart cases;
    WriteTransaction tx(*s);
    const RowId gone[] = {c1, q1};
    s->delete_records(gone); // a batch of c1 and q1
    cases.gone({{pid, "k", t("2026-01-01T10:00:00Z")}, {qid, "k", t("2026-01-01T10:00:00Z")}},
               q1, *s);
    CHECK(cases.subjects() == 1); // Q has nothing ahead
    // P's next record gets its case back.
    RecordScan scan;
    scan.now = t("2026-03-01T00:00:00Z");
    scan.cases = true;
    scan.after_rowid = q1;
    scan.batch_size = 1;
    s->scan_records(scan, [&](std::span<const ScannedRecord> batch) {
        std::vector<ScannedRecord> storage;
        auto patched = cases.as_at_start(batch, storage);
        REQUIRE(patched.size() == 1);
        REQUIRE(patched[0].subject);
        CHECK(patched[0].subject->cases.count("k") == 1);
        return false;
    });
    cases.gone({}, p3 - 1, *s);
    CHECK(cases.subjects() == 1); // p3 is still ahead
    cases.gone({}, p3, *s);
    CHECK(cases.subjects() == 0);
    tx.commit();
}
