// Requests for people the store does not hold (issue 12): selector pseudonyms, registering a
// request without a subject, the access report that says "We hold no data about you", erasure
// of nobody, and a request answered after the person's data arrived. In-memory stores.

#include "test_support.hpp"
#include "vern/requests.hpp"
#include "vern/rights.hpp"
#include "vern/selector.hpp"

#include <doctest/doctest.h>

using namespace vern;
using nlohmann::json;

namespace {

const char* const k_policy = R"(
[policy]
name = "Test"
controller = "Test AS"
contact = "p@example.no"
timezone = "Europe/Oslo"
language = "nb"
request_deadline = "30d"

[identifiers]
email = ["email"]
phone = ["phone"]
national_id = ["fnr"]
name = ["name"]

[[category]]
id = "contact"
title = "Contact"
purpose = "Guidance"
legal_basis = "public_task"

[[rule]]
id = "contact-30d"
category = "contact"
after = "created"
keep = "30d"
action = "delete"
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

void add(Store& s, const char* id, const char* subject, json fields) {
    WriteTransaction tx(s);
    NewRecord r;
    r.id = id;
    r.subject = subject;
    r.category = "contact";
    r.created = t("2026-03-01");
    r.fields = std::move(fields);
    s.upsert_record(r, t("2026-03-01"));
    tx.commit();
}

std::vector<AuditEntry> audit_entries(Store& s) {
    std::vector<AuditEntry> out;
    s.read_audit(0, [&](const StoredAuditEntry& e) {
        out.push_back(e.entry);
        return true;
    });
    return out;
}

const Selector k_email{SelectorKind::email, "Ukjent.Person@Example.no"};

} // namespace

TEST_CASE("requests_unknown::selector pseudonyms: normal forms, kinds, --subject") {
    Policy p = test_policy();
    auto s = memory_store(p);
    CHECK(selector_pseudonym(*s, k_email) ==
          selector_pseudonym(*s, {SelectorKind::email, " ukjent.person@EXAMPLE.no "}));
    CHECK(selector_pseudonym(*s, {SelectorKind::phone, "+47 955 55 123"}) ==
          selector_pseudonym(*s, {SelectorKind::phone, "0047-95555123"}));
    CHECK(selector_pseudonym(*s, {SelectorKind::name, "Per  UKJENTSEN"}) ==
          selector_pseudonym(*s, {SelectorKind::name, "per ukjentsen"}));
    CHECK(selector_pseudonym(*s, {SelectorKind::national_id, "150390 12488"}) ==
          selector_pseudonym(*s, {SelectorKind::national_id, "15039012488"}));
    // The kind is part of the key; --subject REF is the pseudonym a subject with that ref has.
    CHECK(selector_pseudonym(*s, {SelectorKind::name, "x"}) !=
          selector_pseudonym(*s, {SelectorKind::email, "x"}));
    CHECK(selector_pseudonym(*s, {SelectorKind::subject, "K-9"}) == s->pseudonym("K-9"));
    CHECK(selector_pseudonym(*s, k_email).size() == 64);
    CHECK(selector_pseudonym(*s, k_email).find("ukjent") == std::string::npos);
    CHECK_THROWS_WITH_AS(selector_pseudonym(*s, {SelectorKind::national_id, "15039012489"}),
                         doctest::Contains("invalid national id"), Error);
    try {
        selector_pseudonym(*s, {SelectorKind::email, "  "});
        FAIL("an empty selector was accepted");
    } catch (const Error& e) {
        CHECK(e.code() == Code::usage);
    }
    for (SelectorKind k : {SelectorKind::subject, SelectorKind::email, SelectorKind::phone,
                           SelectorKind::national_id, SelectorKind::name}) {
        CHECK(parse_selector_kind(selector_kind_name(k)) == k);
    }
    CHECK_FALSE(parse_selector_kind("fnr"));
    CHECK(std::string(selector_kind_name(SelectorKind::national_id)) == "national_id");
}

TEST_CASE("requests_unknown::open_request_by_selector: nobody, one subject, several") {
    Policy p = test_policy();
    auto s = memory_store(p);
    add(*s, "c1", "K-1", {{"email", "ola@example.no"}, {"name", "Kari Nordmann"}});
    add(*s, "c2", "K-2", {{"name", "KARI nordmann"}});

    Request r = open_request_by_selector(*s, p, k_email, "access",
                                         t("2026-03-20T10:00:00+01:00"), t("2026-03-21"));
    CHECK(r.subject_rowid == 0);
    CHECK(r.subject.empty());
    CHECK(r.selector == "email");
    CHECK(r.subject_pseudonym == selector_pseudonym(*s, k_email));
    CHECK(format_utc(r.due) == "2026-04-19T08:00:00Z"); // 30 days on the Oslo wall clock
    auto stored = s->find_request(r.id);
    REQUIRE(stored);
    CHECK(stored->selector == "email");
    CHECK(stored->subject_rowid == 0);
    CHECK(stored->subject_pseudonym == r.subject_pseudonym);
    auto audit = audit_entries(*s);
    REQUIRE_FALSE(audit.empty());
    CHECK(audit.back().action == "request_open");
    CHECK(audit.back().rule == "access");
    CHECK(audit.back().subject == r.subject_pseudonym);

    Request unknown_ref = open_request_by_selector(*s, p, {SelectorKind::subject, "K-9"},
                                                   "erasure", t("2026-03-21"), t("2026-03-21"));
    CHECK(unknown_ref.selector == "subject");
    CHECK(unknown_ref.subject_pseudonym == s->pseudonym("K-9"));

    Request known = open_request_by_selector(*s, p, {SelectorKind::email, "OLA@example.no"},
                                             "access", t("2026-03-21"), t("2026-03-21"));
    CHECK(known.subject == "K-1");
    CHECK(known.selector.empty());
    CHECK(known.subject_pseudonym == s->pseudonym("K-1"));

    const auto before = s->list_requests().size();
    CHECK_THROWS_WITH_AS(open_request_by_selector(*s, p, {SelectorKind::name, "kari nordmann"},
                                                  "access", t("2026-03-21"), t("2026-03-21")),
                         "--name matches 2 subjects (K-1, K-2); nothing was disclosed; choose "
                         "one with --subject REF",
                         Error);
    CHECK_THROWS_WITH_AS(open_request_by_selector(*s, p,
                                                  {SelectorKind::national_id, "15039012489"},
                                                  "access", t("2026-03-21"), t("2026-03-21")),
                         doctest::Contains("invalid national id"), Error);
    CHECK_THROWS_AS(open_request_by_selector(*s, p, k_email, "complaint", t("2026-03-21"),
                                             t("2026-03-21")),
                    Error);
    CHECK_THROWS_AS(
        open_request_by_selector(*s, p, k_email, "access", t("2026-03-22"), t("2026-03-21")),
        Error);
    CHECK(s->list_requests().size() == before);
}

TEST_CASE("requests_unknown::the access report for nobody") {
    Policy p = test_policy();
    auto s = memory_store(p);
    add(*s, "c1", "K-1", {{"email", "ola@example.no"}});
    const Request r =
        open_request_by_selector(*s, p, k_email, "access", t("2026-03-01"), t("2026-03-01"));
    const Request erasure = open_request_by_selector(*s, p, k_email, "erasure", t("2026-03-01"),
                                                     t("2026-03-01"));

    AccessOptions options;
    options.language = Language::en;
    CHECK_THROWS_WITH_AS(build_unknown_person_report(*s, p, k_email, t("2026-03-10"), options),
                         doctest::Contains("no subject matches --email"), Error);
    options.request = erasure.id;
    CHECK_THROWS_WITH_AS(build_unknown_person_report(*s, p, k_email, t("2026-03-10"), options),
                         doctest::Contains("is a erasure request, not access or portability"),
                         Error);
    options.request = r.id;
    CHECK_THROWS_WITH_AS(
        build_unknown_person_report(*s, p, {SelectorKind::email, "annen@example.no"},
                                    t("2026-03-10"), options),
        "request 1 was registered by --email for a person the store did not hold, and this "
        "selector does not name that person; answer it with the same --email; nothing was done",
        Error);
    // A known subject's report cannot answer it either.
    CHECK_THROWS_AS(build_access_report(*s, p, *s->find_subject("K-1"), t("2026-03-10"), options),
                    Error);

    const AccessReport report =
        build_unknown_person_report(*s, p, k_email, t("2026-03-10"), options);
    CHECK(report.subject.empty());
    CHECK(report.selector == "email");
    CHECK(report.categories.empty());
    CHECK(report.record_count == 0);
    CHECK(report.controller == "Test AS");
    CHECK_FALSE(report.rights.empty());

    const std::string text = render_access_text(report);
    CHECK(text.find("We hold no data about you.") != std::string::npos);
    CHECK(text.find("Searched for: the e-mail address you gave") != std::string::npos);
    CHECK(text.find("Contact: p@example.no") != std::string::npos);
    CHECK(text.find("Your reference") == std::string::npos);
    CHECK(text.find("(reference") == std::string::npos);
    const json j = access_report_json(report);
    CHECK(j["schema"] == "vern-access-1");
    CHECK(j["subject"].is_null());
    CHECK(j["selector"] == "email");
    CHECK(j["categories"].empty());
    CHECK(j["record_count"] == 0);
    CHECK(j["request"] == r.id);
    const std::string html = render_access_html(report);
    CHECK(html.find("<p>We hold no data about you.</p>") != std::string::npos);
    CHECK(html.find("<tr><th>Searched for</th><td>the e-mail address you gave</td></tr>") !=
          std::string::npos);
    AccessReport nb = report;
    nb.language = Language::nb;
    CHECK(render_access_text(nb).find("Søkt etter: e-postadressen du oppga") != std::string::npos);
    CHECK(render_access_text(nb).find("Vi har ingen registrerte opplysninger om deg.") !=
          std::string::npos);

    // An ordinary report keeps its subject object and a null selector.
    AccessOptions plain;
    const AccessReport k1 =
        build_access_report(*s, p, *s->find_subject("K-1"), t("2026-03-10"), plain);
    CHECK(access_report_json(k1)["subject"] == json{{"ref", "K-1"}});
    CHECK(access_report_json(k1)["selector"].is_null());

    const auto seq_before = audit_entries(*s).size();
    record_access(*s, p, report, t("2026-03-10"));
    auto audit = audit_entries(*s);
    REQUIRE(audit.size() == seq_before + 2);
    const AuditEntry& access = audit[seq_before];
    CHECK(access.command == "access");
    CHECK(access.action == "access");
    CHECK(access.category.empty());
    CHECK(access.count == 0);
    CHECK(access.subject == r.subject_pseudonym);
    CHECK(audit[seq_before + 1].action == "request_close");
    CHECK(s->find_request(r.id)->closed);
    // Answered once: the request is closed now.
    CHECK_THROWS_WITH_AS(build_unknown_person_report(*s, p, k_email, t("2026-03-11"), options),
                         "request 1 is already closed; nothing was done", Error);
}

TEST_CASE("requests_unknown::a request answered after the person's data arrived") {
    Policy p = test_policy();
    auto s = memory_store(p);
    const Request r = open_request_by_selector(*s, p, {SelectorKind::phone, "+47 955 55 123"},
                                               "access", t("2026-03-01"), t("2026-03-01"));
    CHECK(r.selector == "phone");
    add(*s, "c7", "K-7", {{"phone", "95555123"}});
    const Subject k7 = *s->find_subject("K-7");

    AccessOptions options;
    options.request = r.id;
    // Without the selector's pseudonym the request is about someone else...
    CHECK_THROWS_AS(build_access_report(*s, p, k7, t("2026-03-10"), options), Error);
    // ...with it, the normal report answers it.
    options.selector_pseudonym = selector_pseudonym(*s, {SelectorKind::phone, "95555123"});
    const AccessReport report = build_access_report(*s, p, k7, t("2026-03-10"), options);
    CHECK(report.subject == "K-7");
    CHECK(report.selector.empty());
    CHECK(report.record_count == 1);
    record_access(*s, p, report, t("2026-03-10"));
    CHECK(s->find_request(r.id)->closed);
    auto audit = audit_entries(*s);
    REQUIRE(audit.size() >= 2);
    CHECK(audit[audit.size() - 2].action == "access");
    CHECK(audit[audit.size() - 2].subject == s->pseudonym("K-7"));
    CHECK(audit[audit.size() - 2].category == "contact");

    // The same for an erasure: the subject goes, the request registered by phone is closed.
    const Request e = open_request_by_selector(*s, p, {SelectorKind::email, "ny@example.no"},
                                               "erasure", t("2026-03-10"), t("2026-03-10"));
    add(*s, "c8", "K-8", {{"email", "ny@example.no"}});
    EraseOptions erase;
    erase.request = e.id;
    erase.selector_pseudonym = selector_pseudonym(*s, {SelectorKind::email, "NY@example.no"});
    const ErasureResult done =
        erase_subject(*s, p, *s->find_subject("K-8"), t("2026-03-11"), erase);
    CHECK(done.erased == 1);
    CHECK(done.subject_removed);
    CHECK(done.request_closed == e.id);
    CHECK(s->find_request(e.id)->closed);
}

TEST_CASE("requests_unknown::erasure of nobody, and extension reasons") {
    Policy p = test_policy();
    auto s = memory_store(p);
    add(*s, "c1", "K-1", {{"email", "ola@example.no"}});
    const Request r = open_request_by_selector(*s, p, {SelectorKind::name, "Per Ukjentsen"},
                                               "erasure", t("2026-03-01"), t("2026-03-01"));
    extend_request(*s, p, r.id, "Per Ukjentsen sender papirer", std::nullopt, t("2026-03-02"));

    // Removing another subject forgets that subject's reasons, not this request's.
    erase_subject(*s, p, *s->find_subject("K-1"), t("2026-03-03"), {});
    CHECK(s->find_request(r.id)->extension_reason == "Per Ukjentsen sender papirer");

    const Selector per{SelectorKind::name, "per   UKJENTSEN"};
    EraseOptions options;
    CHECK_THROWS_WITH_AS(erase_unknown_person(*s, p, per, t("2026-03-10"), options),
                         doctest::Contains("no subject matches --name"), Error);
    options.request = r.id;
    options.categories = {"nosuch"};
    CHECK_THROWS_AS(erase_unknown_person(*s, p, per, t("2026-03-10"), options), Error);
    options.categories.clear();
    CHECK_THROWS_AS(erase_unknown_person(*s, p, {SelectorKind::name, "Per Annensen"},
                                         t("2026-03-10"), options),
                    Error);

    options.dry_run = true;
    const auto audit_before = audit_entries(*s).size();
    const ErasureResult dry = erase_unknown_person(*s, p, per, t("2026-03-10"), options);
    CHECK(dry.dry_run);
    CHECK(dry.selector == "name");
    CHECK(dry.request_closed == r.id);
    CHECK(dry.erased == 0);
    CHECK_FALSE(s->find_request(r.id)->closed);
    CHECK(audit_entries(*s).size() == audit_before);

    options.dry_run = false;
    const ErasureResult done = erase_unknown_person(*s, p, per, t("2026-03-10"), options);
    CHECK(done.subject.empty());
    CHECK(done.selector == "name");
    CHECK(done.erased == 0);
    CHECK(done.retained == 0);
    CHECK_FALSE(done.subject_removed);
    CHECK(done.request_closed == r.id);
    const Request closed = *s->find_request(r.id);
    CHECK(closed.closed);
    CHECK(closed.extension_reason == k_reason_removed);
    auto audit = audit_entries(*s);
    REQUIRE(audit.size() == audit_before + 1);
    CHECK(audit.back().command == "erase");
    CHECK(audit.back().action == "request_close");
    CHECK(audit.back().subject == r.subject_pseudonym);
}
