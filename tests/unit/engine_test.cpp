// The retention engine on an in-memory store: anchors, pending, due boundaries, earliest delete,
// anonymize once, conditions, unlink, holds, subject removal, dry-run equality, policy tests.

#include "test_support.hpp"
#include "vern/engine.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
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

// Loads the test header, `rules` and the footer as one policy file, diagnostics and all.
PolicyLoad load_rules(const std::string& rules) {
    return testing::load_policy_text(k_header + rules + k_footer);
}

Policy policy_from(const std::string& rules) {
    PolicyLoad load = load_rules(rules);
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
                const char* created, json fields = json::object(), const char* case_id = "") {
    WriteTransaction tx(s);
    NewRecord r{id, subject, category, t(created), fields};
    r.case_id = case_id;
    s.upsert_record(r, t(created));
    tx.commit();
}

void add_event(Store& s, EventScope scope, const char* target, const char* kind, const char* at,
               const char* case_id = "") {
    WriteTransaction tx(s);
    Event e;
    e.scope = scope;
    e.kind = kind;
    e.at = t(at);
    e.case_id = case_id;
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
    const RowId c1_rowid = *s->find_record_rowid("c1");
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
    CHECK_FALSE(s->find_record("c1")); // unlinked: a fresh id
    auto c1 = s->find_record_by_rowid(c1_rowid);
    REQUIRE(c1);
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

// ---- SPEC 3.5 "Anchor" and "Cases": each check below fails if its rule is dropped ----------

namespace {

const char* const k_episode_rules = R"(
[[rule]]
id = "chat-after-session"
category = "chat"
after = "event:last_session"
keep = "7d"
action = "delete"

[[rule]]
id = "log-after-end"
category = "log"
after = "global:ended"
keep = "0d"
action = "delete"
)";

RuleStatus rule_of(Store& s, const Policy& p, const char* now, const char* id) {
    return explain_one(s, p, now, id).rules.at(0);
}

} // namespace

TEST_CASE("anchor: a subject event anchors only records that existed when it happened") {
    Policy p = policy_from(k_episode_rules);
    auto s = memory_store();
    add_record(*s, "old", "K", "chat", "2026-01-10T10:00:00Z");
    add_event(*s, EventScope::subject, "K", "last_session", "2026-02-09T10:00:00Z");
    add_record(*s, "new", "K", "chat", "2026-08-01T10:00:00Z");
    add_record(*s, "same", "K", "chat", "2026-02-09T10:00:00Z"); // created at the event itself

    // The returning client's new notes wait for the next session; the old ones go.
    RuleStatus old_st = rule_of(*s, p, "2026-08-02T00:00:00Z", "old");
    CHECK(old_st.status == RuleState::due);
    CHECK(format_utc(*old_st.anchor) == "2026-02-09T10:00:00Z");
    RuleStatus new_st = rule_of(*s, p, "2026-08-02T00:00:00Z", "new");
    CHECK(new_st.status == RuleState::pending);
    REQUIRE(new_st.passed_over);
    CHECK(new_st.reason ==
          "last_session 2026-02-09 11:00:00 CET was before this record was created: waits for "
          "the next one");
    // "at or after the creation": an event at the very second of the creation anchors.
    CHECK(rule_of(*s, p, "2026-08-02T00:00:00Z", "same").status == RuleState::due);

    PurgeResult r = run(*s, p, "2026-08-02T00:00:00Z");
    CHECK(r.deleted == 2);
    CHECK(s->find_record("new"));

    // The next session anchors the new notes.
    add_event(*s, EventScope::subject, "K", "last_session", "2026-09-01T10:00:00Z");
    new_st = rule_of(*s, p, "2026-09-01T12:00:00Z", "new");
    CHECK(new_st.status == RuleState::not_due);
    CHECK(format_utc(*new_st.anchor) == "2026-09-01T10:00:00Z");
    REQUIRE(new_st.anchor_event);
    CHECK(new_st.anchor_event->source == AnchorEvent::Source::subject);
}

TEST_CASE("scan: the subject's history is read for the records whose rules need it, and for "
          "every record under a `*` rule, even one of a category the policy no longer lists") {
    // scan_for_policy narrows the subject lookups to the categories of history-reading rules
    // (RecordScan::history_categories); a `*` rule covers categories outside the policy too.
    Policy p = policy_from(R"(
[[rule]]
id = "closed-7d"
category = "*"
after = "event:closed"
keep = "7d"
action = "delete"
)");
    auto s = memory_store();
    add_record(*s, "retired-1", "K", "retired", "2026-01-10T10:00:00Z");
    add_record(*s, "chat-1", "K", "chat", "2026-01-11T10:00:00Z");
    add_event(*s, EventScope::subject, "K", "closed", "2026-02-01T10:00:00Z");
    for (const char* id : {"retired-1", "chat-1"}) {
        INFO(id);
        RuleStatus st = rule_of(*s, p, "2026-03-01T00:00:00Z", id);
        CHECK(st.status == RuleState::due);
        REQUIRE(st.anchor);
        CHECK(format_utc(*st.anchor) == "2026-02-01T10:00:00Z");
    }
    CHECK(run(*s, p, "2026-03-01T00:00:00Z").deleted == 2);

    // Only chat reads events: a log record of the same subject, in the same batch, is decided
    // by its own rule and the chat record still gets the subject's history.
    Policy q = policy_from(R"(
[[rule]]
id = "chat-closed-7d"
category = "chat"
after = "event:closed"
keep = "7d"
action = "delete"

[[rule]]
id = "log-30d"
category = "log"
after = "created"
keep = "30d"
action = "delete"
)");
    add_record(*s, "log-2", "L", "log", "2026-01-10T10:00:00Z");
    add_record(*s, "chat-2", "L", "chat", "2026-01-10T10:00:00Z");
    add_event(*s, EventScope::subject, "L", "closed", "2026-01-20T10:00:00Z");
    RuleStatus chat = rule_of(*s, q, "2026-01-28T00:00:00Z", "chat-2");
    CHECK(chat.status == RuleState::due);
    REQUIRE(chat.anchor);
    CHECK(format_utc(*chat.anchor) == "2026-01-20T10:00:00Z");
    RuleStatus log = rule_of(*s, q, "2026-01-28T00:00:00Z", "log-2");
    CHECK(log.rule->id == "log-30d");
    CHECK(log.status == RuleState::not_due);
    REQUIRE(log.due);
    CHECK(format_utc(*log.due) == "2026-02-09T10:00:00Z");
    PurgeResult r = run(*s, q, "2026-01-28T00:00:00Z");
    CHECK(r.deleted == 1);
    CHECK(s->find_record("log-2"));
    CHECK_FALSE(s->find_record("chat-2"));
}

TEST_CASE("anchor: a record event anchors its record whenever it happened") {
    Policy p = policy_from(k_episode_rules);
    auto s = memory_store();
    add_record(*s, "c", "K", "chat", "2026-05-01T10:00:00Z");
    add_event(*s, EventScope::record, "c", "last_session", "2026-04-01T10:00:00Z");
    RuleStatus st = rule_of(*s, p, "2026-05-02T00:00:00Z", "c");
    CHECK(st.status == RuleState::due);
    CHECK(format_utc(*st.anchor) == "2026-04-01T10:00:00Z");
    CHECK(st.anchor_event->source == AnchorEvent::Source::record);
}

TEST_CASE("anchor: a global event anchors only records created at or before it") {
    Policy p = policy_from(k_episode_rules);
    auto s = memory_store();
    add_record(*s, "before", "K", "log", "2026-02-01T00:00:00Z");
    add_record(*s, "at", "K", "log", "2026-03-01T00:00:00Z");
    add_record(*s, "after", "K", "log", "2026-03-02T00:00:00Z");
    add_event(*s, EventScope::global, "", "ended", "2026-03-01T00:00:00Z");
    CHECK(rule_of(*s, p, "2026-04-01T00:00:00Z", "before").status == RuleState::due);
    CHECK(rule_of(*s, p, "2026-04-01T00:00:00Z", "at").status == RuleState::due);
    RuleStatus after = rule_of(*s, p, "2026-04-01T00:00:00Z", "after");
    CHECK(after.status == RuleState::pending);
    CHECK(after.reason == "global event 'ended' 2026-03-01 01:00:00 CET was before this record "
                          "was created: waits for the next one");
    // Events stamped after now have not happened yet.
    add_event(*s, EventScope::global, "", "ended", "2026-05-01T00:00:00Z");
    CHECK(rule_of(*s, p, "2026-04-01T00:00:00Z", "after").status == RuleState::pending);
    CHECK(rule_of(*s, p, "2026-05-01T00:00:00Z", "after").status == RuleState::due);
}

TEST_CASE("cases: a case's event anchors its own records and the caseless ones, never another "
          "case's") {
    Policy p = policy_from(k_episode_rules);
    auto s = memory_store();
    add_record(*s, "cv-1", "P", "chat", "2026-01-05T09:00:00Z", json::object(), "tiltak-1");
    add_record(*s, "cv-2", "P", "chat", "2026-02-16T09:00:00Z", json::object(), "tiltak-2");
    add_record(*s, "personalia", "P", "chat", "2026-01-05T09:00:00Z");
    add_event(*s, EventScope::subject, "P", "last_session", "2026-03-01T12:00:00Z", "tiltak-1");

    CHECK(rule_of(*s, p, "2026-03-10T00:00:00Z", "cv-1").status == RuleState::due);
    RuleStatus cv2 = rule_of(*s, p, "2026-03-10T00:00:00Z", "cv-2");
    CHECK(cv2.status == RuleState::pending);
    CHECK(cv2.reason == "no event 'last_session' yet");
    // The caseless record waits for every case: tiltak-2 has had no event.
    RuleStatus pers = rule_of(*s, p, "2026-03-10T00:00:00Z", "personalia");
    CHECK(pers.status == RuleState::pending);
    CHECK(pers.waiting_case == "tiltak-2");

    // A caseless event does not end a case's wait, but it anchors every record.
    add_event(*s, EventScope::subject, "P", "last_session", "2026-04-01T12:00:00Z");
    cv2 = rule_of(*s, p, "2026-04-01T13:00:00Z", "cv-2");
    CHECK(cv2.status == RuleState::not_due);
    CHECK(format_utc(*cv2.anchor) == "2026-04-01T12:00:00Z");
    CHECK(rule_of(*s, p, "2026-04-01T13:00:00Z", "personalia").status == RuleState::pending);

    // tiltak-2's own event ends its wait; the caseless record takes the latest applicable event.
    add_event(*s, EventScope::subject, "P", "last_session", "2026-05-04T00:00:00Z", "tiltak-2");
    pers = rule_of(*s, p, "2026-05-04T01:00:00Z", "personalia");
    CHECK(pers.status == RuleState::not_due);
    CHECK(format_utc(*pers.anchor) == "2026-05-04T00:00:00Z");
    CHECK(pers.anchor_event->case_id == "tiltak-2");
    // tiltak-1's records keep their own clock: the later tiltak-2 event is not theirs.
    CHECK(format_utc(*rule_of(*s, p, "2026-05-04T01:00:00Z", "cv-1").anchor) ==
          "2026-04-01T12:00:00Z");
}

TEST_CASE("cases: a case waits again when it gets a record after its event") {
    Policy p = policy_from(k_episode_rules);
    auto s = memory_store();
    add_record(*s, "personalia", "P", "chat", "2026-01-05T09:00:00Z");
    add_record(*s, "cv-1", "P", "chat", "2026-01-05T09:00:00Z", json::object(), "tiltak-1");
    add_event(*s, EventScope::subject, "P", "last_session", "2026-03-01T12:00:00Z", "tiltak-1");
    CHECK(rule_of(*s, p, "2026-03-02T00:00:00Z", "personalia").status == RuleState::not_due);
    // The participant rejoins the same measure: a new record of the case, after its event.
    add_record(*s, "cv-1b", "P", "chat", "2026-06-01T09:00:00Z", json::object(), "tiltak-1");
    CHECK(rule_of(*s, p, "2026-06-02T00:00:00Z", "personalia").status == RuleState::pending);
    // ... but not before that record exists.
    CHECK(rule_of(*s, p, "2026-05-31T00:00:00Z", "personalia").status == RuleState::due);
    // An event exactly at the newest record's creation ends the wait.
    add_event(*s, EventScope::subject, "P", "last_session", "2026-06-01T09:00:00Z", "tiltak-1");
    CHECK(rule_of(*s, p, "2026-06-02T00:00:00Z", "personalia").status == RuleState::not_due);
}

TEST_CASE("cases: a purge in batches does exactly its plan, even when it deletes a whole case") {
    Policy p = policy_from(std::string(k_episode_rules) + R"(
[[rule]]
id = "log-30d"
category = "log"
after = "created"
keep = "30d"
action = "delete"
)");
    auto s = memory_store();
    // The case's only record comes first in the table and falls due; the caseless record waits
    // for the case's own event (a caseless event does not end a case's wait).
    add_record(*s, "cv-1", "P", "log", "2026-01-05T09:00:00Z", json::object(), "tiltak-1");
    add_record(*s, "personalia", "P", "chat", "2026-01-05T09:00:00Z");
    add_event(*s, EventScope::subject, "P", "last_session", "2026-02-01T12:00:00Z");
    const PurgeResult plan = run(*s, p, "2026-03-10T00:00:00Z", true);
    CHECK(plan.deleted == 1);
    PurgeOptions o;
    o.now = t("2026-03-10T00:00:00Z");
    o.user = "test";
    o.batch_size = 1; // cv-1 goes in the first batch, before personalia is looked at
    const PurgeResult done = purge(*s, p, o);
    CHECK(done.deleted == plan.deleted);
    CHECK_FALSE(s->find_record("cv-1"));
    CHECK(s->find_record("personalia"));
    // The next run starts without the case: nothing waits any more.
    CHECK(run(*s, p, "2026-03-10T00:00:00Z").deleted == 1);
    CHECK_FALSE(s->find_record("personalia"));
}

TEST_CASE("last_activity: creation and applicable events count, global events never, "
          "activity narrows the kinds") {
    Policy p = policy_from(R"(
[[rule]]
id = "chat-inactive"
category = "chat"
after = "last_activity"
keep = "24mo"
action = "delete"

[[rule]]
id = "log-inactive-in-tool"
category = "log"
after = "last_activity"
activity = ["login"]
keep = "24mo"
action = "delete"
)");
    auto s = memory_store();
    add_record(*s, "chat", "K", "chat", "2026-01-01T10:00:00Z", json::object(), "a");
    add_record(*s, "tool", "K", "log", "2026-01-01T10:00:00Z");
    add_event(*s, EventScope::subject, "K", "login", "2026-02-01T10:00:00Z");
    add_event(*s, EventScope::subject, "K", "guidance_session", "2026-06-01T10:00:00Z");
    add_event(*s, EventScope::subject, "K", "login", "2026-07-01T10:00:00Z", "b"); // other case
    add_event(*s, EventScope::global, "", "login", "2026-09-01T10:00:00Z");

    auto chat = rule_of(*s, p, "2026-10-01T00:00:00Z", "chat");
    CHECK(format_utc(*chat.anchor) == "2026-06-01T10:00:00Z"); // not case b's, not the global
    auto tool = explain_one(*s, p, "2026-10-01T00:00:00Z", "tool").rules.at(0);
    // Only logins count; the caseless record sees case b's login.
    CHECK(format_utc(*tool.anchor) == "2026-07-01T10:00:00Z");
    CHECK(tool.anchor_event->kind == "login");

    auto s2 = memory_store();
    add_record(*s2, "tool", "K", "log", "2026-01-01T10:00:00Z");
    add_event(*s2, EventScope::subject, "K", "guidance_session", "2026-06-01T10:00:00Z");
    add_event(*s2, EventScope::record, "tool", "guidance_session", "2026-07-01T10:00:00Z");
    // Only guidance sessions: the creation is the last activity in the tool.
    auto only_creation = explain_one(*s2, p, "2028-01-01T10:00:00Z", "tool").rules.at(0);
    CHECK(format_utc(*only_creation.anchor) == "2026-01-01T10:00:00Z");
    CHECK(only_creation.status == RuleState::due);
}

TEST_CASE("policy: activity only on last_activity rules") {
    PolicyLoad load = load_rules(R"(
[[rule]]
id = "chat-after"
category = "chat"
after = "event:last_session"
activity = ["login"]
keep = "7d"
action = "delete"

[[rule]]
id = "chat-empty"
category = "chat"
after = "last_activity"
activity = []
keep = "7d"
action = "delete"
)");
    std::vector<std::string> errors;
    for (const auto& d : load.diagnostics) {
        if (d.severity == Severity::error) errors.push_back(d.message);
    }
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].find("'activity' only narrows after = \"last_activity\"") !=
          std::string::npos);
    CHECK(errors[1].find("empty 'activity'") != std::string::npos);
}

TEST_CASE("engine: stored fields that are not JSON match no `where` and stop nothing") {
    Policy p = policy_from(R"(
[[rule]]
id = "external-7d"
category = "chat"
after = "created"
keep = "7d"
action = "delete"
where = { direction = "external" }
)");
    char path[] = "/tmp/vern-engine-where-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    std::remove(path);
    {
        auto s = open_store(path, StoreOptions{true, false, 0});
        add_record(*s, "odd", "S1", "chat", "2026-01-01T10:00:00Z", {{"direction", "external"}});
        add_record(*s, "fine", "S2", "chat", "2026-01-01T10:00:00Z", {{"direction", "external"}});
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("UPDATE records SET fields = '{\"direction\": ' WHERE id = 'odd'"); // not JSON
    }
    auto s = open_store(path, StoreOptions{});
    RuleStatus st = explain_one(*s, p, "2026-02-01T00:00:00Z", "odd").rules.at(0);
    CHECK(st.status == RuleState::not_applicable);
    CHECK(st.reason == "where: the record has no field 'direction'");
    PurgeResult r = run(*s, p, "2026-02-01T00:00:00Z");
    CHECK(r.deleted == 1); // the readable record still goes
    CHECK_FALSE(s->find_record("fine"));
    s.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((std::string(path) + suffix).c_str());
}

namespace {

// Every record's decision, due time and anchor as one line each, in rowid order.
std::vector<std::string> decisions(Store& s, const Policy& p, const char* now,
                                   const EvaluationScope& scope) {
    std::vector<std::string> out;
    ReadTransaction tx(s);
    evaluate_records(s, p, t(now), scope, [&](std::span<const RecordEvaluation> batch) {
        for (const RecordEvaluation& ev : batch) {
            std::string line = ev.record.id + " " + decision_name(ev.decision);
            for (const RuleStatus& st : ev.rules) {
                line += " " + st.rule->id + ":" + rule_state_name(st.status);
                if (st.due) line += "@" + format_utc(*st.due);
                if (st.anchor_event) line += "<" + st.anchor_event->case_id;
            }
            out.push_back(line);
        }
        return true;
    });
    return out;
}

} // namespace

TEST_CASE("evaluate_records: the whole-store read of status and plan decides as the per-batch "
          "read, whether the histories fit the limit or not, with dense or sparse subject ids") {
    const std::string dir = [] {
        std::string tmpl = (std::filesystem::temp_directory_path() / "vern-wsr-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        return tmpl;
    }();
    const std::string path = dir + "/store.db";
    Policy p = policy_from(R"(
[[rule]]
id = "chat-after-session"
category = "chat"
after = "event:last_session"
keep = "7d"
action = "delete"

[[rule]]
id = "log-by-where"
category = "log"
after = "created"
keep = "1d"
action = "delete"
where = { kind = "debug" }
)");
    {
        auto s = open_store(path, StoreOptions{true, false, 0});
        // Subjects with caseless and case-bound events, cases that wait, and none at all.
        for (int i = 0; i < 12; ++i) {
            const std::string subject = "S" + std::to_string(i);
            const std::string chat = "chat-" + std::to_string(i);
            const char* c = i % 3 == 0 ? "" : (i % 3 == 1 ? "case-a" : "case-b");
            add_record(*s, chat.c_str(), subject.c_str(), "chat", "2026-01-10T10:00:00Z",
                       json::object(), c);
            add_record(*s, ("log-" + std::to_string(i)).c_str(), subject.c_str(), "log",
                       "2026-01-10T10:00:00Z", json{{"kind", i % 2 ? "debug" : "audit"}});
            if (i % 4 != 3) {
                add_event(*s, EventScope::subject, subject.c_str(), "last_session",
                          i % 2 ? "2026-02-01T10:00:00Z" : "2026-02-03T10:00:00Z",
                          i % 4 == 1 ? "case-a" : "");
            }
            add_event(*s, EventScope::subject, subject.c_str(), "other", "2026-02-05T10:00:00Z");
        }
        add_record(*s, "chat-late", "S1", "chat", "2026-02-20T10:00:00Z", json::object(),
                   "case-a"); // case-a of S1 waits again
    }
    auto s = open_store(path, StoreOptions{false, false, 0});
    EvaluationScope per_batch;
    per_batch.batch_size = 5; // subjects span batches
    EvaluationScope whole = per_batch;
    whole.parallel = true;
    whole.fields = false; // the `where` rule reads them all the same
    whole.history_preload_limit = k_history_preload_limit;
    EvaluationScope over_limit = whole;
    over_limit.history_preload_limit = 3; // more groups than that: per batch after all

    for (const char* now :
         {"2026-02-09T00:00:00Z", "2026-02-12T00:00:00Z", "2026-03-01T00:00:00Z"}) {
        INFO(now);
        const auto want = decisions(*s, p, now, per_batch);
        REQUIRE(want.size() == 25);
        CHECK(decisions(*s, p, now, whole) == want);
        CHECK(decisions(*s, p, now, over_limit) == want);
    }
    // Anchored and not, pending, by `where`: the comparison above is not between empty answers.
    const auto at_0212 = decisions(*s, p, "2026-02-12T00:00:00Z", per_batch);
    const auto count = [&](const char* word) {
        return std::count_if(at_0212.begin(), at_0212.end(), [&](const std::string& l) {
            return l.find(word) != std::string::npos;
        });
    };
    CHECK(count(" delete ") > 0);
    CHECK(count(":pending") > 0);
    CHECK(count("<case-a") > 0);
    CHECK(count("log-by-where:not_applicable") > 0);
    const auto before = decisions(*s, p, "2026-03-01T00:00:00Z", per_batch);

    // Sparse subject ids (a store that lost most of its subjects): the preload finds a
    // subject's rows by binary search instead of its table by sid.
    s.reset();
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("UPDATE subjects SET sid = sid + 3000000; UPDATE records SET sid = sid + 3000000;"
                "UPDATE events SET sid = sid + 3000000 WHERE sid IS NOT NULL;");
    }
    s = open_store(path, StoreOptions{false, false, 0});
    CHECK(decisions(*s, p, "2026-03-01T00:00:00Z", per_batch) == before);
    CHECK(decisions(*s, p, "2026-03-01T00:00:00Z", whole) == before);
    s.reset();
    std::filesystem::remove_all(dir);
}
