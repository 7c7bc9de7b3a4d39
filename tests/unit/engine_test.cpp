// The retention engine on an in-memory store: anchors, pending, due boundaries, earliest delete,
// anonymize once, conditions, unlink, holds, subject removal, dry-run equality, policy tests.

#include "vern/engine.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace vern;
using nlohmann::json;

namespace {

const char* const k_header = R"(
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

[[category]]
id = "log"
title = "Log"
purpose = "Ops"
legal_basis = "public_task"
)";

// Every category needs a delete rule (vern check); these come last and never fall due in a test.
const char* const k_footer = R"(
[[rule]]
id = "everything-10y"
category = "*"
after = "created"
keep = "10y"
action = "delete"
)";

Policy policy_from(const std::string& rules) {
    char path[] = "/tmp/vern-engine-test-XXXXXX.toml";
    int fd = mkstemps(path, 5);
    REQUIRE(fd >= 0);
    close(fd);
    {
        std::ofstream out(path);
        out << k_header << rules << k_footer;
    }
    PolicyLoad load = load_policy({path});
    std::remove(path);
    for (const auto& d : load.diagnostics) {
        INFO(format_diagnostic(d));
        CHECK(d.severity != Severity::error);
    }
    REQUIRE_FALSE(load.has_errors());
    return load.policy;
}

Instant t(const char* text) {
    auto z = find_zone("Europe/Oslo");
    auto i = parse_time(text, *z);
    REQUIRE(i.ok());
    return *i;
}

std::unique_ptr<Store> memory_store() { return open_store(":memory:", StoreOptions{true, false, 0}); }

void add_record(Store& s, const char* id, const char* subject, const char* category,
                const char* created, json fields = json::object()) {
    WriteTransaction tx(s);
    s.upsert_record(NewRecord{id, subject, category, t(created), fields}, t(created));
    tx.commit();
}

void add_event(Store& s, EventScope scope, const char* target, const char* kind, const char* at) {
    WriteTransaction tx(s);
    Event e;
    e.scope = scope;
    e.kind = kind;
    e.at = t(at);
    if (scope == EventScope::subject) {
        e.subject_rowid = s.ensure_subject(target, e.at).first.rowid;
    } else if (scope == EventScope::record) {
        e.record_rowid = *s.find_record_rowid(target);
    }
    s.add_event(e);
    tx.commit();
}

PurgeResult run(Store& s, const Policy& p, const char* now, bool dry_run = false) {
    PurgeOptions o;
    o.now = t(now);
    o.dry_run = dry_run;
    o.user = "test";
    o.list = true;
    return purge(s, p, o);
}

RecordEvaluation explain_one(Store& s, const Policy& p, const char* now, const char* id) {
    auto evs = explain_record(s, p, t(now), id);
    REQUIRE(evs.size() == 1);
    return evs[0];
}

const char* const k_delete_30d = R"(
[[rule]]
id = "chat-30d"
category = "chat"
after = "created"
keep = "30d"
action = "delete"
)";

} // namespace

TEST_CASE("engine: delete at the due time, not one second before (across DST)") {
    Policy p = policy_from(k_delete_30d);
    auto s = memory_store();
    add_record(*s, "c1", "S1", "chat", "2026-03-20T10:00:00+01:00");
    auto ev = explain_one(*s, p, "2026-04-19T09:59:59+02:00", "c1");
    REQUIRE(ev.rules.size() == 2);
    CHECK(ev.rules[0].status == RuleState::not_due);
    CHECK(format_utc(*ev.rules[0].due) == "2026-04-19T08:00:00Z");
    CHECK(ev.decision == Decision::keep);
    CHECK(format_utc(*ev.next_due) == "2026-04-19T08:00:00Z");
    CHECK(run(*s, p, "2026-04-19T09:59:59+02:00").deleted == 0);
    PurgeResult r = run(*s, p, "2026-04-19T10:00:00+02:00");
    CHECK(r.deleted == 1);
    CHECK(r.subjects_removed == 1);
    REQUIRE(r.by_rule.size() == 1);
    CHECK(r.by_rule[0].rule == "chat-30d");
    CHECK_FALSE(s->find_record("c1"));
    CHECK_FALSE(s->find_subject("S1"));
}

TEST_CASE("engine: event anchors, pending, global events and last_activity") {
    Policy p = policy_from(R"(
[[rule]]
id = "after-report"
category = "chat"
after = "event:final_report_sent"
keep = "7d"
action = "delete"

[[rule]]
id = "log-after-end"
category = "log"
after = "global:subscription_ended"
keep = "21d"
action = "delete"

[[rule]]
id = "chat-inactive"
category = "chat"
after = "last_activity"
keep = "1y"
action = "delete"
)");
    auto s = memory_store();
    add_record(*s, "c1", "S1", "chat", "2026-01-01T10:00:00Z");
    add_record(*s, "c2", "S2", "chat", "2026-01-01T10:00:00Z");
    add_record(*s, "l1", "S1", "log", "2026-01-01T10:00:00Z");
    add_event(*s, EventScope::record, "c1", "final_report_sent", "2026-02-01T12:00:00Z");
    add_event(*s, EventScope::subject, "S2", "session", "2026-06-01T12:00:00Z");
    add_event(*s, EventScope::global, "", "subscription_ended", "2026-03-01T00:00:00Z");
    // A later event after now is ignored.
    add_event(*s, EventScope::record, "c1", "final_report_sent", "2027-01-01T00:00:00Z");

    auto c2 = explain_one(*s, p, "2026-02-05T00:00:00Z", "c2");
    CHECK(c2.rules[0].status == RuleState::pending);
    CHECK(c2.rules[0].reason == "no event 'final_report_sent' yet");
    CHECK(c2.rules[1].status == RuleState::not_due);
    CHECK(format_utc(*c2.rules[1].anchor) == "2026-01-01T10:00:00Z"); // the session is later
    auto c2_later = explain_one(*s, p, "2026-07-01T00:00:00Z", "c2");
    CHECK(format_utc(*c2_later.rules[1].anchor) == "2026-06-01T12:00:00Z");
    CHECK(format_utc(*c2_later.rules[1].due) == "2027-06-01T12:00:00Z");

    auto c1 = explain_one(*s, p, "2026-02-08T12:59:59+01:00", "c1");
    CHECK(format_utc(*c1.rules[0].anchor) == "2026-02-01T12:00:00Z");
    CHECK(c1.rules[0].status == RuleState::not_due);
    auto l1 = explain_one(*s, p, "2026-02-08T00:00:00Z", "l1");
    CHECK(l1.rules[0].status == RuleState::pending);

    PurgeResult r = run(*s, p, "2026-03-22T01:00:00+01:00");
    CHECK(r.deleted == 2); // c1 (report + 7d) and l1 (global + 21d)
    CHECK_FALSE(s->find_record("c1"));
    CHECK_FALSE(s->find_record("l1"));
    CHECK(s->find_record("c2"));
}

TEST_CASE("engine: the earliest due delete rule is the one reported") {
    Policy p = policy_from(k_delete_30d + std::string(R"(
[[rule]]
id = "chat-7d"
category = "chat"
after = "created"
keep = "7d"
action = "delete"
)"));
    auto s = memory_store();
    add_record(*s, "c1", "S1", "chat", "2026-01-01T10:00:00Z");
    PurgeResult r = run(*s, p, "2026-03-01T00:00:00Z");
    REQUIRE(r.records.size() == 1);
    CHECK(r.records[0].rule == "chat-7d");
}

TEST_CASE("engine: anonymize once over two nights, then delete") {
    Policy p = policy_from(k_delete_30d + std::string(R"(
[[rule]]
id = "chat-phone"
category = "chat"
after = "created"
keep = "7d"
action = "anonymize"
fields = { phone = "drop_last:4" }
)"));
    auto s = memory_store();
    add_record(*s, "c1", "S1", "chat", "2026-01-01T10:00:00Z", {{"phone", "+47 912 34 567"}});
    CHECK(run(*s, p, "2026-01-08T10:00:00Z").anonymized == 1);
    CHECK(s->find_record("c1")->fields()["phone"] == "+47 912 3");
    CHECK(run(*s, p, "2026-01-09T10:00:00Z").anonymized == 0);
    CHECK(s->find_record("c1")->fields()["phone"] == "+47 912 3");
    auto ev = explain_one(*s, p, "2026-01-09T10:00:00Z", "c1");
    CHECK(ev.rules[1].status == RuleState::already_applied);
    CHECK(run(*s, p, "2026-01-31T10:00:00Z").deleted == 1);
}

TEST_CASE("engine: a due delete wins over a due anonymize") {
    Policy p = policy_from(k_delete_30d + std::string(R"(
[[rule]]
id = "chat-phone"
category = "chat"
after = "created"
keep = "7d"
action = "anonymize"
fields = { phone = "remove" }
)"));
    auto s = memory_store();
    add_record(*s, "c1", "S1", "chat", "2026-01-01T10:00:00Z", {{"phone", "1"}});
    PurgeResult r = run(*s, p, "2026-06-01T00:00:00Z");
    CHECK(r.deleted == 1);
    CHECK(r.anonymized == 0);
}

TEST_CASE("engine: where, if_consent, unless_consent and unlink") {
    Policy p = policy_from(R"(
[[rule]]
id = "external"
category = "log"
after = "created"
keep = "1d"
action = "anonymize"
fields = { number = "mask_last:2" }
where = { party = "external" }

[[rule]]
id = "log-1y"
category = "log"
after = "created"
keep = "1y"
action = "delete"

[[rule]]
id = "chat-with-consent"
category = "chat"
after = "created"
keep = "1mo"
action = "anonymize"
fields = { email = "remove" }
unless_consent = "survey"
unlink = true

[[rule]]
id = "chat-1y"
category = "chat"
after = "created"
keep = "1y"
action = "delete"
)");
    auto s = memory_store();
    add_record(*s, "l1", "S1", "log", "2026-01-01T10:00:00Z", {{"party", "external"}, {"number", "1234"}});
    add_record(*s, "l2", "S1", "log", "2026-01-01T10:00:00Z", {{"party", "internal"}, {"number", "1234"}});
    add_record(*s, "l3", "S1", "log", "2026-01-01T10:00:00Z", {{"number", "1234"}});
    add_record(*s, "c1", "S2", "chat", "2026-01-01T10:00:00Z", {{"email", "a@b.no"}});
    add_record(*s, "c2", "S3", "chat", "2026-01-01T10:00:00Z", {{"email", "c@d.no"}});
    {
        WriteTransaction tx(*s);
        s->add_consent(s->find_subject("S3")->rowid, {"survey", true, t("2026-01-01T00:00:00Z")});
        tx.commit();
    }
    auto l2 = explain_one(*s, p, "2026-03-01T00:00:00Z", "l2");
    CHECK(l2.rules[0].status == RuleState::not_applicable);
    CHECK(l2.rules[0].reason == "where: party is \"internal\", not \"external\"");
    auto l3 = explain_one(*s, p, "2026-03-01T00:00:00Z", "l3");
    CHECK(l3.rules[0].reason == "where: the record has no field 'party'");

    PurgeResult r = run(*s, p, "2026-03-01T00:00:00Z");
    CHECK(r.anonymized == 2); // l1 and c1
    CHECK(s->find_record("l1")->fields()["number"] == "12XX");
    CHECK(s->find_record("l2")->fields()["number"] == "1234");
    auto c1 = s->find_record("c1");
    CHECK(c1->unlinked);
    CHECK(c1->fields() == json::object());
    CHECK(r.subjects_removed == 1); // S2 lost its only linked record
    CHECK_FALSE(s->find_subject("S2"));
    CHECK(s->find_record("c2")->fields()["email"] == "c@d.no");
}

TEST_CASE("engine: holds block every change; an open request keeps the subject") {
    Policy p = policy_from(k_delete_30d);
    auto s = memory_store();
    add_record(*s, "c1", "S1", "chat", "2026-01-01T10:00:00Z");
    add_record(*s, "c2", "S2", "chat", "2026-01-01T10:00:00Z");
    {
        WriteTransaction tx(*s);
        Hold h;
        h.subject = "S1";
        h.subject_rowid = s->find_subject("S1")->rowid;
        h.reason = "case 1";
        h.placed = t("2026-01-02T00:00:00Z");
        s->place_hold(h);
        Request q;
        q.kind = "access";
        q.subject = "S2";
        q.subject_rowid = s->find_subject("S2")->rowid;
        q.subject_pseudonym = s->pseudonym("S2");
        q.received = t("2026-01-02T00:00:00Z");
        q.due = t("2026-02-01T00:00:00Z");
        s->open_request(q);
        tx.commit();
    }
    auto c1 = explain_one(*s, p, "2026-03-01T00:00:00Z", "c1");
    CHECK(c1.decision == Decision::held);
    CHECK(c1.rules[0].status == RuleState::held);
    PurgeResult dry = run(*s, p, "2026-03-01T00:00:00Z", true);
    PurgeResult r = run(*s, p, "2026-03-01T00:00:00Z");
    CHECK(r.held == 1);
    CHECK(r.deleted == 1);
    CHECK(r.subjects_removed == 0);
    CHECK(dry.held == r.held);
    CHECK(dry.deleted == r.deleted);
    CHECK(dry.subjects_removed == r.subjects_removed);
    CHECK(s->find_record("c1"));
    CHECK(s->find_subject("S2"));
}

TEST_CASE("engine: end_of_week rounding and records created after now") {
    Policy p = policy_from(R"(
[[rule]]
id = "weekly"
category = "chat"
after = "created"
keep = "0d"
round = "end_of_week"
action = "delete"
)");
    auto s = memory_store();
    add_record(*s, "c1", "S1", "chat", "2026-11-25T10:00:00+01:00"); // Wednesday
    add_record(*s, "c2", "S1", "chat", "2026-12-01T10:00:00+01:00"); // future
    auto c1 = explain_one(*s, p, "2026-11-29T23:59:59+01:00", "c1");
    CHECK(format_utc(*c1.rules[0].due) == "2026-11-29T23:00:00Z");
    CHECK(c1.decision == Decision::keep);
    auto c2 = explain_one(*s, p, "2026-11-30T00:00:00+01:00", "c2");
    CHECK(c2.rules[0].status == RuleState::pending);
    PurgeResult r = run(*s, p, "2026-11-30T00:00:00+01:00");
    CHECK(r.deleted == 1);
    CHECK(r.subjects_removed == 0);
}

TEST_CASE("engine: max_delete refuses and changes nothing") {
    Policy p = policy_from(k_delete_30d);
    auto s = memory_store();
    add_record(*s, "c1", "S1", "chat", "2026-01-01T10:00:00Z");
    add_record(*s, "c2", "S1", "chat", "2026-01-01T10:00:00Z");
    PurgeOptions o;
    o.now = t("2026-06-01");
    o.max_delete = 1;
    CHECK_THROWS_WITH_AS(purge(*s, p, o),
                         "refusing to purge: 2 records would be deleted, more than the "
                         "--max-delete limit of 1; nothing was changed (check the policy, or "
                         "raise --max-delete)",
                         Error);
    CHECK(s->count_records() == 2);
    o.max_delete = 2;
    CHECK(purge(*s, p, o).deleted == 2);
}

TEST_CASE("engine: explain of unknown subject or record") {
    Policy p = policy_from(k_delete_30d);
    auto s = memory_store();
    CHECK_THROWS_WITH_AS(explain_subject(*s, p, t("2026-01-01"), "nobody"),
                         "no subject 'nobody' in the store ':memory:'", Error);
    CHECK_THROWS_WITH_AS(explain_record(*s, p, t("2026-01-01"), "r9"),
                         "no record 'r9' in the store ':memory:'", Error);
}

TEST_CASE("engine: run_policy_tests reports expected vs actual") {
    Policy p = policy_from(k_delete_30d + std::string(R"(
[[test]]
name = "passes"
now = "2026-02-01"
records = [ { id = "c1", subject = "S1", category = "chat", created = "2026-01-01" } ]
[test.expect]
deleted = ["c1"]

[[test]]
name = "fails"
now = "2026-01-30"
records = [ { id = "c1", subject = "S1", category = "chat", created = "2026-01-01" } ]
[test.expect]
deleted = ["c1"]
)"));
    TestReport r = run_policy_tests(p);
    CHECK(r.passed == 1);
    CHECK(r.failed == 1);
    REQUIRE(r.cases[1].failures.size() == 1);
    CHECK(r.cases[1].failures[0].record == "c1");
    CHECK(r.cases[1].failures[0].expected == "deleted");
    CHECK(r.cases[1].failures[0].actual == "present (not anonymized), fields {}");
}
