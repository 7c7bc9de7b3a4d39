// The quiet table of vern status (store_types.hpp QuietTable): the rows it writes, the subjects
// it passes over, the triggers that delete a row when a subject's data change, and a save that
// never writes over a change made since its snapshot, nor waits for another run's lock.
// (tests/model checks it against the naive model on random histories with late facts.)

#include "test_support.hpp"
#include "vern/engine.hpp"
#include "vern/status.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace vern;

namespace {

const char* const k_policy = R"(
[policy]
name = "Test"
controller = "Test AS"
contact = "p@example.no"
timezone = "UTC"

[[category]]
id = "matter"
title = "Matter"
purpose = "Guidance"
legal_basis = "public_task"

[[rule]]
id = "matter-closed-7d"
category = "matter"
after = "event:closed"
keep = "7d"
action = "delete"

[[rule]]
id = "everything-10y"
category = "*"
after = "created"
keep = "10y"
action = "delete"
)";

Policy policy() {
    PolicyLoad load = testing::load_policy_text(k_policy);
    REQUIRE_FALSE(load.has_errors());
    return load.policy;
}

Instant t(const char* text) {
    auto i = parse_time(text, *find_zone("UTC"));
    REQUIRE(i.ok());
    return *i;
}

RowId add_record(Store& s, const char* id, const char* subject, const char* created,
                 const char* case_id = "") {
    WriteTransaction tx(s);
    NewRecord r{id, subject, "matter", t(created), nlohmann::json::object()};
    r.case_id = case_id;
    const RowId row = s.upsert_record(r, t(created)).rowid;
    tx.commit();
    return row;
}

void add_subject_event(Store& s, const char* subject, const char* kind, const char* at) {
    WriteTransaction tx(s);
    Event e;
    e.scope = EventScope::subject;
    e.kind = kind;
    e.at = t(at);
    e.subject_rowid = s.ensure_subject(subject, e.at).first.rowid;
    s.add_event(e);
    tx.commit();
}

// As `vern status` runs it: the outlook in a snapshot, the rows it learnt saved after.
struct StatusRun {
    RetentionOutlook outlook;
    QuietUpdate rows;
    bool saved = false;
};

StatusRun status_run(Store& s, const Policy& p, const char* now, bool save = true) {
    StatusRun run;
    {
        ReadTransaction tx(s);
        run.outlook = retention_outlook(s, p, t(now), Duration{0, 0, 30, "30d"}, {}, &run.rows);
    }
    if (save) run.saved = s.save_quiet(run.rows);
    return run;
}

RetentionOutlook every_record(Store& s, const Policy& p, const char* now) {
    ReadTransaction tx(s);
    return retention_outlook(s, p, t(now));
}

std::int64_t quiet_rows(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM quiet").getInt64();
}

std::string temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vern-quiet-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    return tmpl;
}

} // namespace

TEST_CASE("quiet table: a quiet subject is passed over until a change deletes its row; a "
          "deleted case record that ends a wait makes another record due") {
    if (testing::on_postgresql()) return; // SQLite's alone (PostgreSQL: read_quiet is nullopt)
    const Policy p = policy();
    auto s = open_store(":memory:", StoreOptions{true, false, 0});
    // S: chat-1 has no case and waits while case c1 waits for its own `closed` event; chat-2,
    // created after the caseless event, is not anchored by it. Both pending: S is quiet.
    add_record(*s, "m-1", "S", "2026-01-01T00:00:00Z");
    add_subject_event(*s, "S", "closed", "2026-01-05T00:00:00Z");
    const RowId waiting = add_record(*s, "m-2", "S", "2026-01-10T00:00:00Z", "c1");
    // T: overdue (never quiet).
    add_record(*s, "t-1", "T", "2026-01-01T00:00:00Z");
    add_subject_event(*s, "T", "closed", "2026-01-02T00:00:00Z");

    const StatusRun first = status_run(*s, p, "2026-02-01T00:00:00Z");
    CHECK(first.saved);
    CHECK(first.outlook.overdue_total == 1);
    CHECK(first.outlook.passed_over == 0);
    REQUIRE(first.rows.rows.size() == 1); // S only: T is overdue
    CHECK(first.rows.rows[0].second == t("2036-01-01T00:00:00Z")); // everything-10y
    const StatusRun second = status_run(*s, p, "2026-02-01T00:00:00Z");
    CHECK(second.outlook.overdue_total == 1);
    CHECK(second.outlook.passed_over == 2); // S's two records
    CHECK(second.rows.rows.empty());

    // The case goes (an erasure of its record): m-1 is anchored by the event of 01-05.
    {
        WriteTransaction tx(*s);
        const RowId rows[] = {waiting};
        s->delete_records(rows);
        tx.commit();
    }
    const StatusRun after = status_run(*s, p, "2026-02-02T00:00:00Z");
    CHECK(after.outlook.passed_over == 0);
    CHECK(after.outlook.overdue_total == 2);
    CHECK(after.outlook.overdue_total == every_record(*s, p, "2026-02-02T00:00:00Z").overdue_total);
}

TEST_CASE("quiet table: a later window or an earlier now does not use a row; another policy "
          "rewrites the table") {
    if (testing::on_postgresql()) return;
    const Policy p = policy();
    auto s = open_store(":memory:", StoreOptions{true, false, 0});
    add_record(*s, "m-1", "S", "2026-01-01T00:00:00Z");
    add_subject_event(*s, "S", "closed", "2026-03-01T00:00:00Z"); // a fact still to come
    // At 01-15 S is quiet until its event (03-01): past the window ending 02-14.
    const StatusRun first = status_run(*s, p, "2026-01-15T00:00:00Z");
    REQUIRE(first.rows.rows.size() == 1);
    CHECK(first.rows.rows[0].second == t("2026-03-01T00:00:00Z"));
    CHECK(status_run(*s, p, "2026-01-15T00:00:00Z").outlook.passed_over == 1);
    // The window ends exactly at 03-01: the row no longer vouches (until must be past it).
    const StatusRun edge = status_run(*s, p, "2026-01-30T00:00:00Z");
    CHECK(edge.outlook.passed_over == 0);
    // Before the row was written: not used either.
    CHECK(status_run(*s, p, "2026-01-10T00:00:00Z", false).outlook.passed_over == 0);
    // After the event: due on 03-08, overdue from then on.
    const StatusRun later = status_run(*s, p, "2026-03-09T00:00:00Z");
    CHECK(later.outlook.passed_over == 0);
    CHECK(later.outlook.overdue_total == 1);

    PolicyLoad other = testing::load_policy_text(std::string(k_policy) + "\n# another digest\n");
    REQUIRE_FALSE(other.has_errors());
    REQUIRE(other.policy.digest != p.digest);
    const StatusRun rewritten = status_run(*s, other.policy, "2026-01-15T00:00:00Z");
    CHECK(rewritten.rows.replace_all);
    CHECK(rewritten.outlook.passed_over == 0);
}

TEST_CASE("quiet table: status saves nothing over a change made since its snapshot, and waits "
          "for no other run's lock") {
    if (testing::on_postgresql()) return;
    const Policy p = policy();
    const std::string dir = temp_dir();
    const std::string path = dir + "/store.db";
    {
        auto w = open_store(path, StoreOptions{true, false, 0});
        add_record(*w, "m-1", "S", "2026-01-01T00:00:00Z");
    }
    StoreOptions status_options{false, true, 0};
    status_options.save_quiet = true;
    auto reader = open_store(path, status_options);

    // A commit between the snapshot and the save: nothing saved.
    StatusRun run = status_run(*reader, p, "2026-01-15T00:00:00Z", false);
    REQUIRE(run.rows.rows.size() == 1);
    {
        auto w = open_store(path, StoreOptions{false, false, 0});
        add_record(*w, "m-2", "U", "2026-01-01T00:00:00Z");
    }
    CHECK_FALSE(reader->save_quiet(run.rows));
    CHECK(quiet_rows(path) == 0);

    // Another run holds the store: nothing saved, at once.
    run = status_run(*reader, p, "2026-01-15T00:00:00Z", false);
    {
        auto w = open_store(path, StoreOptions{false, false, 0});
        const auto started = std::chrono::steady_clock::now();
        CHECK_FALSE(reader->save_quiet(run.rows));
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
        CHECK(quiet_rows(path) == 0);
    }
    // Free again, nothing changed since the snapshot: saved.
    CHECK(reader->save_quiet(run.rows));
    CHECK(quiet_rows(path) == 2);
    reader.reset();

    // A store this user may not write: status reads it, and saves nothing.
    std::filesystem::permissions(path, std::filesystem::perms::owner_read);
    if (::access(path.c_str(), W_OK) != 0) { // (root may write anyway)
        auto ro = open_store(path, status_options);
        const StatusRun r = status_run(*ro, p, "2026-01-15T00:00:00Z");
        CHECK(r.outlook.passed_over == 2);
        CHECK_FALSE(r.saved);
    }
    std::filesystem::remove_all(dir);
}
