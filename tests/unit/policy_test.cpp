// The policy language: parsing, diagnostics (exact text and position), digest, comparison.

#include "policy/parser.hpp"
#include "vern/policy.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace vern;

namespace {

// A fresh temporary directory, removed at the end of the test.
class TempDir {
  public:
    TempDir() {
        m_path = fs::temp_directory_path() /
                 ("vern-policy-test-" + std::to_string(::getpid()) + "-" + std::to_string(s_n++));
        fs::create_directories(m_path);
    }
    ~TempDir() { fs::remove_all(m_path); }
    std::string write(const std::string& name, const std::string& text) const {
        const fs::path p = m_path / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p.string();
    }
    std::string path() const { return m_path.string(); }

  private:
    fs::path m_path;
    static inline int s_n = 0;
};

const char* k_header = R"([policy]
name = "Test"
controller = "Test AS"
contact = "x@example.com"
timezone = "Europe/Oslo"
supervisory_authority = "Datatilsynet"
)";

const char* k_chat = R"(
[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"
)";

// "LINE:COL: severity: message" for each diagnostic, one a line (the file is a temporary path).
std::string diagnostics(const std::string& text) {
    TempDir dir;
    PolicyLoad load = load_policy({dir.write("p.toml", text)});
    std::string out;
    for (const auto& d : load.diagnostics) {
        out += std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " +
               (d.severity == Severity::error ? "error: " : "warning: ") + d.message + "\n";
    }
    return out;
}

std::string lines(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += item + "\n";
    }
    return out;
}

Policy load(const std::string& text) {
    TempDir dir;
    return load_valid_policy({dir.write("p.toml", text)});
}

} // namespace

TEST_CASE("policy::parse_anon_method") {
    using policy_detail::parse_anon_method;
    using Kind = AnonMethod::Kind;
    struct Case {
        const char* text;
        Kind kind;
        int n;
    };
    for (const Case& c : {Case{"remove", Kind::remove, 0}, Case{"redact", Kind::redact, 0},
                          Case{"drop_last:4", Kind::drop_last, 4},
                          Case{"mask_last:2", Kind::mask_last, 2},
                          Case{"truncate_ip", Kind::truncate_ip, 0}, Case{"band:10", Kind::band, 10},
                          Case{"year", Kind::year, 0}}) {
        CAPTURE(c.text);
        auto m = parse_anon_method(c.text);
        REQUIRE(m);
        CHECK(m->kind == c.kind);
        CHECK(m->n == c.n);
        CHECK(m->text == c.text);
    }
    CHECK(parse_anon_method("drop_last:x").error() ==
          "invalid anonymisation method \"drop_last:x\": expected drop_last:N with N a whole "
          "number of at least 1");
    CHECK(parse_anon_method("band:0").error() ==
          "invalid anonymisation method \"band:0\": expected band:N with N a whole number of at "
          "least 1");
    CHECK(parse_anon_method("mask_last").error() ==
          "invalid anonymisation method \"mask_last\": expected mask_last:N with N a whole number "
          "of at least 1");
    CHECK(parse_anon_method("drop_last:-1").error() ==
          "invalid anonymisation method \"drop_last:-1\": expected drop_last:N with N a whole "
          "number of at least 1");
    CHECK(parse_anon_method("year:2").error() ==
          "invalid anonymisation method \"year:2\": year takes no argument");
    CHECK(parse_anon_method("redcat").error() ==
          "unknown anonymisation method \"redcat\": expected remove, redact, drop_last:N, "
          "mask_last:N, truncate_ip, band:N, year, month or week; did you mean 'redact'?");
    CHECK(parse_anon_method("hash").error() ==
          "unknown anonymisation method \"hash\": expected remove, redact, drop_last:N, "
          "mask_last:N, truncate_ip, band:N, year, month or week");
}

TEST_CASE("policy::parse_anchor") {
    using policy_detail::parse_anchor;
    CHECK(parse_anchor("created")->kind == AnchorKind::created);
    CHECK(parse_anchor("last_activity")->kind == AnchorKind::last_activity);
    auto e = parse_anchor("event:last_session");
    REQUIRE(e);
    CHECK(e->kind == AnchorKind::event);
    CHECK(e->event_kind == "last_session");
    CHECK(e->text() == "event:last_session");
    auto g = parse_anchor("global:subscription_ended");
    REQUIRE(g);
    CHECK(g->kind == AnchorKind::global);
    CHECK(g->text() == "global:subscription_ended");
    CHECK(parse_anchor("event:").error() ==
          "invalid anchor \"event:\": the event kind after 'event:' must be a non-empty word");
    CHECK(parse_anchor("creatd").error() ==
          "invalid anchor \"creatd\": expected created, event:KIND, global:KIND or "
          "last_activity; did you mean 'created'?");
}

TEST_CASE("policy::did_you_mean") {
    using policy_detail::did_you_mean;
    using policy_detail::edit_distance;
    CHECK(edit_distance("keep", "keep") == 0);
    CHECK(edit_distance("kep", "keep") == 1);
    CHECK(edit_distance("phnoe", "phone") == 1); // a transposition is one edit
    CHECK(edit_distance("", "abc") == 3);
    CHECK(did_you_mean("controler", {"name", "controller"}) == "; did you mean 'controller'?");
    CHECK(did_you_mean("retention", {"keep", "round"}) == "");
    CHECK(did_you_mean("ab", {"xy"}) == "");
    CHECK(policy_detail::is_valid_category_id("chat_2"));
    CHECK_FALSE(policy_detail::is_valid_category_id("2chat"));
    CHECK_FALSE(policy_detail::is_valid_category_id("Chat"));
    CHECK_FALSE(policy_detail::is_valid_category_id("chat-log"));
    CHECK_FALSE(policy_detail::is_valid_category_id(""));
}

TEST_CASE("policy::load a valid policy") {
    const Policy p = load(std::string(k_header) + R"(
language = "en"
request_deadline = "1mo"

[identifiers]
email = ["email"]
phone = ["phone", "mobile"]
)" + k_chat + R"(fields = ["text", "phone", "email", "mobile", "direction"]

[[category]]
id = "survey"
title = "Survey"
purpose = "User survey"
legal_basis = "consent"
consent_purpose = "survey"
role = "processor"
controller = "NAV"
recipients = ["Kompetanse Norge"]
special = true

[[rule]]
id = "chat-phone"
category = "chat"
after = "event:last_session"
keep = "7d"
round = "end_of_week"
action = "anonymize"
fields = { phone = "drop_last:4" }
where = { direction = "external", n = 3, flag = true }
unless_consent = "survey"

[[rule]]
id = "all"
category = "*"
keep = "P1Y"
action = "delete"

[[test]]
name = "t"
now = ["2026-01-12", 2026-01-13T10:00:00Z]
records = [ { id = "c1", subject = "K", category = "chat", created = 2026-01-05, fields = { phone = "1234", direction = "external" } } ]
events = [ { subject = "K", kind = "last_session", at = "2026-01-05" } ]
consents = [ { subject = "K", purpose = "survey", given = "2026-01-01" } ]
holds = [ { category = "survey" } ]
[test.expect]
anonymized = { c1 = { phone = "", direction = "external" } }
deleted = []
kept = ["c1"]
unlinked = []
)");
    CHECK(p.info.name == "Test");
    CHECK(p.info.language == "en");
    REQUIRE(p.info.zone != nullptr);
    CHECK(p.info.zone->name() == "Europe/Oslo");
    CHECK(p.info.request_deadline.months == 1);
    CHECK(p.identifiers.phone == std::vector<std::string>{"phone", "mobile"});
    REQUIRE(p.categories.size() == 2);
    const Category* survey = p.find_category("survey");
    REQUIRE(survey);
    CHECK(survey->legal_basis == LegalBasis::consent);
    CHECK(survey->consent_purpose == "survey");
    CHECK(survey->role == Role::processor);
    CHECK(survey->controller == "NAV");
    CHECK(survey->special);
    CHECK_FALSE(survey->fields.has_value());
    CHECK(p.find_category("chat")->fields->size() == 5);
    CHECK(p.find_category("nope") == nullptr);

    REQUIRE(p.rules.size() == 2);
    const Rule& r = p.rules[0];
    CHECK(r.categories == std::vector<std::string>{"chat"});
    CHECK(r.after.kind == AnchorKind::event);
    CHECK(r.keep.days == 7);
    CHECK(r.round == Round::end_of_week);
    CHECK(r.action == Action::anonymize);
    CHECK(r.fields.at("phone").kind == AnonMethod::Kind::drop_last);
    CHECK(r.where.at("direction") == "external");
    CHECK(r.where.at("n") == 3);
    CHECK(r.where.at("flag") == true);
    CHECK(r.unless_consent == "survey");
    CHECK(r.covers("chat"));
    CHECK_FALSE(r.covers("survey"));
    const Rule& all = p.rules[1];
    CHECK(all.all_categories);
    CHECK(all.categories == std::vector<std::string>{"chat", "survey"});
    CHECK(all.after.kind == AnchorKind::created); // the default
    CHECK(all.action == Action::erase);
    CHECK(all.covers("anything"));

    REQUIRE(p.tests.size() == 1);
    const PolicyTest& t = p.tests[0];
    CHECK(t.name == "t");
    REQUIRE(t.now.size() == 2);
    CHECK(format_utc(t.now[0]) == "2026-01-11T23:00:00Z"); // a date is 00:00 in Europe/Oslo
    CHECK(format_utc(t.now[1]) == "2026-01-13T10:00:00Z");
    REQUIRE(t.records.size() == 1);
    CHECK(t.records[0]["created"] == "2026-01-05"); // TOML dates become their text
    CHECK(t.records[0]["fields"]["phone"] == "1234");
    CHECK(t.events[0]["kind"] == "last_session");
    CHECK(t.consents[0]["given"] == "2026-01-01");
    CHECK(t.holds[0]["category"] == "survey");
    CHECK(t.expect_kept == std::vector<std::string>{"c1"});
    CHECK(t.expect_anonymized.at("c1") ==
          nlohmann::json({{"phone", ""}, {"direction", "external"}}));
    CHECK(p.files.size() == 1);
    CHECK(p.digest.size() == 64);
}

TEST_CASE("policy::defaults") {
    const Policy p = load(std::string(k_header) + k_chat + R"(
[[rule]]
id = "r"
category = "chat"
keep = "0d"
action = "delete"
)");
    CHECK(p.info.language == "nb");
    CHECK(p.info.request_deadline.days == 30);
    CHECK(p.categories[0].role == Role::controller);
    CHECK(p.tests.empty());
}

TEST_CASE("policy::diagnostics") {
    const std::string rule = R"(
[[rule]]
id = "r"
category = "chat"
keep = "30d"
action = "delete"
)";
    struct Case {
        std::string text;
        std::vector<std::string> expected;
    };
    const Case cases[] = {
        {"[policy]\nname = \"x\"\ncontroller = \"y\nz\"\n",
         {"3:16: error: invalid TOML in string: unescaped control characters other than TAB "
          "(U+0009) are explicitly prohibited"}},
        {std::string(k_chat) + rule,
         {"0:0: error: no [policy] table: a policy needs one, with name, controller, contact "
          "and timezone"}},
        {std::string(k_header) + "timezon = \"UTC\"\n" + k_chat + rule,
         {"7:1: error: unknown key 'timezon' in [policy]; did you mean 'timezone'?"}},
        {std::string(k_header) + k_chat + "legal_ref = 7\n" + rule,
         {"13:13: error: 'legal_ref' must be a string, not an integer"}},
        {std::string(k_header) + k_chat + rule + "round = \"weekly\"\n",
         {"19:9: error: invalid round \"weekly\": expected end_of_day, end_of_week, end_of_month "
          "or end_of_year"}},
        {std::string(k_header) + k_chat + rule + "unlink = false\n",
         {"19:10: error: rule 'r' deletes whole records; 'unlink' is only allowed with action = "
          "\"anonymize\""}},
        {std::string(k_header) + k_chat,
         {"8:1: error: category 'chat' has no delete rule and no anonymize rule with unlink = "
          "true: its data would be kept forever (storage limitation, GDPR art. 5(1)(e))"}},
        {std::string(k_header) + k_chat + rule + "where = { x = 2026-01-01 }\n",
         {"19:15: error: where.x must be a string, number or boolean, not a date"}},
        {std::string(k_header) + k_chat + rule + "if_consent = \"news\"\n",
         {"8:1: warning: every delete or unlinking rule of category 'chat' has a condition: "
          "records that meet none are kept forever",
          "19:14: warning: consent purpose 'news' is no category's consent_purpose and no other "
          "rule's condition"}},
        {std::string(k_header) + k_chat + "legal_basis = \"consent\"\n" + rule,
         {"13:15: error: invalid TOML in key-value pair: cannot redefine existing string "
          "'legal_basis'"}},
        {std::string(k_header) + k_chat + rule + "\n[[test]]\nname = \"t\"\nnow = \"2026-01-01\"\n"
                                                 "records = [ { id = \"a\", subject = \"s\", category = "
                                                 "\"chat\", created = \"2026-02-30\" } ]\n"
                                                 "[test.expect]\nkept = [\"a\", \"b\"]\n",
         {"23:69: error: invalid time \"2026-02-30\": day 30 is out of range for 2026-02",
          "25:14: error: expect.kept names record 'b', which test 't' does not define"}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        CHECK(diagnostics(c.text) == lines(c.expected));
    }
}

TEST_CASE("policy::directory") {
    TempDir dir;
    dir.write("pol/a.toml", k_header);
    dir.write("pol/b.toml", std::string(k_chat) + "\n[[rule]]\nid = \"r\"\ncategory = \"chat\"\n"
                                                  "keep = \"1d\"\naction = \"delete\"\n");
    dir.write("pol/notes.txt", "ignored");
    const PolicyLoad ok = load_policy({dir.path() + "/pol"});
    CHECK(ok.diagnostics.empty());
    CHECK(ok.policy.files ==
          std::vector<std::string>{dir.path() + "/pol/a.toml", dir.path() + "/pol/b.toml"});

    dir.write("pol/c.toml", k_header);
    const PolicyLoad twice = load_policy({dir.path() + "/pol/"});
    REQUIRE(twice.diagnostics.size() == 1);
    CHECK(format_diagnostic(twice.diagnostics[0]) ==
          dir.path() + "/pol/c.toml:1:1: error: [policy] appears again; a policy has it once, "
                       "first at " +
              dir.path() + "/pol/a.toml:1:1");
}

TEST_CASE("policy::missing inputs") {
    auto code_of = [](const std::vector<std::string>& paths) {
        try {
            load_policy(paths);
        } catch (const Error& e) {
            return std::pair(e.code(), std::string(e.what()));
        }
        return std::pair(Code::ok, std::string());
    };
    CHECK(code_of({""}) == std::pair(Code::no_input, std::string("policy file '' does not exist")));
    CHECK(code_of({}) == std::pair(Code::no_input, std::string("policy file '' does not exist")));
    CHECK(code_of({"/nonexistent/p.toml"}) ==
          std::pair(Code::no_input, std::string("policy file '/nonexistent/p.toml' does not exist")));
    TempDir dir;
    CHECK(code_of({dir.path()}).first == Code::no_input);
}

TEST_CASE("policy::load_valid_policy") {
    TempDir dir;
    const std::string path = dir.write("p.toml", std::string(k_header) + k_chat);
    try {
        load_valid_policy({path});
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.code() == Code::data);
        CHECK(std::string(e.what()) ==
              "the policy has errors (run 'vern check' for all diagnostics):\n" + path +
                  ":8:1: error: category 'chat' has no delete rule and no anonymize rule with "
                  "unlink = true: its data would be kept forever (storage limitation, GDPR art. "
                  "5(1)(e))");
    }
}

TEST_CASE("policy::digest") {
    TempDir dir;
    const std::string text = std::string(k_header) + k_chat +
                             "\n[[rule]]\nid = \"r\"\ncategory = \"chat\"\nkeep = \"1d\"\n"
                             "action = \"delete\"\n";
    const std::string a = load_policy({dir.write("one/p.toml", text)}).policy.digest;
    const std::string b = load_policy({dir.write("two/elsewhere/p.toml", text)}).policy.digest;
    const std::string c = load_policy({dir.write("three/p.toml", text + "# changed\n")})
                              .policy.digest;
    CHECK(a.size() == 64);
    CHECK(a == b); // moving the policy does not change its digest
    CHECK(a != c);
    // A directory and the concatenation of its files differ (each file's length is hashed too).
    dir.write("split/a.toml", k_header);
    dir.write("split/b.toml", text.substr(std::string(k_header).size()));
    CHECK(load_policy({dir.path() + "/split"}).policy.digest != a);
}

TEST_CASE("policy::format_diagnostic") {
    CHECK(format_diagnostic({{"p.toml", 3, 7}, Severity::error, "bad"}) == "p.toml:3:7: error: bad");
    CHECK(format_diagnostic({{"p.toml", 3, 7}, Severity::warning, "odd"}) ==
          "p.toml:3:7: warning: odd");
    CHECK(format_diagnostic({{"dir/", 0, 0}, Severity::error, "none"}) == "dir/: error: none");
}

TEST_CASE("policy::compare_policies") {
    const std::string base = std::string(k_header) + k_chat + R"(
[[category]]
id = "mail"
title = "Mail"
purpose = "Mail"
legal_basis = "contract"
)";
    const Policy old_p = load(base + R"(
[[rule]]
id = "del"
categories = ["chat", "mail"]
keep = "30d"
action = "delete"

[[rule]]
id = "anon"
category = "chat"
keep = "1mo"
action = "anonymize"
unlink = true
)");
    const Policy new_p = load(std::string(k_header) + k_chat + R"(
[[category]]
id = "web"
title = "Web log"
purpose = "Security"
legal_basis = "legitimate_interests"

[[rule]]
id = "del"
categories = ["chat", "web"]
keep = "4w"
action = "delete"

[[rule]]
id = "anon"
category = "chat"
keep = "P1M"
round = "end_of_month"
action = "anonymize"
unlink = true
)");
    std::vector<std::string> got;
    for (const auto& c : compare_policies(old_p, new_p)) {
        got.push_back(std::string(change_kind_name(c.kind)) + "|" + c.category + "|" + c.rule +
                      "|" + c.before + "|" + c.after);
    }
    CHECK(got == std::vector<std::string>{
                     "category_removed|mail||Mail|",
                     "category_added|web|||Web log",
                     "rule_removed|mail|del|delete 30d after created|",
                     "longer|chat|anon|anonymize 1mo after created, unlink|anonymize P1M after "
                     "created, end_of_month, unlink",
                     "shorter|chat|del|delete 30d after created|delete 4w after created",
                     "rule_added|web|del||delete 4w after created",
                 });
    CHECK(compare_policies(old_p, old_p).empty());
}

namespace {

// The classification of one rule's change by compare_policies: "none" when it reports nothing,
// else the kind. `old_rule` and `new_rule` are the TOML lines of rule "r" after its id/category.
std::string rule_change(const std::string& old_rule, const std::string& new_rule) {
    const std::string head =
        std::string(k_header) + k_chat + "\n[[rule]]\nid = \"r\"\ncategory = \"chat\"\n";
    const Policy old_p = load(head + old_rule);
    const Policy new_p = load(head + new_rule);
    const auto changes = compare_policies(old_p, new_p);
    REQUIRE(changes.size() <= 1);
    return changes.empty() ? "none" : change_kind_name(changes[0].kind);
}

std::string keep_change(const std::string& old_keep, const std::string& new_keep) {
    return rule_change("keep = \"" + old_keep + "\"\naction = \"delete\"\n",
                       "keep = \"" + new_keep + "\"\naction = \"delete\"\n");
}

std::string round_change(const std::string& old_keep, const std::string& old_round,
                         const std::string& new_keep, const std::string& new_round) {
    auto rule = [](const std::string& keep, const std::string& round) {
        return "keep = \"" + keep + "\"\n" +
               (round.empty() ? std::string() : "round = \"" + round + "\"\n") +
               "action = \"delete\"\n";
    };
    return rule_change(rule(old_keep, old_round), rule(new_keep, new_round));
}

} // namespace

TEST_CASE("policy::compare_policies: equivalent durations are no change") {
    CHECK(keep_change("30d", "P30D") == "none");
    CHECK(keep_change("4w", "28d") == "none");
    CHECK(keep_change("P4W", "28d") == "none");
    CHECK(keep_change("1y", "12mo") == "none");
    CHECK(keep_change("P1Y", "1y") == "none");
    CHECK(keep_change("P24M", "2y") == "none");
    CHECK(keep_change("P1Y6M", "18mo") == "none");
    CHECK(keep_change("0d", "P0D") == "none");
    CHECK(keep_change("0d", "0mo") == "none"); // zero is zero in any unit
}

TEST_CASE("policy::compare_policies: durations in different units") {
    // Days with days, months with months.
    CHECK(keep_change("30d", "4w") == "shorter");
    CHECK(keep_change("4w", "30d") == "longer");
    CHECK(keep_change("1y", "13mo") == "longer");
    CHECK(keep_change("P15M", "1y") == "shorter");
    // Months against days, where the bounds decide: a month is 28-31 days, a year 365-366.
    CHECK(keep_change("30d", "2mo") == "longer");
    CHECK(keep_change("2mo", "30d") == "shorter");
    CHECK(keep_change("27d", "1mo") == "longer");
    CHECK(keep_change("32d", "1mo") == "shorter");
    CHECK(keep_change("1mo", "31d") == "longer"); // never shorter, longer in shorter months
    CHECK(keep_change("1mo", "28d") == "shorter");
    CHECK(keep_change("30d", "1mo") == "changed"); // February: shorter; January: longer
    CHECK(keep_change("1mo", "30d") == "changed");
    CHECK(keep_change("1y", "365d") == "shorter");
    CHECK(keep_change("1y", "366d") == "longer");
    CHECK(keep_change("365d", "12mo") == "longer");
    CHECK(keep_change("1y", "52w") == "shorter");
    CHECK(keep_change("1y", "53w") == "longer");
    CHECK(keep_change("P1Y", "P1Y1D") == "longer");
    // Both parts move the same way: comparable whatever the sizes.
    CHECK(keep_change("P1M", "P1M1D") == "longer");
    CHECK(keep_change("P2M3D", "P1M1D") == "shorter");
    // They move apart: the bounds decide.
    CHECK(keep_change("P1M29D", "P2M") == "changed"); // 57-60 days against 56-62
    CHECK(keep_change("P1M", "P2M") == "longer");
    CHECK(keep_change("P1M40D", "P2M") == "shorter"); // a month is at most 31 days
    CHECK(keep_change("P3M", "P2M35D") == "changed");
}

TEST_CASE("policy::compare_policies: round") {
    // Rounding only ever moves the due time later.
    CHECK(round_change("7d", "", "7d", "end_of_week") == "longer");
    CHECK(round_change("7d", "end_of_week", "7d", "") == "shorter");
    CHECK(round_change("1y", "", "1y", "end_of_year") == "longer");
    CHECK(round_change("30d", "end_of_day", "30d", "end_of_month") == "longer");
    CHECK(round_change("30d", "end_of_day", "30d", "end_of_week") == "longer");
    CHECK(round_change("30d", "end_of_month", "30d", "end_of_year") == "longer");
    CHECK(round_change("30d", "end_of_year", "30d", "end_of_day") == "shorter");
    CHECK(round_change("30d", "end_of_day", "30d", "") == "shorter");
    CHECK(round_change("30d", "", "30d", "end_of_day") == "longer");
    CHECK(round_change("30d", "end_of_month", "P30D", "end_of_month") == "none");
    // The end of a week can be after the end of its month or year (Wednesday 31 December:
    // end_of_week is Monday 5 January, end_of_year 1 January) or before it: incomparable.
    CHECK(round_change("30d", "end_of_week", "30d", "end_of_month") == "changed");
    CHECK(round_change("30d", "end_of_year", "30d", "end_of_week") == "changed");
    // Keep and round moving the same way.
    CHECK(round_change("30d", "", "60d", "end_of_month") == "longer");
    CHECK(round_change("2mo", "end_of_year", "30d", "end_of_month") == "shorter");
    // Moving apart: decided by how far a round can move (a day, 7 days, 31 days, 366 days).
    CHECK(round_change("30d", "end_of_month", "31d", "") == "changed");
    CHECK(round_change("30d", "end_of_month", "62d", "") == "longer");
    CHECK(round_change("7d", "end_of_week", "14d", "") == "longer");
    CHECK(round_change("7d", "end_of_week", "13d", "end_of_day") == "changed");
    CHECK(round_change("1mo", "end_of_year", "2y", "") == "longer");
    CHECK(round_change("60d", "", "30d", "end_of_day") == "shorter");
}

TEST_CASE("policy::compare_policies: action, anchor and conditions") {
    const std::string del = "keep = \"30d\"\naction = \"delete\"\n";
    const std::string anon = "keep = \"30d\"\naction = \"anonymize\"\nunlink = true\n";
    CHECK(rule_change(del, anon) == "longer");   // the record is kept, anonymised
    CHECK(rule_change(anon, del) == "shorter");  // the record goes
    CHECK(rule_change(del, "keep = \"60d\"\naction = \"anonymize\"\nunlink = true\n") ==
          "longer");
    CHECK(rule_change(del, "keep = \"7d\"\naction = \"anonymize\"\nunlink = true\n") ==
          "changed"); // anonymised earlier, but kept
    CHECK(rule_change(anon, "keep = \"60d\"\naction = \"delete\"\n") == "changed");
    // Another anonymisation: changed, whatever the duration does.
    CHECK(rule_change(anon, "keep = \"60d\"\naction = \"anonymize\"\nfields = { text = "
                            "\"redact\" }\nunlink = true\n") == "changed");
    // last_activity is never before creation.
    CHECK(rule_change(del, "after = \"last_activity\"\n" + del) == "longer");
    CHECK(rule_change("after = \"last_activity\"\n" + del, del) == "shorter");
    CHECK(rule_change("after = \"last_activity\"\n" + del,
                      "after = \"last_activity\"\nkeep = \"P30D\"\naction = \"delete\"\n") ==
          "none");
    // Another anchor or condition: another set of records, or another time: changed.
    CHECK(rule_change(del, "after = \"event:ended\"\nkeep = \"60d\"\naction = \"delete\"\n") ==
          "changed");
    CHECK(rule_change(del, "keep = \"60d\"\naction = \"delete\"\nwhere = { kind = \"x\" }\n") ==
          "changed");
    CHECK(rule_change(del, "keep = \"60d\"\naction = \"delete\"\nif_consent = \"survey\"\n") ==
          "changed");
}

TEST_CASE("policy: required strings must not be empty") {
    CHECK(diagnostics(R"([policy]
name = ""
controller = "  "
contact = "x@example.com"
timezone = ""
supervisory_authority = "Datatilsynet"

[[category]]
id = "chat"
title = " "
purpose = ""
legal_basis = "public_task"

[[category]]
id = "nav"
title = "NAV"
purpose = "Tiltak"
legal_basis = "contract"
role = "processor"
controller = "	"

[[rule]]
id = "r"
category = "*"
keep = "1d"
action = "delete"
)") == lines({
               "2:8: error: [policy] name must not be empty",
               "3:14: error: [policy] controller must not be empty",
               "5:12: error: [policy] timezone must not be empty",
               "10:9: error: [[category]] 'chat' title must not be empty",
               "11:11: error: [[category]] 'chat' purpose must not be empty",
               "20:14: error: [[category]] 'nav' controller must not be empty",
           }));
}

TEST_CASE("policy: a missing policy file names its path") {
    TempDir dir;
    const std::string good = dir.write("p.toml", std::string(k_header) + k_chat);
    try {
        load_policy({good, dir.path() + "/nope.toml"});
        FAIL("expected an error");
    } catch (const PolicyFileError& e) {
        CHECK(e.code() == Code::no_input);
        CHECK(e.path() == dir.path() + "/nope.toml");
    }
    fs::create_directories(dir.path() + "/empty");
    try {
        load_policy({dir.path() + "/empty"});
        FAIL("expected an error");
    } catch (const PolicyFileError& e) {
        CHECK(e.code() == Code::no_input);
        CHECK(e.path() == dir.path() + "/empty");
    }
}

TEST_CASE("policy: once a policy declares recipients, a free-text recipient is a warning") {
    const std::string head = R"([policy]
name = "n"
controller = "c"
contact = "x@example.com"
timezone = "Europe/Oslo"
supervisory_authority = "Datatilsynet"

[[category]]
id = "chat"
title = "Chat"
purpose = "Veiledning"
legal_basis = "public_task"
recipients = ["imdi", "HK-dir"]

[[rule]]
id = "r"
category = "*"
keep = "1d"
action = "delete"
)";
    // Without any [[recipient]], free text is as it always was: no warning.
    CHECK(diagnostics(head) == lines({}));
    const std::string declared = head + R"(
[[recipient]]
id = "imdi"
name = "IMDi"
role = "controller"
)";
    CHECK(diagnostics(declared) ==
          lines({"8:1: warning: category 'chat' names recipient \"HK-dir\", which is no "
                 "[[recipient]] id: declare it as a [[recipient]] (with its role and location) "
                 "so that reports describe it and deletions can reach it"}));
    const Policy p = load(declared + R"(
[[recipient]]
id = "hk-dir"
name = "HK-dir"
role = "controller"
categories = ["chat"]
)");
    // The linked entry ("imdi") needs no categories of its own.
    REQUIRE(p.recipients.size() == 2);
    CHECK(p.recipients[0].categories == std::vector<std::string>{"chat"});
}
