// Unit tests of ingest parsing and checking (ingest.hpp) on an in-memory store.

#include "vern/ingest.hpp"
#include "vern/store.hpp"

#include <doctest/doctest.h>

using namespace vern;

namespace {

Policy test_policy() {
    Policy p;
    p.info.name = "t";
    p.info.zone = date::locate_zone("Europe/Oslo");
    p.identifiers.email = {"email"};
    Category chat;
    chat.id = "chat";
    chat.fields = std::vector<std::string>{"text", "email"};
    Category survey;
    survey.id = "survey";
    survey.legal_basis = LegalBasis::consent;
    survey.consent_purpose = "survey";
    p.categories = {chat, survey};
    p.digest = "digest";
    return p;
}

std::unique_ptr<Store> memory_store() {
    StoreOptions o;
    o.create = true;
    return open_store(":memory:", o);
}

IngestOptions options() {
    IngestOptions o;
    o.now = Instant{std::chrono::seconds{1773100800}}; // 2026-03-10
    return o;
}

// Ingests `text` and returns the error message ("" on success).
std::string ingest_text(Store& store, const std::string& text, IngestSummary* summary = nullptr) {
    Policy policy = test_policy();
    std::vector<IngestSource> sources{text_source("in.jsonl", text)};
    try {
        IngestSummary s = ingest(store, policy, sources, options());
        if (summary != nullptr) *summary = s;
        return "";
    } catch (const Error& e) {
        CHECK(e.code() == Code::data);
        return e.what();
    }
}

} // namespace

TEST_CASE("ingest::good lines, upsert and duplicates") {
    auto store = memory_store();
    const std::string text =
        "{\"type\":\"record\",\"id\":\"r1\",\"subject\":\"K-1\",\"category\":\"chat\","
        "\"created\":\"2026-01-05\",\"fields\":{\"email\":\"A@B.no\"}}\r\n"
        "\n"
        "{\"type\":\"event\",\"subject\":\"K-1\",\"kind\":\"seen\",\"at\":\"2026-02-01T12:00:00Z\"}\n"
        "{\"type\":\"event\",\"record\":\"r1\",\"kind\":\"sent\",\"at\":\"2026-02-01\"}\n"
        "{\"type\":\"event\",\"scope\":\"global\",\"kind\":\"ended\",\"at\":\"2026-02-01\"}\n"
        "{\"type\":\"consent\",\"subject\":\"K-2\",\"purpose\":\"survey\",\"given\":\"2026-01-01\","
        "\"withdrawn\":\"2026-01-02\"}";
    IngestSummary s;
    REQUIRE(ingest_text(*store, text, &s) == "");
    CHECK(s.lines == 5);
    CHECK(s.subjects_created == 2);
    CHECK(s.records_inserted == 1);
    CHECK(s.events_added == 3);
    CHECK(s.consents_added == 2);
    CHECK(store->find_record("r1")->created ==
          parse_time("2026-01-05", date::locate_zone("Europe/Oslo")).value());
    CHECK(store->find_subjects_by_identifier(IdentifierKind::email, "a@b.NO").size() == 1);

    REQUIRE(ingest_text(*store, text, &s) == "");
    CHECK(s.records_inserted == 0);
    CHECK(s.records_replaced == 1);
    CHECK(s.events_added == 0);
    CHECK(s.events_duplicate == 3);
    CHECK(s.consents_duplicate == 2);
    CHECK(store->count_records() == 1);

    int entries = 0;
    store->read_audit(0, [&](const StoredAuditEntry& e) {
        CHECK(e.entry.policy_digest == "digest");
        if (e.entry.action == "withdraw") {
            // A withdrawal names its subject, by keyed pseudonym only (for the erasure ledger).
            CHECK(e.entry.subject == store->pseudonym("K-2"));
            CHECK(e.entry.rule == "consent:survey");
        } else {
            CHECK(e.entry.subject.empty());
        }
        ++entries;
        return true;
    });
    // chat, the withdrawal, subjects, events, consents; then chat only
    CHECK(entries == 5 + 1);
}

TEST_CASE("ingest::bad lines") {
    struct Case {
        const char* line;
        const char* message;
    };
    const Case cases[] = {
        {"{\"type\":\"record\"", "in.jsonl:1: invalid JSON: column 17: syntax error while parsing "
                                 "object - unexpected end of input; expected '}'"},
        {"[1]", "in.jsonl:1: expected a JSON object, got array"},
        {"{\"ref\":\"K\"}", "in.jsonl:1: missing \"type\" (expected subject, record, event or consent)"},
        {"{\"type\":\"subject\",\"ref\":\"K\",\"x\":1}", "in.jsonl:1: unknown key \"x\" in a subject line"},
        {"{\"type\":\"subject\",\"ref\":\"\"}", "in.jsonl:1: \"ref\" must be a non-empty string"},
        {"{\"type\":\"record\",\"subject\":\"K\",\"category\":\"chat\"}", "in.jsonl:1: missing \"created\""},
        {"{\"type\":\"record\",\"subject\":\"K\",\"category\":\"chat\",\"created\":\"2026-01-01\","
         "\"fields\":{\"text\":[1]}}",
         "in.jsonl:1: field \"text\" must be a string, number or boolean, not array"},
        {"{\"type\":\"event\",\"subject\":\"K\",\"record\":\"r\",\"kind\":\"k\",\"at\":\"2026-01-01\"}",
         "in.jsonl:1: event names more than one of \"subject\", \"record\" and \"scope\": \"global\""},
        {"{\"type\":\"event\",\"scope\":\"local\",\"kind\":\"k\",\"at\":\"2026-01-01\"}",
         "in.jsonl:1: \"scope\" must be \"global\" (or absent)"},
        {"{\"type\":\"event\",\"record\":\"nope\",\"kind\":\"k\",\"at\":\"2026-01-01\"}",
         "in.jsonl:1: event for unknown record \"nope\""},
        {"{\"type\":\"consent\",\"subject\":\"K\",\"purpose\":\"news\",\"given\":\"2026-01-01\"}",
         "in.jsonl:1: unknown consent purpose \"news\" (the policy uses: survey)"},
        {"{\"type\":\"consent\",\"subject\":\"K\",\"purpose\":\"survey\"}",
         "in.jsonl:1: consent needs \"given\" or \"withdrawn\" (a time)"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.line);
        auto store = memory_store();
        CHECK(ingest_text(*store, c.line) ==
              std::string("1 bad line; nothing was ingested:\n") + c.message);
        CHECK(store->count_subjects() == 0);
    }
    auto store = memory_store();
    CHECK(ingest_text(*store, "\n\n") == "1 bad line; nothing was ingested:\nin.jsonl: empty input (no lines)");
}

TEST_CASE("ingest::long lines are refused without buffering them") {
    auto store = memory_store();
    Policy policy = test_policy();
    std::string text = "{\"type\":\"subject\",\"ref\":\"" + std::string(5000, 'x') + "\"}\n" +
                       "{\"type\":\"subject\",\"ref\":\"K-1\"}\n";
    std::vector<IngestSource> sources{text_source("in.jsonl", text)};
    IngestOptions o = options();
    o.max_line_bytes = 1000;
    CHECK_THROWS_WITH(ingest(*store, policy, sources, o),
                      "1 bad line; nothing was ingested:\nin.jsonl:1: line is longer than 1000 "
                      "bytes; refused (records are expected to be small: split or shorten it)");
}

TEST_CASE("ingest::generated ids are stable") {
    Instant t{std::chrono::seconds{100}};
    std::string a = generated_record_id("K-1", "chat", t, {{"text", "x"}});
    CHECK(a.size() == 22);
    CHECK(a.rfind("h-", 0) == 0);
    CHECK(a == generated_record_id("K-1", "chat", t, {{"text", "x"}}));
    CHECK(a != generated_record_id("K-1", "chat", t, {{"text", "y"}}));
}
