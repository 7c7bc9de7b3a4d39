// Rights: retention rules in words, HTML escaping, erasure exceptions, consent withdrawal, request
// deadlines, and the erasure ledger round trip (export, restore, replay) on in-memory stores.

#include "test_support.hpp"
#include "vern/ledger.hpp"
#include "vern/requests.hpp"
#include "vern/rights.hpp"
#include "vern/selector.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace vern;
using nlohmann::json;

namespace {

const char* const k_policy = R"(
[policy]
name = "Test"
controller = "Test AS"
contact = "p@example.no"
timezone = "Europe/Oslo"
language = "en"

[identifiers]
email = ["email"]
name = ["name"]

[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"

[[category]]
id = "survey"
title = "Survey"
purpose = "Survey"
legal_basis = "consent"
consent_purpose = "survey"

[[category]]
id = "invoice"
title = "Invoice"
purpose = "Accounts"
legal_basis = "legal_obligation"
legal_ref = "bokføringsloven § 13"

[[category]]
id = "nav"
title = "NAV"
purpose = "Measures"
legal_basis = "public_task"
role = "processor"
controller = "NAV"

[[rule]]
id = "chat-30d"
category = "chat"
after = "created"
keep = "30d"
action = "delete"

[[rule]]
id = "chat-phone"
category = "chat"
after = "event:last_session"
keep = "12w"
round = "end_of_week"
action = "anonymize"
fields = { phone = "drop_last:4", ip = "truncate_ip" }
where = { direction = "external" }
unless_consent = "survey"

[[rule]]
id = "rest-1y"
categories = ["survey", "invoice", "nav"]
after = "global:closed"
keep = "1y"
action = "delete"

[[rule]]
id = "survey-active"
category = "survey"
after = "last_activity"
keep = "0d"
round = "end_of_month"
action = "delete"
if_consent = "survey"
)";

Policy test_policy() {
    PolicyLoad load = testing::load_policy_text(k_policy);
    for (const auto& d : load.diagnostics)
        INFO(format_diagnostic(d));
    REQUIRE_FALSE(load.has_errors());
    return load.policy;
}

Instant t(const char* text) {
    auto i = parse_time(text, *find_zone("Europe/Oslo"));
    REQUIRE(i.ok());
    return *i;
}

std::unique_ptr<Store> memory_store(const Policy& p) {
    auto s = open_store(":memory:", StoreOptions{true, false, 0});
    s->set_identifier_fields(p.identifiers);
    return s;
}

void add(Store& s, const char* id, const char* subject, const char* category,
         json fields = json::object()) {
    WriteTransaction tx(s);
    s.upsert_record(NewRecord{id, subject, category, t("2026-03-01"), fields}, t("2026-03-01"));
    tx.commit();
}

void give(Store& s, const char* subject, const char* purpose) {
    WriteTransaction tx(s);
    s.add_consent(s.ensure_subject(subject, t("2026-03-01")).first.rowid,
                  {purpose, true, t("2026-03-01")});
    tx.commit();
}

} // namespace

TEST_CASE("rights::describe_rule in both languages") {
    Policy p = test_policy();
    CHECK(describe_rule(p.rules[0], Language::en) == "deleted 30 days after creation");
    CHECK(describe_rule(p.rules[0], Language::nb) == "slettes 30 dager etter at den ble opprettet");
    CHECK(describe_rule(p.rules[1], Language::en) ==
          "anonymised 12 weeks after the event “last_session”, at the end of that week, only "
          "where direction is “external”, unless you have consented to “survey”; fields: ip (the "
          "IP address shortened), phone (the last 4 characters deleted)");
    CHECK(describe_rule(p.rules[1], Language::nb) ==
          "anonymiseres 12 uker etter hendelsen «last_session», ved utgangen av den uken, bare der "
          "direction er «external», med mindre du har samtykket til «survey»; felter: ip "
          "(IP-adressen forkortes), phone (de siste 4 tegnene slettes)");
    CHECK(describe_rule(p.rules[2], Language::en) ==
          "deleted 1 year after the organisation-wide event “closed”");
    CHECK(describe_rule(p.rules[2], Language::nb) ==
          "slettes 1 år etter den felles hendelsen «closed»");
    CHECK(describe_rule(p.rules[3], Language::en) ==
          "deleted right after the last activity, at the end of that month, while your consent to "
          "“survey” lasts");
    CHECK(describe_rule(p.rules[3], Language::nb) ==
          "slettes straks etter siste aktivitet, ved utgangen av den måneden, så lenge samtykket "
          "ditt til «survey» gjelder");
    CHECK(parse_language("de").error() == "invalid language \"de\": expected nb or en");
}

TEST_CASE("rights::describe_rule names keys, event kinds and purposes by their words") {
    Policy p = test_policy();
    const std::map<std::string, std::string> words{{"last_session", "siste veiledningstime"},
                                                   {"direction", "retning"},
                                                   {"survey", "brukerundersøkelsen"},
                                                   {"ip", "IP-adresse"},
                                                   {"phone", "telefonnummer"}};
    auto lookup = [&](const std::string& key) {
        auto it = words.find(key);
        return it == words.end() ? key : it->second;
    };
    CHECK(describe_rule(p.rules[1], Language::nb, lookup) ==
          "anonymiseres 12 uker etter hendelsen «siste veiledningstime», ved utgangen av den uken, "
          "bare der retning er «external», med mindre du har samtykket til «brukerundersøkelsen»; "
          "felter: IP-adresse (IP-adressen forkortes), telefonnummer (de siste 4 tegnene slettes)");
    CHECK(describe_rule(p.rules[3], Language::nb, lookup) ==
          "slettes straks etter siste aktivitet, ved utgangen av den måneden, så lenge samtykket "
          "ditt til «brukerundersøkelsen» gjelder");
}

TEST_CASE("rights::html_escape") {
    CHECK(html_escape("<a href=\"x\">'&'</a>") ==
          "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    CHECK(html_escape("æøå") == "æøå");
}

TEST_CASE("rights::selectors: case-insensitive email, ambiguity") {
    Policy p = test_policy();
    auto s = memory_store(p);
    add(*s, "c1", "A", "chat", {{"email", "Ola@Example.no"}, {"name", "Kari Nordmann"}});
    add(*s, "c2", "B", "chat", {{"name", "kari  NORDMANN"}});
    CHECK(resolve_subject(*s, {SelectorKind::email, "ola@EXAMPLE.no"}).ref == "A");
    auto both = find_subjects(*s, {SelectorKind::name, "Kari Nordmann"});
    REQUIRE(both.size() == 2);
    CHECK(selector_problem({SelectorKind::name, "x"}, both) ==
          "--name matches 2 subjects (A, B); nothing was disclosed; choose one with --subject REF");
    CHECK_THROWS_WITH_AS(resolve_subject(*s, {SelectorKind::national_id, "12345678901"}),
                         doctest::Contains("invalid national id"), Error);
}

TEST_CASE("rights::erase_subject: exceptions, dry run, the subject and its pseudonym") {
    Policy p = test_policy();
    auto s = memory_store(p);
    add(*s, "c1", "A", "chat");
    add(*s, "i1", "A", "invoice");
    add(*s, "n1", "A", "nav");
    add(*s, "c2", "B", "chat");
    const Subject a = *s->find_subject("A");

    EraseOptions dry;
    dry.dry_run = true;
    ErasureResult r = erase_subject(*s, p, a, t("2026-03-10"), dry);
    CHECK(r.erased == 1);
    CHECK(r.retained == 2);
    CHECK(s->count_records() == 4);

    ErasureResult done = erase_subject(*s, p, a, t("2026-03-10"), {});
    CHECK(done.erased == 1);
    CHECK_FALSE(done.subject_removed);
    REQUIRE(done.categories.size() == 3);
    CHECK(done.categories[1].outcome == EraseOutcome::legal_obligation);
    CHECK(done.categories[1].legal_ref == "bokføringsloven § 13");
    CHECK(done.categories[2].outcome == EraseOutcome::processor);
    CHECK(done.categories[2].controller == "NAV");

    const Subject b = *s->find_subject("B");
    ErasureResult gone = erase_subject(*s, p, b, t("2026-03-10"), {});
    CHECK(gone.subject_removed);
    CHECK_FALSE(s->find_subject("B"));
    CHECK(s->is_erased(s->pseudonym("B")));

    EraseOptions unknown;
    unknown.categories = {"nosuch"};
    CHECK_THROWS_AS(erase_subject(*s, p, a, t("2026-03-10"), unknown), Error);
}

TEST_CASE("rights::withdraw_consent deletes exactly the consent-based records") {
    Policy p = test_policy();
    auto s = memory_store(p);
    add(*s, "c1", "A", "chat");
    add(*s, "s1", "A", "survey");
    give(*s, "A", "survey");
    ConsentResult r = withdraw_consent(*s, p, "A", "survey", t("2026-03-05"), t("2026-03-10"));
    CHECK(r.deleted_total == 1);
    CHECK(r.deleted.at("survey") == 1);
    CHECK(s->find_record("c1"));
    CHECK_FALSE(s->find_record("s1"));
    CHECK(s->consent_withdrawn(s->find_subject("A")->rowid, "survey", t("2026-03-10")));
    CHECK_THROWS_WITH_AS(withdraw_consent(*s, p, "A", "nosuch", t("2026-03-05"), t("2026-03-10")),
                         "unknown consent purpose \"nosuch\"; the policy's purposes are: survey",
                         Error);
}

TEST_CASE("rights::requests: deadline, one extension of at most two months") {
    Policy p = test_policy();
    auto s = memory_store(p);
    add(*s, "c1", "A", "chat");
    const Subject a = *s->find_subject("A");
    Request r = open_request(*s, p, a, "access", t("2026-01-31T10:00:00+01:00"), t("2026-02-01"));
    CHECK(format_utc(r.due) == "2026-03-02T09:00:00Z");
    CHECK(request_status(r, t("2026-03-03")) == RequestStatus::overdue);
    CHECK(request_days_left(r, t("2026-02-28")) == 2);
    CHECK_THROWS_AS(extend_request(*s, p, r.id, "x", Duration{0, 3, 0, "3mo"}, t("2026-02-02")),
                    Error);
    Request e = extend_request(*s, p, r.id, "complex", std::nullopt, t("2026-02-02"));
    CHECK(format_utc(*e.extended_due) == "2026-05-02T08:00:00Z");
    CHECK_THROWS_WITH_AS(extend_request(*s, p, r.id, "again", std::nullopt, t("2026-02-03")),
                         "request 1 was already extended to 2026-05-02; GDPR art. 12(3) allows one "
                         "extension of at most two months",
                         Error);
    Request c = close_request(*s, p, r.id, t("2026-04-01"));
    CHECK(request_status(c, t("2026-06-01")) == RequestStatus::closed);
}

TEST_CASE("rights::erasure ledger: export, restore an older copy, replay") {
    Policy p = test_policy();
    char path[] = "/tmp/vern-ledger-test-XXXXXX";
    REQUIRE(mkdtemp(path) != nullptr);
    const std::string dir = path;
    const std::string db = dir + "/s.db";
    const std::string backup = dir + "/backup.db";
    {
        auto s = open_store(db, StoreOptions{true, false, 0});
        s->set_identifier_fields(p.identifiers);
        add(*s, "c1", "A", "chat", {{"email", "a@example.no"}});
        add(*s, "s2", "B", "survey");
        add(*s, "c2", "B", "chat");
        give(*s, "B", "survey");
        s->checkpoint();
    }
    {
        std::ifstream in(db, std::ios::binary);
        std::ofstream out(backup, std::ios::binary);
        out << in.rdbuf();
    }
    std::string ledger;
    {
        auto s = open_store(db, StoreOptions{false, false, 0});
        erase_subject(*s, p, *s->find_subject("A"), t("2026-03-10"), {});
        withdraw_consent(*s, p, "B", "survey", t("2026-03-10"), t("2026-03-10"));
        std::ostringstream out;
        LedgerExport e = export_erasure_ledger(*s, out);
        CHECK(e.erasures == 1);
        CHECK(e.consent_withdrawals == 1);
        ledger = out.str();
        CHECK(ledger.find("\"A\"") == std::string::npos);
        CHECK(ledger.find("example") == std::string::npos);
        const std::string pa = s->pseudonym("A");
        CHECK(ledger ==
              "{\"at\":\"2026-03-09T23:00:00Z\",\"categories\":[\"chat\"],\"complete\":true,"
              "\"subject\":\"" +
                  pa +
                  "\",\"type\":\"erasure\"}\n"
                  "{\"at\":\"2026-03-09T23:00:00Z\",\"purpose\":\"survey\",\"subject\":\"" +
                  s->pseudonym("B") + "\",\"type\":\"consent_withdrawal\"}\n");
    }
    std::remove(db.c_str());
    std::remove((db + "-wal").c_str());
    std::rename(backup.c_str(), db.c_str());
    {
        auto s = open_store(db, StoreOptions{false, false, 0});
        REQUIRE(s->find_subject("A"));
        std::istringstream in(ledger);
        ReplayResult r = replay_erasure_ledger(*s, p, in, "ledger", t("2026-03-11"));
        CHECK(r.entries == 2);
        CHECK(r.deleted == 2);
        CHECK(r.subjects_removed == 1);
        CHECK_FALSE(s->find_subject("A"));
        CHECK(s->is_erased(s->pseudonym("A")));
        CHECK_FALSE(s->find_record("s2"));
        CHECK(s->find_record("c2"));
        std::istringstream bad("{\"type\":\"erasure\"}\n");
        CHECK_THROWS_WITH_AS(replay_erasure_ledger(*s, p, bad, "L", t("2026-03-11")),
                             "L:1: \"subject\" must be a non-empty string; nothing was replayed",
                             Error);
    }
    std::remove(db.c_str());
    std::remove((db + "-wal").c_str());
    std::remove((db + "-shm").c_str());
    rmdir(path);
}
