// Hardening (issue 11): anonymisation on characters and its redaction fallbacks, band on huge and
// negative numbers, printable(), if_consent shorter than its unless_consent partner, holds on an
// anonymisation, ingest limits (depth, duplicate keys, numbers out of range), reasons removed with
// the subject, national ids (H-numbers, synthetic numbers), the audit head.

#include "test_support.hpp"
#include "engine/anonymize.hpp"
#include "vern/engine.hpp"
#include "vern/ingest.hpp"
#include "vern/national_id.hpp"
#include "vern/requests.hpp"
#include "vern/rights.hpp"
#include "vern/store.hpp"
#include "vern/text.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace vern;
using nlohmann::json;

namespace {

using K = AnonMethod::Kind;

AnonMethod method(K kind, int n = 0, std::string text = {}) {
    AnonMethod m;
    m.kind = kind;
    m.n = n;
    m.text = std::move(text);
    return m;
}

json apply(const json& v, K kind, int n = 0) {
    auto out = anonymize_value(v, method(kind, n));
    REQUIRE(out.has_value());
    return *out;
}

const char* const k_policy = R"(
[policy]
name = "Hardening"
controller = "Test AS"
contact = "p@example.no"
timezone = "Europe/Oslo"

[identifiers]
name = ["name"]

[[category]]
id = "visitor"
title = "Visitor"
purpose = "Access control"
legal_basis = "legitimate_interests"

[[category]]
id = "reminder"
title = "Reminder"
purpose = "Reminders"
legal_basis = "public_task"

[[rule]]
id = "visitor-7d"
category = "visitor"
after = "created"
keep = "7d"
action = "anonymize"
fields = { name = "mask_last:3", age = "band:10" }

[[rule]]
id = "visitor-1y"
category = "visitor"
after = "created"
keep = "1y"
action = "delete"

[[rule]]
id = "reminder-sms-1w"
category = "reminder"
after = "created"
keep = "1w"
action = "delete"
if_consent = "sms"

[[rule]]
id = "reminder-1y"
category = "reminder"
after = "created"
keep = "1y"
action = "delete"
unless_consent = "sms"
)";

Policy load_test_policy() {
    PolicyLoad load = testing::load_policy_text(k_policy);
    REQUIRE_FALSE(load.has_errors());
    return load.policy;
}

Instant t(const char* text) {
    auto i = parse_time(text, date::locate_zone("Europe/Oslo"));
    REQUIRE(i.ok());
    return *i;
}

std::unique_ptr<Store> memory_store() {
    StoreOptions o;
    o.create = true;
    return open_store(":memory:", o);
}

void ingest_lines(Store& s, const Policy& p, const std::string& text) {
    std::vector<IngestSource> sources{text_source("in.jsonl", text)};
    IngestOptions o;
    o.now = t("2026-03-02T12:00:00+01:00");
    ingest(s, p, sources, o);
}

// The message of the Error(data) an ingest throws ("" when it succeeds).
std::string ingest_error(Store& s, const Policy& p, const std::string& text) {
    try {
        ingest_lines(s, p, text);
        return "";
    } catch (const Error& e) {
        CHECK(e.code() == Code::data);
        return e.what();
    }
}

PurgeResult purge_at(Store& s, const Policy& p, const char* now, bool dry_run = false) {
    PurgeOptions o;
    o.now = t(now);
    o.dry_run = dry_run;
    o.user = "test";
    o.list = true;
    return purge(s, p, o);
}

std::string field(Store& s, const char* id, const char* name) {
    auto r = s.find_record(id);
    REQUIRE(r);
    auto f = r->fields();
    return f.contains(name) ? f[name].dump() : "(absent)";
}

const std::string k_nbsp = "\xC2\xA0";

} // namespace

TEST_CASE("hardening::drop_last and mask_last count characters, and digits of numbers") {
    // A phone number written with no-break spaces (U+00A0): digits are counted, spaces kept.
    const std::string phone = "+47" + k_nbsp + "476" + k_nbsp + "82" + k_nbsp + "582";
    CHECK(apply(phone, K::drop_last, 4) == "+47" + k_nbsp + "476" + k_nbsp + "8");
    CHECK(apply(phone, K::mask_last, 4) == "+47" + k_nbsp + "476" + k_nbsp + "8X" + k_nbsp + "XXX");
    CHECK(apply("+47 912 34 567", K::drop_last, 4) == "+47 912 3"); // SPEC 3.4
    CHECK(apply("912-34-567", K::drop_last, 4) == "912-3");
    CHECK(apply("912-34-567", K::mask_last, 4) == "912-3X-XXX");
    CHECK(apply("(+47) 912\u2009345\u200967", K::mask_last, 2) == "(+47) 912\u2009345\u2009XX");
    // Names: characters, not bytes; white space (also U+00A0) not counted.
    CHECK(apply("Åsmund Ørn", K::mask_last, 3) == "Åsmund XXX");
    CHECK(apply("Åsmund Ørn", K::drop_last, 3) == "Åsmund");
    CHECK(apply("Åse" + k_nbsp + "Bø", K::mask_last, 3) == "ÅsX" + k_nbsp + "XX");
    CHECK(apply("Ørn", K::mask_last, 5) == "XXX");
    CHECK(apply("Ørn", K::drop_last, 5) == "");
    // A combining mark belongs to its letter: "Ø" written as O + U+0338 is one character.
    CHECK(apply("Bjo\u0338rn", K::mask_last, 3) == "BjXXX");
    CHECK(apply("Bjo\u0338rn", K::drop_last, 3) == "Bj");
    // Emoji and other 4-byte characters.
    CHECK(apply("ok \U0001F600\U0001F600", K::mask_last, 1) == "ok \U0001F600X");
    // Every result is valid UTF-8, whatever is cut.
    for (int n = 0; n < 12; ++n) {
        for (K k : {K::drop_last, K::mask_last}) {
            const json out = apply("Æ Ø Å æøå \u20AC\U0001F600 Ω", k, n);
            CHECK(is_valid_utf8(out.get<std::string>()));
            CHECK_NOTHROW((void)out.dump());
        }
    }
}

TEST_CASE("hardening::a value a method cannot handle is redacted and reported, never kept") {
    AnonOutcome ok = anonymize_value_checked("10.1.2.3", method(K::truncate_ip));
    CHECK(ok.fallback_reason.empty());
    CHECK(*ok.value == "10.1.2.0");
    AnonOutcome bad = anonymize_value_checked("not an ip", method(K::truncate_ip));
    CHECK(*bad.value == "[redacted]");
    CHECK(bad.fallback_reason == "the value is not an IPv4 or IPv6 address");
    CHECK(anonymize_value_checked(true, method(K::mask_last, 2)).fallback_reason ==
          "the value is not a string or a number");
    CHECK(anonymize_value_checked(1e300, method(K::band, 10)).fallback_reason ==
          "the value is not a number, or too large to band exactly");

    Rule rule;
    rule.id = "r";
    rule.fields = {{"ip", method(K::truncate_ip, 0, "truncate_ip")},
                   {"name", method(K::mask_last, 2, "mask_last:2")},
                   {"gone", method(K::remove)}};
    json fields = {{"ip", "x"}, {"name", "Ørn"}, {"gone", 1}, {"other", "kept"}};
    std::vector<FieldFallback> fallbacks;
    anonymize_fields(fields, rule, fallbacks);
    CHECK(fields == json{{"ip", "[redacted]"}, {"name", "ØXX"}, {"other", "kept"}});
    REQUIRE(fallbacks.size() == 1);
    CHECK(fallbacks[0].first == "ip");
    CHECK(fallbacks[0].second == "truncate_ip: the value is not an IPv4 or IPv6 address");
}

TEST_CASE("hardening::band on negative, huge and out-of-range numbers") {
    CHECK(apply(-5, K::band, 10) == "-10--1");
    CHECK(apply(-10, K::band, 10) == "-10--1");
    CHECK(apply(-11, K::band, 10) == "-20--11");
    CHECK(apply(-0.5, K::band, 10) == "-10--1");
    CHECK(apply("-5", K::band, 10) == "-10--1");
    CHECK(apply(-1, K::band, 1) == "-1--1");
    // Exact for every 64-bit integer whose band fits.
    CHECK(apply(std::int64_t{9007199254740993}, K::band, 10) == "9007199254740990-9007199254740999");
    CHECK(apply(std::int64_t{9223372036854775799}, K::band, 10) ==
          "9223372036854775790-9223372036854775799");
    CHECK(apply(std::numeric_limits<std::int64_t>::max(), K::band, 10) == "[redacted]");
    CHECK(apply(std::numeric_limits<std::int64_t>::min(), K::band, 10) == "[redacted]");
    CHECK(apply(std::numeric_limits<std::int64_t>::min() + 8, K::band, 10) ==
          "-9223372036854775800--9223372036854775791");
    CHECK(apply(std::uint64_t{18446744073709551615u}, K::band, 10) == "[redacted]");
    // Floats beyond 2^53 (no longer exact), infinity and huge values: redacted, never a wrong band.
    CHECK(apply(1e300, K::band, 10) == "[redacted]");
    CHECK(apply(-1e300, K::band, 10) == "[redacted]");
    CHECK(apply(1e19, K::band, 10) == "[redacted]");
    CHECK(apply("1e400", K::band, 10) == "[redacted]");
    CHECK(apply("inf", K::band, 10) == "[redacted]");
    CHECK(apply("nan", K::band, 10) == "[redacted]");
    CHECK(apply(9007199254740992.0, K::band, 10) == "9007199254740990-9007199254740999");
}

TEST_CASE("hardening::printable and excerpt escape what could drive a terminal") {
    CHECK(printable("Ørn\x1b[31m\n\t\x7f") == "Ørn\\x1b[31m\\n\\t\\x7f");
    CHECK(printable("a\xC2\x9B" "2J") == "a\\u{009B}2J");       // C1 control (CSI)
    CHECK(printable("abc\xE2\x80\xAE" "cba") == "abc\\u{202E}cba"); // right-to-left override
    CHECK(printable("bad\xFFutf8\xC3") == "bad\\xffutf8\\xc3");
    CHECK(printable_lines("line 1\nline\x1b 2") == "line 1\nline\\x1b 2");
    CHECK(excerpt("Åsmund Ørn", 6) == "Åsmund...");
    CHECK(excerpt("short", 40) == "short");
    CHECK(excerpt(std::string(100000, 'x'), 3) == "xxx...");
    CHECK(quoted_excerpt("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(is_valid_utf8("Æøå \U0001F600"));
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80")); // a surrogate
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));     // overlong
}

TEST_CASE("hardening::if_consent shorter than its unless_consent partner") {
    Policy p = load_test_policy();
    auto s = memory_store();
    ingest_lines(*s, p,
                 R"({"type":"record","id":"yes","subject":"A","category":"reminder","created":"2026-03-02T10:00:00+01:00"}
{"type":"consent","subject":"A","purpose":"sms","given":"2026-03-01"}
{"type":"record","id":"no","subject":"B","category":"reminder","created":"2026-03-02T10:00:00+01:00"}
)");
    auto ev = explain_record(*s, p, t("2026-03-09T10:00:00+01:00"), "no");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].rules[0].status == RuleState::not_applicable); // if_consent: no consent
    CHECK(ev[0].rules[0].reason == "if_consent: consent 'sms' is not active");
    CHECK(ev[0].decision == Decision::keep);
    PurgeResult r = purge_at(*s, p, "2026-03-09T10:00:00+01:00");
    CHECK(r.deleted == 1);
    CHECK_FALSE(s->find_record("yes"));
    CHECK(s->find_record("no")); // a purge ignoring if_consent would delete it after a week
    CHECK(purge_at(*s, p, "2027-03-02T10:00:00+01:00").deleted == 1);
}

TEST_CASE("hardening::a hold keeps a record whose only due rule anonymises") {
    Policy p = load_test_policy();
    auto s = memory_store();
    ingest_lines(*s, p,
                 R"({"type":"record","id":"v1","subject":"A","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Åsmund Ørn"}}
)");
    {
        WriteTransaction tx(*s);
        Hold h;
        h.subject_rowid = s->find_subject("A")->rowid;
        h.reason = "case";
        h.placed = t("2026-03-03");
        s->place_hold(h);
        tx.commit();
    }
    PurgeResult r = purge_at(*s, p, "2026-03-10");
    CHECK(r.held == 1);
    CHECK(r.anonymized == 0);
    CHECK(field(*s, "v1", "name") == "\"Åsmund Ørn\"");
    CHECK(s->find_record("v1")->applied_rules.empty());
}

TEST_CASE("hardening::purge redacts what it cannot anonymise and goes on") {
    Policy p = load_test_policy();
    char path[] = "/tmp/vern-hardening-store-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    std::remove(path);
    StoreOptions create;
    create.create = true;
    auto s = open_store(path, create);
    ingest_lines(*s, p,
                 R"({"type":"record","id":"unreadable","subject":"A","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Ola","note":"x"}}
{"type":"record","id":"huge","subject":"B","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Åse","age":1e300}}
{"type":"record","id":"fine","subject":"C","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Ørn Berg","age":42}}
)");
    s.reset();
    {
        // Another program wrote text that is not UTF-8 into the stored fields.
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("UPDATE records SET fields = CAST(X'7B226E616D65223A224F6CFF61227D' AS TEXT) "
                "WHERE id = 'unreadable'");
    }
    s = open_store(path, StoreOptions{});
    PurgeResult dry = purge_at(*s, p, "2026-03-10", true);
    CHECK(dry.fallbacks == 3);
    PurgeOptions o;
    o.now = t("2026-03-10");
    o.user = "test";
    o.batch_size = 1;
    PurgeResult r = purge(*s, p, o);
    CHECK(r.anonymized == 3);
    CHECK(r.fallbacks == 3); // unreadable: name and age; huge: age
    REQUIRE(r.fallback_fields.size() == 3);
    CHECK(r.fallback_fields[0].record == "unreadable");
    CHECK(r.fallback_fields[0].rule == "visitor-7d");
    CHECK(r.fallback_fields[2].record == "huge");
    CHECK(r.fallback_fields[2].field == "age");
    CHECK(r.fallback_fields[2].reason == "band:10: the value is not a number, or too large to band "
                                         "exactly");
    CHECK(s->find_record("unreadable")->fields() ==
          json{{"age", "[redacted]"}, {"name", "[redacted]"}});
    CHECK(field(*s, "huge", "age") == "\"[redacted]\"");
    CHECK(field(*s, "huge", "name") == "\"XXX\"");
    CHECK(field(*s, "fine", "name") == "\"Ørn BXXX\"");
    CHECK(field(*s, "fine", "age") == "\"40-49\"");
    std::int64_t audited = 0;
    s->read_audit(0, [&](const StoredAuditEntry& e) {
        if (e.entry.action == "anonymize_fallback") {
            CHECK(e.entry.rule == "visitor-7d");
            CHECK(e.entry.category == "visitor");
            CHECK(e.entry.subject.empty());
            audited += e.entry.count;
        }
        return true;
    });
    CHECK(audited == 3);
    s.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((std::string(path) + suffix).c_str());
}

TEST_CASE("hardening::ingest refuses deep nesting, duplicate keys and numbers out of range") {
    Policy p = load_test_policy();
    auto s = memory_store();
    const std::string deep = "{\"type\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    CHECK(ingest_error(*s, p, deep) ==
          "1 bad line; nothing was ingested:\nin.jsonl:1: objects and arrays are nested more than "
          "64 levels deep; refused");
    const std::string ok64 = "{\"type\":" + std::string(63, '[') + std::string(63, ']') + "}";
    CHECK(ingest_error(*s, p, ok64).find("\"type\" must be a string") != std::string::npos);
    const std::string too_deep = "{\"type\":" + std::string(64, '[') + std::string(64, ']') + "}";
    CHECK(ingest_error(*s, p, too_deep).find("nested more than 64 levels") != std::string::npos);

    CHECK(ingest_error(*s, p,
                       R"({"type":"record","id":"d","subject":"ALICE","category":"visitor","created":"2026-03-02","subject":"BOB"})") ==
          "1 bad line; nothing was ingested:\nin.jsonl:1: duplicate key \"subject\": a key may "
          "appear once per object");
    CHECK(ingest_error(*s, p,
                       R"({"type":"record","id":"d","subject":"A","category":"visitor","created":"2026-03-02","fields":{"name":"a","name":"b"}})") ==
          "1 bad line; nothing was ingested:\nin.jsonl:1: duplicate key \"name\" in \"fields\": a "
          "key may appear once per object");
    CHECK(ingest_error(*s, p,
                       "{\"type\":\"record\",\"id\":\"n\",\"subject\":\"A\",\"category\":"
                       "\"visitor\",\"created\":\"2026-03-02\",\"fields\":{\"age\":1e400}}\n"
                       "{\"type\":\"nope\"}\n") ==
          "2 bad lines; nothing was ingested:\nin.jsonl:1: invalid JSON: the number 1e400 is out "
          "of range (too large for a double-precision number); write it as a string if it is an "
          "identifier\nin.jsonl:2: unknown type \"nope\" (expected subject, record, event or "
          "consent)");
    CHECK(s->count_records() == 0);
    CHECK(s->count_subjects() == 0);
}

TEST_CASE("hardening::an erased subject is refused on every line type") {
    Policy p = load_test_policy();
    auto s = memory_store();
    ingest_lines(*s, p,
                 R"({"type":"record","id":"v1","subject":"GONE","category":"visitor","created":"2026-03-02T10:00:00+01:00"}
)");
    erase_subject(*s, p, *s->find_subject("GONE"), t("2026-03-05"), {});
    REQUIRE_FALSE(s->find_subject("GONE"));
    for (const char* line :
         {R"({"type":"subject","ref":"GONE"})",
          R"({"type":"record","id":"v2","subject":"GONE","category":"visitor","created":"2026-03-06"})",
          R"({"type":"event","subject":"GONE","kind":"visit","at":"2026-03-06"})",
          R"({"type":"consent","subject":"GONE","purpose":"sms","given":"2026-03-06"})"}) {
        INFO(line);
        CHECK(ingest_error(*s, p, line) ==
              "1 bad line; nothing was ingested:\nin.jsonl:1: subject \"GONE\" was erased; its "
              "data is never ingested again");
        CHECK_FALSE(s->find_subject("GONE"));
    }
}

TEST_CASE("hardening::free-text reasons go with the person") {
    Policy p = load_test_policy();
    auto s = memory_store();
    ingest_lines(*s, p,
                 R"({"type":"record","id":"v1","subject":"A","category":"visitor","created":"2026-03-02T10:00:00+01:00"}
{"type":"record","id":"v2","subject":"B","category":"visitor","created":"2026-03-02T10:00:00+01:00"}
)");
    const Subject a = *s->find_subject("A");
    const Subject b = *s->find_subject("B");
    Request ra = open_request(*s, p, a, "erasure", t("2026-03-03"), t("2026-03-03"));
    extend_request(*s, p, ra.id, "waiting for Ola's doctor", std::nullopt, t("2026-03-04"));
    Request rb = open_request(*s, p, b, "access", t("2026-03-03"), t("2026-03-03"));
    extend_request(*s, p, rb.id, "Kari wants it on paper", std::nullopt, t("2026-03-04"));
    {
        WriteTransaction tx(*s);
        Hold h;
        h.subject_rowid = a.rowid;
        h.reason = "dispute with Ola";
        h.placed = t("2026-03-03");
        s->place_hold(h);
        tx.commit();
    }
    // Erasure: the hold keeps A and its record, but the reasons go.
    EraseOptions o;
    o.request = ra.id;
    ErasureResult er = erase_subject(*s, p, a, t("2026-03-05"), o);
    CHECK_FALSE(er.subject_removed);
    CHECK(s->find_request(ra.id)->extension_reason == k_reason_removed);
    CHECK(s->find_request(ra.id)->extended_due.has_value());
    CHECK(s->find_request(ra.id)->closed.has_value());
    CHECK(s->list_holds()[0].reason == k_reason_removed);
    CHECK(s->list_holds()[0].active());
    // B's request is untouched by A's erasure ...
    CHECK(s->find_request(rb.id)->extension_reason == "Kari wants it on paper");
    // ... and its reason goes when a purge removes B (last record deleted, request closed).
    close_request(*s, p, rb.id, t("2026-03-06"));
    CHECK(purge_at(*s, p, "2027-03-03").subjects_removed == 1);
    CHECK_FALSE(s->find_subject("B"));
    CHECK(s->find_request(rb.id)->extension_reason == k_reason_removed);
}

TEST_CASE("hardening::national ids: D-, H- and synthetic numbers") {
    CHECK(parse_national_id("15418510002").ok()); // H-number: month + 40
    CHECK(parse_national_id("15858510055").ok()); // synthetic (test) number: month + 80
    CHECK(parse_national_id("55858510049").ok()); // synthetic D-number: day + 40, month + 80
    CHECK(parse_national_id("41019012393").ok()); // D-number: day + 40
    const std::string date_error = "invalid national id: the date part is not a valid day and "
                                   "month; a fødselsnummer has 11 digits (DDMMYYIIIKK)";
    CHECK(parse_national_id("15538510030").error() == date_error); // month 53: neither
    CHECK(parse_national_id("15938510013").error() == date_error); // month 93 = 13 + 80
    CHECK(parse_national_id("72018510058").error() == date_error); // day 72 = 32 + 40
    CHECK(parse_national_id("15418510003").error().find("check digits do not match") !=
          std::string::npos);
}

TEST_CASE("hardening::audit head and checkpoint state of a store") {
    Policy p = load_test_policy();
    auto s = memory_store();
    auto [seq0, head0] = s->audit_head();
    CHECK(seq0 == 0);
    CHECK(head0 == k_audit_genesis);
    ingest_lines(*s, p,
                 R"({"type":"record","id":"v1","subject":"A","category":"visitor","created":"2026-03-02T10:00:00+01:00"}
)");
    auto [seq, head] = s->audit_head();
    CHECK(seq > 0);
    std::string last;
    s->read_audit(0, [&](const StoredAuditEntry& e) {
        last = e.hash;
        return true;
    });
    CHECK(head == last);
    CHECK(s->checkpoint());
    CHECK_FALSE(s->checkpoint_pending());
}
