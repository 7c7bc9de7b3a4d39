// The anonymisation methods of SPEC 3.4, with exact values; month and week (issue 12), and the
// fresh id an unlinked record gets.

#include "engine/anonymize.hpp"
#include "test_support.hpp"
#include "vern/engine.hpp"
#include "vern/ingest.hpp"
#include "vern/store.hpp"

#include <doctest/doctest.h>

#include <regex>

using namespace vern;
using nlohmann::json;

namespace {

AnonMethod method(AnonMethod::Kind kind, int n = 0) {
    AnonMethod m;
    m.kind = kind;
    m.n = n;
    return m;
}

json apply(const json& v, AnonMethod::Kind kind, int n = 0) {
    auto out = anonymize_value(v, method(kind, n));
    REQUIRE(out.has_value());
    return *out;
}

using K = AnonMethod::Kind;

} // namespace

TEST_CASE("engine::anonymize_value remove and redact") {
    CHECK_FALSE(anonymize_value("x", method(K::remove)).has_value());
    CHECK(apply("Kari Nordmann", K::redact) == "[redacted]");
    CHECK(apply(42, K::redact) == "[redacted]");
}

TEST_CASE("engine::anonymize_value drop_last and mask_last ignore spaces") {
    CHECK(apply("+47 912 34 567", K::drop_last, 4) == "+47 912 3");
    CHECK(apply("+4791234567", K::drop_last, 4) == "+479123");
    CHECK(apply("123", K::drop_last, 4) == "");
    CHECK(apply(12345678, K::drop_last, 2) == "123456");
    CHECK(apply("+47 912 34 567", K::mask_last, 4) == "+47 912 3X XXX");
    CHECK(apply("91234567", K::mask_last, 3) == "91234XXX");
    CHECK(apply(true, K::drop_last, 2) == "[redacted]");
}

TEST_CASE("engine::anonymize_value truncate_ip") {
    CHECK(apply("193.69.12.45", K::truncate_ip) == "193.69.12.0");
    CHECK(apply("10.0.0.7", K::truncate_ip) == "10.0.0.0");
    CHECK(apply("2001:db8:abcd:12::1", K::truncate_ip) == "2001:db8:abcd::");
    CHECK(apply("2001:db8:abcd:ffff:1:2:3:4", K::truncate_ip) == "2001:db8:abcd::");
    CHECK(apply("abc", K::truncate_ip) == "[redacted]");
    CHECK(apply("300.1.1.1", K::truncate_ip) == "[redacted]");
    CHECK(apply(12, K::truncate_ip) == "[redacted]");
}

TEST_CASE("engine::anonymize_value band") {
    CHECK(apply(34, K::band, 10) == "30-39");
    CHECK(apply(30, K::band, 10) == "30-39");
    CHECK(apply(39.9, K::band, 10) == "30-39");
    CHECK(apply("34", K::band, 10) == "30-39");
    CHECK(apply(7, K::band, 5) == "5-9");
    CHECK(apply(0, K::band, 10) == "0-9");
    CHECK(apply("thirty", K::band, 10) == "[redacted]");
    CHECK(apply("", K::band, 10) == "[redacted]");
}

TEST_CASE("engine::anonymize_value year") {
    CHECK(apply("1987-05-17", K::year) == "1987");
    CHECK(apply("2026-01-05T10:00:00+01:00", K::year) == "2026");
    CHECK(apply("1987", K::year) == "1987");
    CHECK(apply(1987, K::year) == "1987");
    CHECK(apply("17. mai 1987", K::year) == "[redacted]");
    CHECK(apply("87-05-17", K::year) == "[redacted]");
}

namespace {

// The value and the fallback reason ("" when the method applied).
std::pair<json, std::string> checked(const json& v, AnonMethod::Kind kind) {
    AnonOutcome out = anonymize_value_checked(v, method(kind));
    REQUIRE(out.value.has_value());
    return {*out.value, out.fallback_reason};
}

} // namespace

TEST_CASE("engine::anonymize_value month") {
    CHECK(apply("2026-05-17", K::month) == "2026-05");
    CHECK(apply("2026-01-01", K::month) == "2026-01");
    CHECK(apply("2026-12-31", K::month) == "2026-12");
    // The date as written, whatever the offset.
    CHECK(apply("2026-05-17T23:30:00+02:00", K::month) == "2026-05");
    CHECK(apply("2026-05-31T23:30:00Z", K::month) == "2026-05");
    CHECK(apply("2026-05-17 10:00", K::month) == "2026-05");
    // Already a month: stays.
    CHECK(apply("2026-05", K::month) == "2026-05");
    CHECK(apply("2026-12", K::month) == "2026-12");
    // Not a date (or not a month): redacted, with the reason.
    const std::string reason = "the value is not a date or a month (YYYY-MM)";
    for (const json& bad : {json("2026-02-30"), json("2026-13"), json("2026-00"), json("hello"),
                            json(42), json("2026-05-17x"), json("17.05.2026"), json(""),
                            json(nullptr), json("2026-5-17")}) {
        CAPTURE(bad.dump());
        CHECK(checked(bad, K::month) == std::pair<json, std::string>("[redacted]", reason));
    }
    CHECK(checked("2026-05-17", K::month) == std::pair<json, std::string>("2026-05", ""));
}

TEST_CASE("engine::anonymize_value week (ISO 8601)") {
    CHECK(apply("2026-05-17", K::week) == "2026-W20"); // a Sunday: the end of week 20
    CHECK(apply("2026-05-18", K::week) == "2026-W21"); // the Monday after
    CHECK(apply("2026-05-11", K::week) == "2026-W20");
    // The ISO year is not always the calendar year.
    CHECK(apply("2027-01-01", K::week) == "2026-W53");
    CHECK(apply("2024-12-30", K::week) == "2025-W01");
    CHECK(apply("2026-01-01", K::week) == "2026-W01");
    CHECK(apply("2021-01-03", K::week) == "2020-W53");
    CHECK(apply("2026-03-02", K::week) == "2026-W10"); // zero-padded week
    // The date as written.
    CHECK(apply("2026-05-17T23:30:00+02:00", K::week) == "2026-W20");
    const std::string reason = "the value is not a date";
    for (const json& bad : {json("2026-02-30"), json("hello"), json(42), json("2026-05"),
                            json("2026-W20"), json(true)}) {
        CAPTURE(bad.dump());
        CHECK(checked(bad, K::week) == std::pair<json, std::string>("[redacted]", reason));
    }
    CHECK(checked("2026-05-17", K::week) == std::pair<json, std::string>("2026-W20", ""));
}

TEST_CASE("engine::anonymize_value year gives its reason too") {
    CHECK(checked("hello", K::year) ==
          std::pair<json, std::string>("[redacted]", "the value is not a date or a year"));
}

// ---------------------------------------------------------------------------------------------

namespace {

const char* const k_unlink_policy = R"(
[policy]
name = "Test"
controller = "Test AS"
contact = "p@example.no"
timezone = "Europe/Oslo"
supervisory_authority = "Datatilsynet"

[identifiers]
email = ["email"]

[[category]]
id = "visit"
title = "Visit"
purpose = "Statistics"
legal_basis = "public_task"
fields = ["email", "session_at", "n"]
times = ["session_at"]

[[category]]
id = "mail"
title = "Mail"
purpose = "Mail"
legal_basis = "contract"

[[rule]]
id = "visit-stats"
category = "visit"
after = "created"
keep = "30d"
action = "anonymize"
fields = { email = "remove", session_at = "week" }
unlink = true

[[rule]]
id = "delete-all"
category = "*"
after = "created"
keep = "10y"
action = "delete"
)";

Instant at(const char* text) {
    auto i = parse_time(text, *find_zone("Europe/Oslo"));
    REQUIRE(i.ok());
    return *i;
}

// Ingests `text` (JSON lines) at 2026-03-10; returns the error message, "" on success.
std::string ingest_lines(Store& store, const Policy& policy, const std::string& text) {
    std::vector<IngestSource> sources{text_source("in.jsonl", text)};
    IngestOptions o;
    o.now = at("2026-03-10T12:00:00Z");
    try {
        ingest(store, policy, sources, o);
        return "";
    } catch (const Error& e) {
        CHECK(e.code() == Code::data);
        return e.what();
    }
}

const char* const k_visit =
    R"({"type":"record","id":"v-1","subject":"S1","category":"visit","created":"2026-01-05T10:00:00+01:00","fields":{"email":"a@b.no","session_at":"2026-01-05","n":3}})"
    "\n";
const char* const k_mail =
    R"({"type":"record","id":"m-1","subject":"S1","category":"mail","created":"2026-01-05T10:00:00+01:00","fields":{"subject":"Hei"}})"
    "\n";

} // namespace

TEST_CASE("unlink: the record gets a fresh id, and ingest refuses its old one") {
    PolicyLoad load = testing::load_policy_text(k_unlink_policy);
    REQUIRE_FALSE(load.has_errors());
    const Policy& policy = load.policy;
    auto store = open_store(":memory:", StoreOptions{true, false, 0});
    REQUIRE(ingest_lines(*store, policy, std::string(k_visit) + k_mail) == "");
    const RowId rowid = *store->find_record_rowid("v-1");
    const RowId mail_rowid = *store->find_record_rowid("m-1");

    PurgeOptions o;
    o.now = at("2026-03-10T12:00:00Z");
    o.user = "test";
    const PurgeResult r = purge(*store, policy, o);
    CHECK(r.anonymized == 1);
    CHECK(r.deleted == 0);

    // Not by its old id; by its row, with a fresh random id, unlinked and anonymised.
    CHECK_FALSE(store->find_record("v-1"));
    CHECK_FALSE(store->find_record_rowid("v-1"));
    auto rec = store->find_record_by_rowid(rowid);
    REQUIRE(rec);
    CHECK(std::regex_match(rec->id, std::regex("^anon-[0-9a-f]{16}$")));
    CHECK(rec->unlinked);
    CHECK(rec->subject.empty());
    CHECK(rec->fields() == json({{"session_at", "2026-W02"}, {"n", 3}}));
    CHECK(store->find_record(rec->id)->rowid == rowid);
    // The record not unlinked keeps its id.
    REQUIRE(store->find_record("m-1"));
    CHECK(store->find_record("m-1")->rowid == mail_rowid);
    CHECK(store->find_record_by_rowid(9999) == std::nullopt);

    // A re-import of the original is refused, whole (nothing ingested), naming the old id.
    const std::string err = ingest_lines(*store, policy, std::string(k_mail) + k_visit);
    CHECK(err == "1 bad line; nothing was ingested:\nin.jsonl:2: record \"v-1\" was anonymised "
                 "and detached from its subject; it cannot be replaced");
    CHECK_FALSE(store->find_record("v-1"));
    CHECK(store->count_records() == 2);
    // The other record is re-imported as before.
    CHECK(ingest_lines(*store, policy, k_mail) == "");

    // Another unlinking gives another id.
    const std::string v2 =
        R"({"type":"record","id":"v-2","subject":"S2","category":"visit","created":"2026-01-06T10:00:00+01:00","fields":{"n":1}})"
        "\n";
    REQUIRE(ingest_lines(*store, policy, v2) == "");
    const RowId rowid2 = *store->find_record_rowid("v-2");
    purge(*store, policy, o);
    auto rec2 = store->find_record_by_rowid(rowid2);
    REQUIRE(rec2);
    CHECK(std::regex_match(rec2->id, std::regex("^anon-[0-9a-f]{16}$")));
    CHECK(rec2->id != rec->id);
    // A second purge leaves the fresh id as it is.
    purge(*store, policy, o);
    CHECK(store->find_record_by_rowid(rowid)->id == rec->id);
}
