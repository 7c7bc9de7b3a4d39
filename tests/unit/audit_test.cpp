// Audit: verifying the hash chain (intact, changed, removed, reordered, truncated), the audit
// report's tally of entries, the retention outlook, the last purge, and CSV escaping.

#include "vern/audit_report.hpp"
#include "vern/audit_verify.hpp"
#include "vern/status.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace vern;

namespace {

Instant t(const char* text) {
    auto i = parse_time(text, *find_zone("Europe/Oslo"));
    REQUIRE(i.ok());
    return *i;
}

AuditEntry entry(const char* command, const char* action, const char* category = "",
                 std::int64_t count = 0, const char* rule = "", const char* at = "2026-04-01",
                 const char* subject = "") {
    AuditEntry e;
    e.at = t(at);
    e.user = "tester";
    e.command = command;
    e.action = action;
    e.rule = rule;
    e.category = category;
    e.count = count;
    e.policy_digest = "d1";
    e.subject = subject;
    return e;
}

void append(Store& store, const std::vector<AuditEntry>& entries) {
    WriteTransaction tx(store);
    for (const AuditEntry& e : entries)
        store.append_audit(e);
    tx.commit();
}

std::vector<AuditEntry> five_entries() {
    return {entry("ingest", "ingest", "chat", 3), entry("purge", "delete", "chat", 2, "chat-30d"),
            entry("hold", "hold_place", "chat"), entry("purge", "anonymize", "chat", 1, "r2"),
            entry("hold", "hold_release", "chat")};
}

// A store file in a temporary directory, removed at the end.
struct TempStore {
    std::string dir;
    std::string path;
    TempStore() {
        char tmpl[] = "/tmp/vern-audit-test-XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        path = dir + "/s.db";
    }
    ~TempStore() {
        for (const char* suffix : {"", "-wal", "-shm"})
            std::remove((path + suffix).c_str());
        rmdir(dir.c_str());
    }
    // Runs SQL on the file the way an attacker would: the append-only triggers dropped.
    void tamper(const std::string& sql) const {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;");
        db.exec(sql);
    }
};

ChainVerification verify_file(const std::string& path, std::optional<std::string> head = {}) {
    auto store = open_store(path);
    return verify_audit_chain(*store, head);
}

Policy policy_from(const std::string& text) {
    char path[] = "/tmp/vern-audit-test-XXXXXX.toml";
    int fd = mkstemps(path, 5);
    REQUIRE(fd >= 0);
    close(fd);
    {
        std::ofstream out(path);
        out << text;
    }
    PolicyLoad load = load_policy({path});
    std::remove(path);
    REQUIRE_FALSE(load.has_errors());
    return load.policy;
}

const char* const k_policy = R"(
[policy]
name = "Test"
controller = "Test AS"
contact = "p@example.no"
timezone = "Europe/Oslo"

[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"

[[rule]]
id = "chat-30d"
category = "chat"
after = "created"
keep = "30d"
action = "delete"
)";

} // namespace

TEST_CASE("audit::verify an intact chain") {
    auto store = open_store(":memory:", StoreOptions{true, false, 0});
    auto empty = verify_audit_chain(*store);
    CHECK(empty.intact);
    CHECK(empty.entries == 0);
    CHECK(empty.head == k_audit_genesis);

    append(*store, five_entries());
    std::string head3;
    store->read_audit(2, [&](const StoredAuditEntry& e) {
        head3 = e.hash;
        return false;
    });
    auto v = verify_audit_chain(*store);
    CHECK(v.intact);
    CHECK(v.problem == ChainProblem::none);
    CHECK(v.entries == 5);
    CHECK(v.head_seq == 5);
    CHECK(is_audit_hash(v.head));

    auto same = verify_audit_chain(*store, v.head);
    CHECK(same.intact);
    CHECK(same.expected_head_seq == 5);
    CHECK(same.appended_since == 0);

    auto older = verify_audit_chain(*store, head3);
    CHECK(older.intact);
    CHECK(older.expected_head_seq == 3);
    CHECK(older.appended_since == 2);

    auto other = verify_audit_chain(*store, std::string(64, 'a'));
    CHECK_FALSE(other.intact);
    CHECK(other.problem == ChainProblem::truncated);
}

TEST_CASE("audit::verify finds tampering") {
    struct Case {
        const char* sql;
        ChainProblem problem;
        std::int64_t bad_seq;
        const char* message;
    };
    const Case cases[] = {
        {"UPDATE audit SET count = 7 WHERE seq = 2", ChainProblem::changed, 2,
         "entry 2 was changed: its hash does not match its contents"},
        {"UPDATE audit SET user = 'mallory' WHERE seq = 5", ChainProblem::changed, 5,
         "entry 5 was changed: its hash does not match its contents"},
        {"DELETE FROM audit WHERE seq = 3", ChainProblem::removed, 3,
         "entry 3 is missing: the log jumps from entry 2 to entry 4 (entries were removed)"},
        {"DELETE FROM audit WHERE seq = 1", ChainProblem::removed, 1,
         "entry 1 is missing: the log begins at entry 2 (entries were removed from its start)"},
        {"DELETE FROM audit WHERE seq = 3; UPDATE audit SET seq = seq - 1 WHERE seq > 3",
         ChainProblem::reordered, 3,
         "entry 3 does not follow entry 2: its prev_hash is not the hash of entry 2 (entries "
         "were removed, reordered or inserted)"},
        {"UPDATE audit SET seq = -seq WHERE seq IN (2, 3); UPDATE audit SET seq = 3 WHERE seq = -2;"
         "UPDATE audit SET seq = 2 WHERE seq = -3",
         ChainProblem::reordered, 2,
         "entry 2 does not follow entry 1: its prev_hash is not the hash of entry 1 (entries "
         "were removed, reordered or inserted)"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.sql);
        TempStore tmp;
        {
            auto store = open_store(tmp.path, StoreOptions{true, false, 0});
            append(*store, five_entries());
        }
        tmp.tamper(c.sql);
        auto v = verify_file(tmp.path);
        CHECK_FALSE(v.intact);
        CHECK(v.problem == c.problem);
        CHECK(v.bad_seq == c.bad_seq);
        CHECK(v.message == c.message);
        CHECK(v.head_seq == c.bad_seq - 1);
    }
}

TEST_CASE("audit::verify a truncated tail needs the expected head") {
    TempStore tmp;
    std::string head;
    {
        auto store = open_store(tmp.path, StoreOptions{true, false, 0});
        append(*store, five_entries());
        head = verify_audit_chain(*store).head;
    }
    tmp.tamper("DELETE FROM audit WHERE seq >= 4");
    CHECK(verify_file(tmp.path).intact);
    auto v = verify_file(tmp.path, head);
    CHECK_FALSE(v.intact);
    CHECK(v.problem == ChainProblem::truncated);
    CHECK(v.message.find("is not in the chain, whose head is entry 3") != std::string::npos);
}

TEST_CASE("audit::is_audit_hash and chain_problem_name") {
    CHECK(is_audit_hash(std::string(64, 'f')));
    CHECK(is_audit_hash(std::string(64, 'F')));
    CHECK_FALSE(is_audit_hash(std::string(63, 'f')));
    CHECK_FALSE(is_audit_hash(std::string(64, 'g')));
    CHECK(std::string(chain_problem_name(ChainProblem::reordered)) == "reordered");
    CHECK(std::string(chain_problem_name(ChainProblem::truncated)) == "truncated");
}

TEST_CASE("audit::csv_field") {
    const std::pair<const char*, const char*> cases[] = {
        {"", ""},
        {"chat", "chat"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"cr\r", "\"cr\r\""},
        {"ø and spaces", "ø and spaces"},
    };
    for (const auto& [input, out] : cases) {
        const char* in = input; // CAPTURE's lambda cannot capture a structured binding in clang 15
        CAPTURE(in);
        CHECK(csv_field(in) == out);
    }
}

TEST_CASE("audit::report tallies the period's entries") {
    Policy policy = policy_from(k_policy);
    auto store = open_store(":memory:", StoreOptions{true, false, 0});
    append(*store,
           {
               entry("ingest", "ingest", "chat", 4, "", "2026-03-01"), // before the period
               entry("ingest", "ingest", "chat", 3, "", "2026-04-01"),
               entry("purge", "delete", "chat", 2, "chat-30d", "2026-04-02"),
               entry("purge", "remove_subject", "", 1, "", "2026-04-02"),
               entry("purge", "delete", "chat", 1, "chat-30d", "2026-04-03"),
               entry("erase", "erase", "chat", 1, "", "2026-04-04", "p1"),
               entry("erase", "erase_subject", "", 0, "", "2026-04-04", "p1"),
               entry("consent", "withdraw", "", 1, "consent:survey", "2026-04-05", "p2"),
               entry("consent", "delete", "chat", 1, "", "2026-04-05", "p2"),
               entry("erase", "withdraw", "", 0, "consent:survey", "2026-04-06", "p2"), // a replay
               entry("access", "access", "chat", 2, "", "2026-04-07", "p3"),
               entry("access", "access", "", 0, "", "2026-04-08", "p3"),
               entry("hold", "hold_place", "chat", 0, "", "2026-04-09"),
               entry("request", "request_extend", "", 0, "access", "2026-04-09", "p3"),
               entry("purge", "delete", "chat", 9, "chat-30d", "2026-05-01"), // at until: excluded
           });
    ReportPeriod period{t("2026-04-01"), t("2026-05-01")};
    AuditReport r = build_audit_report(*store, policy, period, t("2026-05-02"));
    CHECK(r.entries == 13);
    REQUIRE(r.purged.size() == 1);
    CHECK(r.purged[0].rule == "chat-30d");
    CHECK(r.purged[0].records == 3);
    CHECK(r.deleted == 3);
    CHECK(r.subjects_removed == 1);
    CHECK(r.purge_runs == 2);
    REQUIRE(r.ingested.size() == 1);
    CHECK(r.ingested[0].records == 3);
    CHECK(r.erasures == 1);
    CHECK(r.erased_records == 1);
    CHECK(r.erased_subjects == 1);
    CHECK(r.withdrawals == 2);
    REQUIRE(r.withdrawals_by_purpose.size() == 1);
    CHECK(r.withdrawals_by_purpose[0].purpose == "survey");
    CHECK(r.withdrawal_deleted == 1);
    CHECK(r.access_reports == 2);
    CHECK(r.records_disclosed == 2);
    CHECK(r.holds_placed == 1);
    CHECK(r.requests_extended == 1);
    REQUIRE(r.policy_versions.size() == 1);
    CHECK(r.policy_versions[0].first_seen == t("2026-04-01"));
    CHECK(r.policy_versions[0].last_seen == t("2026-04-09"));
    CHECK_FALSE(r.overdue());

    period.until = t("2026-05-01");
    period.include_until = true;
    CHECK(build_audit_report(*store, policy, period, t("2026-05-02")).deleted == 12);
}

TEST_CASE("status::retention_outlook and find_last_purge") {
    Policy policy = policy_from(k_policy);
    auto store = open_store(":memory:", StoreOptions{true, false, 0});
    {
        WriteTransaction tx(*store);
        NewRecord a{"a", "S1", "chat", t("2026-03-01T10:00:00+01:00"), nlohmann::json::object()};
        NewRecord b{"b", "S1", "chat", t("2026-03-05T10:00:00+01:00"), nlohmann::json::object()};
        NewRecord c{"c", "S2", "chat", t("2026-04-20T10:00:00+02:00"), nlohmann::json::object()};
        NewRecord d{"d", "S2", "chat", t("2026-07-01T10:00:00+02:00"), nlohmann::json::object()};
        for (const auto* r : {&a, &b, &c, &d})
            store->upsert_record(*r, t("2026-03-01"));
        tx.commit();
    }
    RetentionOutlook o = retention_outlook(*store, policy, t("2026-04-10"));
    CHECK(o.overdue_total == 2);
    REQUIRE(o.overdue.size() == 1);
    CHECK(o.overdue[0].records == 2);
    CHECK(o.overdue[0].earliest == t("2026-03-31T10:00:00+02:00"));
    CHECK(o.horizon == t("2026-05-10"));
    CHECK(o.upcoming_total == 0); // c falls due 2026-05-20, d is created after now
    o = retention_outlook(*store, policy, t("2026-04-25"));
    CHECK(o.upcoming_total == 1);
    CHECK(o.upcoming[0].earliest == t("2026-05-20T10:00:00+02:00"));

    CHECK_FALSE(find_last_purge(*store));
    append(*store, {entry("purge", "delete", "chat", 2, "chat-30d", "2026-04-02"),
                    entry("purge", "delete", "chat", 1, "chat-30d", "2026-04-03"),
                    entry("purge", "anonymize", "chat", 4, "r", "2026-04-03"),
                    entry("purge", "remove_subject", "", 1, "", "2026-04-03"),
                    entry("hold", "hold_place", "chat", 0, "", "2026-04-04")});
    auto last = find_last_purge(*store);
    REQUIRE(last);
    CHECK(last->at == t("2026-04-03"));
    CHECK(last->deleted == 1);
    CHECK(last->anonymized == 4);
    CHECK(last->subjects_removed == 1);
}
