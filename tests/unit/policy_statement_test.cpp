// The policy language of issue 12: [[recipient]], the [policy] keys of the privacy statement
// (statement, data_protection_officer, storage, complaint_bodies), field labels ([labels.nb],
// [labels.en], a category's `labels`) and Policy::field_label, free_text/times, the methods
// month and week, and the warning about what an unlinking rule leaves behind. Diagnostics are
// asserted exactly (line, column, severity, message).

#include "policy/parser.hpp"
#include "test_support.hpp"
#include "vern/policy.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace vern;

namespace {

const std::string k_header = R"([policy]
name = "Test"
controller = "Test AS"
contact = "x@example.com"
timezone = "Europe/Oslo"
supervisory_authority = "Datatilsynet"
)";

// Three categories (chat declares its fields, mail and web do not) and a delete rule for all,
// so that a policy made of this and a [[recipient]] or two has nothing else to complain about.
const std::string k_base = k_header + R"(
[identifiers]
email = ["email"]
phone = ["phone"]

[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"
fields = ["text", "email", "phone", "topic", "session_at", "n"]

[[category]]
id = "mail"
title = "Mail"
purpose = "Mail"
legal_basis = "contract"

[[category]]
id = "web"
title = "Web"
purpose = "Security"
legal_basis = "legitimate_interests"

[[rule]]
id = "delete-all"
category = "*"
keep = "1y"
action = "delete"
)";

int count_lines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// Loads `prefix + body` and returns "LINE:COL: severity: message" for each diagnostic, one a
// line, with LINE counted from the first line of `body` (1) so that a case reads on its own.
std::string diagnostics(const std::string& prefix, const std::string& body) {
    const PolicyLoad load = testing::load_policy_text(prefix + body);
    const int offset = count_lines(prefix);
    std::string out;
    for (const auto& d : load.diagnostics) {
        const int line = d.pos.line > offset ? d.pos.line - offset : d.pos.line;
        out += (d.pos.line > offset ? "" : "prefix ") + std::to_string(line) + ":" +
               std::to_string(d.pos.column) + ": " +
               (d.severity == Severity::error ? "error: " : "warning: ") + d.message + "\n";
    }
    return out;
}

std::string lines(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += item + "\n";
    return out;
}

// A policy that must load without any diagnostic at all.
Policy load_clean(const std::string& text) {
    PolicyLoad load = testing::load_policy_text(text);
    for (const auto& d : load.diagnostics) {
        INFO(format_diagnostic(d));
        CHECK(false);
    }
    REQUIRE_FALSE(load.has_errors());
    return load.policy;
}

using Strings = std::vector<std::string>;

} // namespace

// ---------------------------------------------------------------------------------------------
// [[recipient]]

TEST_CASE("policy: [[recipient]] reads every key; categories in policy order, linked ones too") {
    const Policy p = load_clean(k_header + R"(
[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"
recipients = ["inflow24"]

[[category]]
id = "mail"
title = "Mail"
purpose = "Mail"
legal_basis = "contract"

[[category]]
id = "web"
title = "Web"
purpose = "Security"
legal_basis = "legitimate_interests"
recipients = ["linked_only"]

[[recipient]]
id = "inflow24"
name = "InFlow24 AS"
role = "processor"
categories = ["mail"]
purpose = "Drift av verktøyet"
location = "Norge"
contact = "support@inflow24.example"

[[recipient]]
id = "cloud-host_2"
name = "CloudHost Inc."
role = "sub_processor"
engaged_by = "inflow24"
categories = "*"
purpose = "Sikkerhetskopier"
location = "USA"
third_country = true
safeguard = "standard_contractual_clauses"
safeguard_ref = "Avtale av 2024-05-01"
contact = "privacy@cloudhost.example"
active = false
note = "For tiden ikke aktuelt (2019)."

[[recipient]]
id = "nav"
name = "NAV"
role = "controller"
categories = ["web", "chat", "web"]

[[recipient]]
id = "linked_only"
name = "Only linked"
role = "processor"

[[rule]]
id = "delete-all"
category = "*"
keep = "1y"
action = "delete"
)");
    REQUIRE(p.recipients.size() == 4);

    const Recipient& inflow = p.recipients[0];
    CHECK(inflow.id == "inflow24");
    CHECK(inflow.name == "InFlow24 AS");
    CHECK(inflow.role == RecipientRole::processor);
    CHECK(inflow.engaged_by.empty());
    // "mail" from its own list, "chat" because chat's `recipients` names it: in policy order.
    CHECK(inflow.categories == Strings{"chat", "mail"});
    CHECK(inflow.holds("chat"));
    CHECK(inflow.holds("mail"));
    CHECK_FALSE(inflow.holds("web"));
    CHECK(inflow.purpose == "Drift av verktøyet");
    CHECK(inflow.location == "Norge");
    CHECK(inflow.contact == "support@inflow24.example");
    CHECK_FALSE(inflow.third_country);
    CHECK(inflow.safeguard == Safeguard::none);
    CHECK(inflow.safeguard_ref.empty());
    CHECK(inflow.active); // the default
    CHECK(inflow.note.empty());
    CHECK(inflow.pos.line == 28);

    const Recipient& cloud = p.recipients[1];
    CHECK(cloud.id == "cloud-host_2");
    CHECK(cloud.name == "CloudHost Inc.");
    CHECK(cloud.role == RecipientRole::sub_processor);
    CHECK(cloud.engaged_by == "inflow24");
    CHECK(cloud.categories == Strings{"chat", "mail", "web"}); // "*": every category
    CHECK(cloud.purpose == "Sikkerhetskopier");
    CHECK(cloud.location == "USA");
    CHECK(cloud.third_country);
    CHECK(cloud.safeguard == Safeguard::standard_contractual_clauses);
    CHECK(cloud.safeguard_ref == "Avtale av 2024-05-01");
    CHECK(cloud.contact == "privacy@cloudhost.example");
    CHECK_FALSE(cloud.active);
    CHECK(cloud.note == "For tiden ikke aktuelt (2019).");

    const Recipient& nav = p.recipients[2];
    CHECK(nav.role == RecipientRole::controller);
    CHECK(nav.categories == Strings{"chat", "web"}); // policy order, listed twice = once

    // A recipient with no `categories` that a category names holds that category: no error.
    CHECK(p.recipients[3].categories == Strings{"web"});

    // The category keeps its `recipients` as written (free text is tested below).
    CHECK(p.find_category("chat")->recipients == Strings{"inflow24"});
    REQUIRE(p.find_recipient("nav") != nullptr);
    CHECK(p.find_recipient("nav")->name == "NAV");
    CHECK(p.find_recipient("IMDi") == nullptr);
    CHECK(p.find_recipient("") == nullptr);
}

TEST_CASE("policy: recipient role and safeguard names") {
    CHECK(std::string(recipient_role_name(RecipientRole::processor)) == "processor");
    CHECK(std::string(recipient_role_name(RecipientRole::sub_processor)) == "sub_processor");
    CHECK(std::string(recipient_role_name(RecipientRole::controller)) == "controller");
    CHECK(std::string(safeguard_name(Safeguard::none)) == "");
    CHECK(std::string(safeguard_name(Safeguard::adequacy_decision)) == "adequacy_decision");
    CHECK(std::string(safeguard_name(Safeguard::standard_contractual_clauses)) ==
          "standard_contractual_clauses");
    CHECK(std::string(safeguard_name(Safeguard::binding_corporate_rules)) ==
          "binding_corporate_rules");
    CHECK(std::string(safeguard_name(Safeguard::derogation)) == "derogation");

    // Each name as written in a policy.
    for (RecipientRole role : {RecipientRole::processor, RecipientRole::controller}) {
        const Policy p = load_clean(k_base + "\n[[recipient]]\nid = \"r\"\nname = \"R\"\nrole = \"" +
                                    recipient_role_name(role) + "\"\ncategories = [\"web\"]\n");
        REQUIRE(p.recipients.size() == 1);
        CHECK(p.recipients[0].role == role);
    }
    for (Safeguard s : {Safeguard::adequacy_decision, Safeguard::standard_contractual_clauses,
                        Safeguard::binding_corporate_rules, Safeguard::derogation}) {
        CAPTURE(safeguard_name(s));
        const Policy p = load_clean(k_base + "\n[[recipient]]\nid = \"r\"\nname = \"R\"\n"
                                             "role = \"controller\"\ncategories = [\"web\"]\n"
                                             "third_country = true\nsafeguard = \"" +
                                    safeguard_name(s) + "\"\n");
        REQUIRE(p.recipients.size() == 1);
        CHECK(p.recipients[0].safeguard == s);
        CHECK(p.recipients[0].third_country);
    }
}

TEST_CASE("policy: [[recipient]] diagnostics") {
    struct Case {
        const char* name;
        std::string body;
        std::vector<std::string> expected;
    };
    const std::string proc = "\n[[recipient]]\nid = \"proc\"\nname = \"P\"\nrole = \"processor\"\n"
                             "categories = [\"chat\"]\n";
    const std::string ctrl = "\n[[recipient]]\nid = \"nav\"\nname = \"NAV\"\nrole = \"controller\"\n"
                             "categories = [\"chat\"]\n";
    const Case cases[] = {
        {"unknown role, with did-you-mean",
         R"(
[[recipient]]
id = "a"
name = "A"
role = "procesor"
categories = ["chat"]
)",
         {"5:8: error: invalid recipient role 'procesor': expected one of processor, "
          "sub_processor, controller, source; did you mean 'processor'?"}},
        {"unknown role, nothing near",
         R"(
[[recipient]]
id = "a"
name = "A"
role = "partner"
categories = ["chat"]
)",
         {"5:8: error: invalid recipient role 'partner': expected one of processor, "
          "sub_processor, controller, source"}},
        {"sub_processor without engaged_by",
         proc + R"(
[[recipient]]
id = "sub"
name = "S"
role = "sub_processor"
categories = ["chat"]
)",
         {"8:1: error: sub-processor 'sub' needs `engaged_by`: the id of the processor that "
          "engages it"}},
        {"engaged_by naming no recipient",
         proc + R"(
[[recipient]]
id = "sub"
name = "S"
role = "sub_processor"
engaged_by = "procc"
categories = ["chat"]
)",
         {"8:1: error: sub-processor 'sub' is engaged_by 'procc', which is no processor's id; "
          "did you mean 'proc'?"}},
        {"engaged_by naming a controller-role recipient",
         proc + ctrl + R"(
[[recipient]]
id = "sub"
name = "S"
role = "sub_processor"
engaged_by = "nav"
categories = ["chat"]
)",
         {"14:1: error: sub-processor 'sub' is engaged_by 'nav', which is no processor's id"}},
        {"engaged_by naming the sub-processor itself",
         proc + R"(
[[recipient]]
id = "sub"
name = "S"
role = "sub_processor"
engaged_by = "sub"
categories = ["chat"]
)",
         {"8:1: error: sub-processor 'sub' is engaged_by 'sub', which is no processor's id"}},
        {"engaged_by on a processor",
         proc + R"(
[[recipient]]
id = "p2"
name = "P2"
role = "processor"
engaged_by = "proc"
categories = ["chat"]
)",
         {"8:1: error: recipient 'p2' has `engaged_by` but role \"processor\"; only a "
          "sub_processor is engaged by a processor"}},
        {"engaged_by on a controller",
         proc + R"(
[[recipient]]
id = "c2"
name = "C2"
role = "controller"
engaged_by = "proc"
categories = ["chat"]
)",
         {"8:1: error: recipient 'c2' has `engaged_by` but role \"controller\"; only a "
          "sub_processor is engaged by a processor"}},
        {"third_country = true without a safeguard",
         R"(
[[recipient]]
id = "us"
name = "US"
role = "processor"
categories = ["chat"]
third_country = true
)",
         {"7:17: error: recipient 'us' is in a third country (outside the EU/EEA) but has no "
          "safeguard: name the transfer's ground, one of adequacy_decision, "
          "standard_contractual_clauses, binding_corporate_rules, derogation (GDPR art. 45-49)"}},
        {"a safeguard without third_country",
         R"(
[[recipient]]
id = "eu"
name = "EU"
role = "processor"
categories = ["chat"]
safeguard = "adequacy_decision"
)",
         {"7:13: error: recipient 'eu' has a safeguard but not third_country = true: a "
          "safeguard is only needed for a transfer outside the EU/EEA"}},
        {"a safeguard with third_country = false",
         R"(
[[recipient]]
id = "eu"
name = "EU"
role = "processor"
categories = ["chat"]
third_country = false
safeguard = "derogation"
)",
         {"8:13: error: recipient 'eu' has a safeguard but not third_country = true: a "
          "safeguard is only needed for a transfer outside the EU/EEA"}},
        {"safeguard_ref without a safeguard",
         R"(
[[recipient]]
id = "eu"
name = "EU"
role = "processor"
categories = ["chat"]
safeguard_ref = "Avtale"
)",
         {"7:17: error: recipient 'eu' has safeguard_ref but no safeguard"}},
        {"an unknown safeguard",
         R"(
[[recipient]]
id = "us"
name = "US"
role = "processor"
categories = ["chat"]
third_country = true
safeguard = "binding_corporate_rule"
)",
         {"8:13: error: invalid safeguard 'binding_corporate_rule': expected one of "
          "adequacy_decision, standard_contractual_clauses, binding_corporate_rules, derogation; "
          "did you mean 'binding_corporate_rules'?"}},
        {"an unknown category",
         R"(
[[recipient]]
id = "a"
name = "A"
role = "processor"
categories = ["chat", "mial"]
)",
         {"6:14: error: recipient 'a' names unknown category 'mial'; did you mean 'mail'?"}},
        {"a recipient holding no category",
         R"(
[[recipient]]
id = "idle"
name = "Idle"
role = "processor"
)",
         {"2:1: error: recipient 'idle' holds no category: list them in `categories` (or \"*\"), "
          "or name 'idle' in a category's `recipients`"}},
        {"an empty categories list holds nothing either",
         R"(
[[recipient]]
id = "idle"
name = "Idle"
role = "processor"
categories = []
)",
         {"2:1: error: recipient 'idle' holds no category: list them in `categories` (or \"*\"), "
          "or name 'idle' in a category's `recipients`"}},
        {"a duplicate id",
         proc + proc,
         {"9:6: error: duplicate recipient id 'proc'; first defined at " +
          std::string("<file>") + ":" + std::to_string(count_lines(k_base) + 3) + ":6"}},
        {"an invalid id",
         R"(
[[recipient]]
id = "InFlow24"
name = "A"
role = "processor"
categories = ["chat"]
)",
         {"3:6: error: invalid recipient id 'InFlow24': use lower-case letters, digits, '_' and "
          "'-', starting with a letter"}},
        {"an id starting with a digit",
         R"(
[[recipient]]
id = "24inflow"
name = "A"
role = "processor"
categories = ["chat"]
)",
         {"3:6: error: invalid recipient id '24inflow': use lower-case letters, digits, '_' and "
          "'-', starting with a letter"}},
        {"an unknown key, with did-you-mean",
         R"(
[[recipient]]
id = "a"
name = "A"
role = "processor"
categories = ["chat"]
locaton = "Norge"
)",
         {"7:1: error: unknown key 'locaton' in [[recipient]]; did you mean 'location'?"}},
        {"missing name and role",
         R"(
[[recipient]]
id = "a"
categories = ["chat"]
)",
         {"2:1: error: missing required key 'name' in [[recipient]] 'a'",
          "2:1: error: missing required key 'role' in [[recipient]] 'a'"}},
        {"missing id",
         R"(
[[recipient]]
name = "A"
role = "processor"
categories = ["chat"]
)",
         {"2:1: error: missing required key 'id' in [[recipient]]"}},
        {"an empty name",
         R"(
[[recipient]]
id = "a"
name = " "
role = "processor"
categories = ["chat"]
)",
         {"4:8: error: [[recipient]] 'a' name must not be empty"}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        std::string got = diagnostics(k_base, c.body);
        // The file is a temporary path: the duplicate's message names it.
        std::string expected = lines(c.expected);
        if (const auto at = expected.find("<file>"); at != std::string::npos) {
            const auto first = got.find("first defined at ");
            REQUIRE(first != std::string::npos);
            const auto start = first + std::string("first defined at ").size();
            const auto colon = got.find(".toml:", start);
            REQUIRE(colon != std::string::npos);
            expected.replace(at, 6, got.substr(start, colon + 5 - start));
        }
        CHECK(got == expected);
    }
}

TEST_CASE("policy: a category's recipients entry that is no recipient id is free text") {
    // "IMDi" and "InFlow24 AS" (a recipient's name, not its id) link nothing; once the policy
    // declares recipients, each is a warning (a copy that deletions cannot reach).
    const PolicyLoad load = testing::load_policy_text(k_header + R"(
[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"
recipients = ["IMDi", "InFlow24 AS"]

[[recipient]]
id = "inflow24"
name = "InFlow24 AS"
role = "processor"
categories = "*"

[[rule]]
id = "r"
category = "chat"
keep = "1d"
action = "delete"
)");
    REQUIRE_FALSE(load.has_errors());
    REQUIRE(load.diagnostics.size() == 2);
    CHECK(load.diagnostics[0].message.find("names recipient \"IMDi\", which is no [[recipient]] "
                                           "id") != std::string::npos);
    CHECK(load.diagnostics[1].message.find("names recipient \"InFlow24 AS\", which is no "
                                           "[[recipient]] id") != std::string::npos);
    const Policy& p = load.policy;
    CHECK(p.find_category("chat")->recipients == Strings{"IMDi", "InFlow24 AS"});
    CHECK(p.recipients[0].categories == Strings{"chat"});
}

// ---------------------------------------------------------------------------------------------
// [policy]: statement, data_protection_officer, storage, complaint_bodies

TEST_CASE("policy: the privacy statement keys of [policy]") {
    const std::string rest = R"(
[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"

[[rule]]
id = "r"
category = "chat"
keep = "1d"
action = "delete"
)";
    const Policy p = load_clean(k_header + R"toml(statement = { title = "Personvernerklæring", url = "https://example.no/personvern" }
data_protection_officer = "Linda Ødegård, personvern@example.no"
storage = "Servere i Europa (EU/EØS)"
complaint_bodies = ["NAV (ditt NAV-kontor), www.nav.no", "Sivilombudet"]
)toml" + rest);
    CHECK(p.info.statement_title == "Personvernerklæring");
    CHECK(p.info.statement_url == "https://example.no/personvern");
    CHECK(p.info.data_protection_officer == "Linda Ødegård, personvern@example.no");
    CHECK(p.info.storage == "Servere i Europa (EU/EØS)");
    CHECK(p.info.complaint_bodies == Strings{"NAV (ditt NAV-kontor), www.nav.no", "Sivilombudet"});

    // Every one is optional.
    const Policy none = load_clean(k_header + rest);
    CHECK(none.info.statement_title.empty());
    CHECK(none.info.statement_url.empty());
    CHECK(none.info.data_protection_officer.empty());
    CHECK(none.info.storage.empty());
    CHECK(none.info.complaint_bodies.empty());

    // As a [policy.statement] table, too.
    const Policy table = load_clean(k_header + R"(
[policy.statement]
title = "T"
url = "https://example.no/"
)" + rest);
    CHECK(table.info.statement_title == "T");
    CHECK(table.info.statement_url == "https://example.no/");
}

TEST_CASE("policy: diagnostics of the privacy statement keys") {
    const std::string rest = R"(
[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"

[[rule]]
id = "r"
category = "chat"
keep = "1d"
action = "delete"
)";
    struct Case {
        const char* name;
        std::string lines;
        std::vector<std::string> expected;
    };
    const Case cases[] = {
        {"statement without url", "statement = { title = \"T\" }\n",
         {"1:13: error: missing required key 'url' in [policy] statement"}},
        {"statement without title", "statement = { url = \"https://x.no\" }\n",
         {"1:13: error: missing required key 'title' in [policy] statement"}},
        {"statement with an empty title",
         "statement = { title = \"\", url = \"https://x.no\" }\n",
         {"1:23: error: [policy] statement title must not be empty"}},
        {"statement with an unknown key, with did-you-mean",
         "statement = { title = \"T\", url = \"https://x.no\", ulr = \"y\" }\n",
         {"1:50: error: unknown key 'ulr' in [policy] statement; did you mean 'url'?"}},
        {"statement that is no table", "statement = \"Personvernerklæring\"\n",
         {"1:13: error: 'statement' must be a table, not a string"}},
        {"an empty data_protection_officer", "data_protection_officer = \"\"\n",
         {"1:27: error: [policy] data_protection_officer must not be empty"}},
        {"a blank storage", "storage = \"  \"\n",
         {"1:11: error: [policy] storage must not be empty"}},
        {"an empty string among complaint_bodies", "complaint_bodies = [\"NAV\", \"\"]\n",
         {"1:20: error: complaint_bodies must not contain an empty string"}},
        {"a blank string among complaint_bodies", "complaint_bodies = [\" \\t \"]\n",
         {"1:20: error: complaint_bodies must not contain an empty string"}},
        {"complaint_bodies that is no list", "complaint_bodies = \"NAV\"\n",
         {"1:20: error: 'complaint_bodies' must be an array of strings, not a string"}},
        {"a misspelt key", "data_protection_oficer = \"x\"\n",
         {"1:1: error: unknown key 'data_protection_oficer' in [policy]; did you mean "
          "'data_protection_officer'?"}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        CHECK(diagnostics(k_header, c.lines + rest) == lines(c.expected));
    }
    // The empty complaint body is dropped, the others kept.
    const PolicyLoad load =
        testing::load_policy_text(k_header + "complaint_bodies = [\"NAV\", \"\", \"IMDi\"]\n" + rest);
    CHECK(load.policy.info.complaint_bodies == Strings{"NAV", "IMDi"});
}

// ---------------------------------------------------------------------------------------------
// Field labels

namespace {

const std::string k_labelled = k_header + R"(
[labels.nb]
text = "Tekst"
email = "E-post"
topic = "Tema"
when = "Tidspunkt"

[labels.en]
text = "Text"
email = "E-mail"
topic = "Topic"
when = "Time"

[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"
fields = ["text", "email", "topic", "when"]
labels = { nb = { text = "Notat" }, en = { topic = "Subject" } }

[[category]]
id = "mail"
title = "Mail"
purpose = "Mail"
legal_basis = "contract"
fields = ["text", "email"]

[[rule]]
id = "r"
category = "*"
keep = "1d"
action = "delete"
)";

} // namespace

TEST_CASE("policy: [labels.nb], [labels.en] and a category's labels are read") {
    const Policy p = load_clean(k_labelled);
    REQUIRE(p.labels.count("nb") == 1);
    REQUIRE(p.labels.count("en") == 1);
    CHECK(p.labels.at("nb") ==
          FieldLabels{{"text", "Tekst"}, {"email", "E-post"}, {"topic", "Tema"}, {"when", "Tidspunkt"}});
    CHECK(p.labels.at("en") ==
          FieldLabels{{"text", "Text"}, {"email", "E-mail"}, {"topic", "Topic"}, {"when", "Time"}});
    const Category* chat = p.find_category("chat");
    REQUIRE(chat);
    CHECK(chat->labels.at("nb") == FieldLabels{{"text", "Notat"}});
    CHECK(chat->labels.at("en") == FieldLabels{{"topic", "Subject"}});
    CHECK(p.find_category("mail")->labels.empty());
}

TEST_CASE("policy: field_label: the category's label, else the policy's, else the key") {
    const Policy p = load_clean(k_labelled);
    // The category's label wins, in its language only.
    CHECK(p.field_label("chat", "text", "nb") == "Notat");
    CHECK(p.field_label("chat", "text", "en") == "Text");
    CHECK(p.field_label("chat", "topic", "en") == "Subject");
    CHECK(p.field_label("chat", "topic", "nb") == "Tema");
    // Another category has no override: the policy's label.
    CHECK(p.field_label("mail", "text", "nb") == "Tekst");
    CHECK(p.field_label("mail", "text", "en") == "Text");
    CHECK(p.field_label("chat", "email", "nb") == "E-post");
    CHECK(p.field_label("chat", "email", "en") == "E-mail");
    // No label: the key itself.
    CHECK(p.field_label("chat", "amount", "nb") == "amount");
    CHECK(p.field_label("chat", "text", "de") == "text");
    // An unknown category still gets the policy's labels.
    CHECK(p.field_label("gone", "text", "nb") == "Tekst");

    // Without any labels, every field is its key.
    const Policy bare = load_clean(k_header + R"(
[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"
fields = ["text"]

[[rule]]
id = "r"
category = "chat"
keep = "1d"
action = "delete"
)");
    CHECK(bare.labels.empty());
    CHECK(bare.field_label("chat", "text", "nb") == "text");
    CHECK(bare.field_label("chat", "text", "en") == "text");
}

TEST_CASE("policy: field label diagnostics") {
    const std::string rest = R"(
[[rule]]
id = "r"
category = "*"
keep = "1d"
action = "delete"
)";
    // A category `chat` with fields text and email, labelled in both languages, after `labels`.
    auto chat = [](const std::string& extra) {
        return "\n[[category]]\nid = \"chat\"\ntitle = \"Chat\"\npurpose = \"Guidance\"\n"
               "legal_basis = \"public_task\"\nfields = [\"text\", \"email\"]\n" +
               extra;
    };
    const std::string both = "\n[labels.nb]\ntext = \"Tekst\"\nemail = \"E-post\"\n"
                             "\n[labels.en]\ntext = \"Text\"\nemail = \"E-mail\"\n";
    struct Case {
        const char* name;
        std::string body;
        std::vector<std::string> expected;
    };
    const Case cases[] = {
        {"a label that is no string",
         "\n[labels.nb]\ntext = 3\nemail = \"E-post\"\n" + chat(""),
         // An invalid label is no label: the field is then unlabelled in nb.
         {"3:8: error: [labels.nb] text must be a string (the words for the field), not an "
          "integer",
          "6:1: warning: category 'chat' has fields without a label in [labels.nb]: text "
          "(access reports in nb would show the raw key)"}},
        {"an empty label", "\n[labels.en]\ntext = \"\"\nemail = \"E-mail\"\n" + chat(""),
         {"3:8: error: [labels.en] text must not be empty",
          "6:1: warning: category 'chat' has fields without a label in [labels.en]: text "
          "(access reports in en would show the raw key)"}},
        {"a blank label", "\n[labels.en]\ntext = \" \"\nemail = \"E-mail\"\n" + chat(""),
         {"3:8: error: [labels.en] text must not be empty",
          "6:1: warning: category 'chat' has fields without a label in [labels.en]: text "
          "(access reports in en would show the raw key)"}},
        {"an unknown language table", both + "\n[labels.de]\ntext = \"Text\"\n" + chat(""),
         {"10:9: error: unknown key 'de' in [labels]"}},
        {"a category label that is no string",
         both + chat("labels = { nb = { text = 4 } }\n"),
         {"16:26: error: [[category]] 'chat' labels.nb text must be a string (the words for the "
          "field), not an integer"}},
        {"an empty category label", both + chat("labels = { en = { email = \"\" } }\n"),
         {"16:27: error: [[category]] 'chat' labels.en email must not be empty"}},
        {"a category label in an unknown language",
         both + chat("labels = { fr = { text = \"Texte\" } }\n"),
         {"16:12: error: unknown key 'fr' in [[category]] 'chat' labels"}},
        {"a category label for a field it does not declare",
         both + chat("labels = { nb = { txt = \"Notat\" } }\n"),
         {"16:19: error: labels names field 'txt', which category 'chat' does not declare in "
          "`fields`; did you mean 'text'?"}},
        {"category labels that are no table", both + chat("labels = \"Notat\"\n"),
         {"16:10: error: 'labels' must be a table, not a string"}},
        {"[labels.nb] that is no table", "\n[labels]\nnb = \"Tekst\"\n" + chat(""),
         {"3:6: error: 'nb' must be a table, not a string"}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        CHECK(diagnostics(k_header, c.body + rest) == lines(c.expected));
    }
    // A policy-wide label for a field no category declares is not checked (categories without
    // `fields` may hold it); a category without `fields` may label anything.
    CHECK(diagnostics(k_header, both + "amount = \"Amount\"\n" + chat("") +
                                    "\n[[category]]\nid = \"mail\"\ntitle = \"Mail\"\n"
                                    "purpose = \"Mail\"\nlegal_basis = \"contract\"\n"
                                    "labels = { nb = { anything = \"Hva som helst\" } }\n" +
                                    rest) == "");
}

TEST_CASE("policy: a field without a label in a language that has labels is warned about") {
    const std::string rest = R"(
[[rule]]
id = "r"
category = "*"
keep = "1d"
action = "delete"
)";
    const std::string cat = R"(
[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"
fields = ["text", "email", "when"]
)";
    // [labels.en] lacks email and when; nb has every field.
    CHECK(diagnostics(k_header, R"(
[labels.nb]
text = "Tekst"
email = "E-post"
when = "Tidspunkt"

[labels.en]
text = "Text"
)" + cat + rest) ==
          lines({"10:1: warning: category 'chat' has fields without a label in [labels.en]: "
                 "email, when (access reports in en would show the raw key)"}));

    // No labels at all: no warning (the report shows keys, consistently).
    CHECK(diagnostics(k_header, cat + rest) == "");

    // A category label counts: every field labelled, partly per category.
    CHECK(diagnostics(k_header, R"(
[labels.en]
text = "Text"
email = "E-mail"
)" + cat + "labels = { en = { when = \"Time\" } }\n" + rest) == "");

    // Labels given only on a category make that language one with labels: the other
    // category's fields are then warned about too, and so are its own unlabelled ones.
    CHECK(diagnostics(k_header, cat + "labels = { nb = { text = \"Notat\" } }\n" + R"(
[[category]]
id = "mail"
title = "Mail"
purpose = "Mail"
legal_basis = "contract"
fields = ["subject"]
)" + rest) == lines({"2:1: warning: category 'chat' has fields without a label in [labels.nb]: "
                     "email, when (access reports in nb would show the raw key)",
                     "10:1: warning: category 'mail' has fields without a label in "
                     "[labels.nb]: subject (access reports in nb would show the raw key)"}));

    // A category that declares no fields is never warned about.
    CHECK(diagnostics(k_header, "\n[labels.nb]\ntext = \"Tekst\"\n" + std::string(R"(
[[category]]
id = "mail"
title = "Mail"
purpose = "Mail"
legal_basis = "contract"
)") + rest) == "");

    // It is a warning, not an error.
    const PolicyLoad load = testing::load_policy_text(k_header + "\n[labels.en]\ntext = \"Text\"\n" +
                                                      cat + rest);
    REQUIRE(load.diagnostics.size() == 1);
    CHECK(load.diagnostics[0].severity == Severity::warning);
    CHECK_FALSE(load.has_errors());
}

// ---------------------------------------------------------------------------------------------
// free_text and times

TEST_CASE("policy: free_text and times are read and must be declared fields") {
    const std::string rest = R"(
[[rule]]
id = "r"
category = "*"
keep = "1d"
action = "delete"
)";
    const std::string head = R"(
[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"
fields = ["text", "topic", "session_at", "n"]
)";
    const Policy p = load_clean(k_header + head +
                                "free_text = [\"text\", \"topic\"]\ntimes = [\"session_at\"]\n" + rest);
    CHECK(p.find_category("chat")->free_text == Strings{"text", "topic"});
    CHECK(p.find_category("chat")->times == Strings{"session_at"});

    CHECK(diagnostics(k_header, head + "free_text = [\"text\", \"txt\"]\n" + rest) ==
          lines({"8:13: error: free_text names field 'txt', which category 'chat' does not "
                 "declare in `fields`; did you mean 'text'?"}));
    CHECK(diagnostics(k_header, head + "times = [\"session\"]\n" + rest) ==
          lines({"8:9: error: times names field 'session', which category 'chat' does not "
                 "declare in `fields`"}));
    CHECK(diagnostics(k_header, head + "times = \"session_at\"\n" + rest) ==
          lines({"8:9: error: 'times' must be an array of strings, not a string"}));

    // A category that declares no fields may name any.
    const Policy open = load_clean(k_header + R"(
[[category]]
id = "mail"
title = "Mail"
purpose = "Mail"
legal_basis = "contract"
free_text = ["body"]
times = ["sent_at"]
)" + rest);
    CHECK(open.find_category("mail")->free_text == Strings{"body"});
    CHECK(open.find_category("mail")->times == Strings{"sent_at"});
    CHECK_FALSE(open.find_category("mail")->fields.has_value());
}

// ---------------------------------------------------------------------------------------------
// The methods month and week

TEST_CASE("policy::parse_anon_method month and week") {
    using policy_detail::parse_anon_method;
    auto month = parse_anon_method("month");
    REQUIRE(month);
    CHECK(month->kind == AnonMethod::Kind::month);
    CHECK(month->text == "month");
    auto week = parse_anon_method("week");
    REQUIRE(week);
    CHECK(week->kind == AnonMethod::Kind::week);
    CHECK(parse_anon_method("month:2").error() ==
          "invalid anonymisation method \"month:2\": month takes no argument");
    CHECK(parse_anon_method("week:1").error() ==
          "invalid anonymisation method \"week:1\": week takes no argument");
    CHECK(parse_anon_method("weak").error() ==
          "unknown anonymisation method \"weak\": expected remove, redact, drop_last:N, "
          "mask_last:N, truncate_ip, band:N, year, month or week; did you mean 'week'?");
}

// ---------------------------------------------------------------------------------------------
// What an unlinking rule leaves behind

namespace {

// A category with identifier fields (email, phone), free text (text, topic), a time
// (session_at) and a plain field (n), an anonymize rule with `rule` as its last lines, and a
// delete rule. Returns the diagnostics, relative to the first line of the anonymize rule.
const std::string k_leftover_head = k_header + R"(
[identifiers]
email = ["email"]
phone = ["phone"]

[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"
fields = ["email", "phone", "text", "topic", "session_at", "n"]
free_text = ["text", "topic"]
times = ["session_at"]

[[category]]
id = "mail"
title = "Mail"
purpose = "Mail"
legal_basis = "contract"
fields = ["subject"]

[[rule]]
id = "delete-all"
category = "*"
keep = "1y"
action = "delete"
)";

std::string leftovers(const std::string& rule) {
    return diagnostics(k_leftover_head, "[[rule]]\nid = \"stats\"\n" + rule);
}

// The fields of the unlinking rule "stats" on chat, with every leftover handled except the
// ones overridden by `overrides` (TOML inline-table entries, placed first: a later duplicate
// key is a TOML error, so the defaults skip the fields named).
std::string unlink_with(const std::vector<std::pair<std::string, std::string>>& overrides) {
    const std::vector<std::pair<std::string, std::string>> defaults = {
        {"email", "remove"}, {"phone", "redact"}, {"text", "remove"},
        {"topic", "redact"}, {"session_at", "month"}};
    std::string fields;
    auto add = [&](const std::string& k, const std::string& v) {
        if (v.empty()) return; // "": leave the field out of the rule
        fields += (fields.empty() ? "" : ", ") + k + " = \"" + v + "\"";
    };
    for (const auto& [k, v] : overrides) add(k, v);
    for (const auto& [k, v] : defaults) {
        const std::string key = k; // clang 15 cannot capture a structured binding
        const bool overridden = std::any_of(overrides.begin(), overrides.end(),
                                            [&key](const auto& o) { return o.first == key; });
        if (!overridden) add(k, v);
    }
    return leftovers("category = \"chat\"\nkeep = \"30d\"\naction = \"anonymize\"\nunlink = true\n"
                     "fields = { " +
                     fields + " }\n");
}

std::string warning(const std::string& problem) {
    return "1:1: warning: rule 'stats' unlinks records of category 'chat' but " + problem + "\n";
}

const std::string k_identifier_email =
    "keeps identifier field 'email' ([identifiers]); remove it";
const std::string k_free_text_text =
    "keeps free-text field 'text', which may name the person; use \"remove\" or \"redact\"";
const std::string k_time_session =
    "keeps the exact time in 'session_at', which can single the person out; coarsen it with "
    "\"year\", \"month\" or \"week\", or remove it";

} // namespace

TEST_CASE("policy: an unlinking rule that keeps nothing that points at the person: no warning") {
    CHECK(unlink_with({}) == "");
    // Every coarsening of a time, and removing it.
    for (const char* m : {"year", "month", "week", "remove", "redact"}) {
        CAPTURE(m);
        CHECK(unlink_with({{"session_at", m}}) == "");
    }
    // remove and redact for identifiers and free text.
    CHECK(unlink_with({{"email", "redact"}, {"phone", "remove"}, {"text", "redact"},
                       {"topic", "remove"}}) == "");
    // The plain field n is neither: kept as it is without a word.
    CHECK(unlink_with({{"n", "band:10"}}) == "");
}

TEST_CASE("policy: an unlinking rule that keeps an identifier field is warned about") {
    CHECK(unlink_with({{"email", ""}}) == warning(k_identifier_email));
    // Masked or shortened, an identifier still points at the person.
    CHECK(unlink_with({{"email", "mask_last:3"}}) == warning(k_identifier_email));
    CHECK(unlink_with({{"phone", "drop_last:2"}}) ==
          warning("keeps identifier field 'phone' ([identifiers]); remove it or cut at least its "
                  "last four digits"));
    CHECK(unlink_with({{"phone", "mask_last:3"}}) ==
          warning("keeps identifier field 'phone' ([identifiers]); remove it or cut at least its "
                  "last four digits"));
    // A phone number without its last four digits no longer points at one person; an e-mail
    // address does.
    CHECK(unlink_with({{"phone", "drop_last:4"}}) == "");
    CHECK(unlink_with({{"phone", "mask_last:5"}}) == "");
    CHECK(unlink_with({{"email", "drop_last:4"}}) == warning(k_identifier_email));
}

TEST_CASE("policy: an unlinking rule that keeps a free-text field is warned about") {
    CHECK(unlink_with({{"text", ""}}) == warning(k_free_text_text));
    CHECK(unlink_with({{"text", "mask_last:5"}}) == warning(k_free_text_text));
    CHECK(unlink_with({{"topic", "drop_last:3"}}) ==
          warning("keeps free-text field 'topic', which may name the person; use \"remove\" or "
                  "\"redact\""));
}

TEST_CASE("policy: an unlinking rule that keeps a time exact is warned about") {
    CHECK(unlink_with({{"session_at", ""}}) == warning(k_time_session));
    for (const char* m : {"truncate_ip", "mask_last:2", "drop_last:3", "band:10"}) {
        CAPTURE(m);
        CHECK(unlink_with({{"session_at", m}}) == warning(k_time_session));
    }
}

TEST_CASE("policy: the unlink warnings, all at once; only unlinking rules; --strict's error") {
    // Nothing handled: one warning per field, in the category's field order.
    CHECK(leftovers("category = \"chat\"\nkeep = \"30d\"\naction = \"anonymize\"\nunlink = true\n") ==
          lines({"1:1: warning: rule 'stats' unlinks records of category 'chat' but " +
                     k_identifier_email,
                 "1:1: warning: rule 'stats' unlinks records of category 'chat' but keeps "
                 "identifier field 'phone' ([identifiers]); remove it or cut at least its last "
                 "four digits",
                 "1:1: warning: rule 'stats' unlinks records of category 'chat' but " +
                     k_free_text_text,
                 "1:1: warning: rule 'stats' unlinks records of category 'chat' but keeps "
                 "free-text field 'topic', which may name the person; use \"remove\" or "
                 "\"redact\"",
                 "1:1: warning: rule 'stats' unlinks records of category 'chat' but " +
                     k_time_session}));

    // An anonymize rule that does not unlink leaves the record linked: nothing to warn about.
    CHECK(leftovers("category = \"chat\"\nkeep = \"30d\"\naction = \"anonymize\"\n"
                    "fields = { n = \"band:10\" }\n") == "");
    CHECK(leftovers("category = \"chat\"\nkeep = \"30d\"\naction = \"anonymize\"\nunlink = false\n"
                    "fields = { email = \"mask_last:3\" }\n") == "");
    // Nor does a delete rule.
    CHECK(leftovers("category = \"chat\"\nkeep = \"30d\"\naction = \"delete\"\n") == "");

    // A rule over every category names each category it leaves something in (mail: none).
    CHECK(leftovers("category = \"*\"\nkeep = \"30d\"\naction = \"anonymize\"\nunlink = true\n"
                    "fields = { email = \"remove\", phone = \"remove\", text = \"remove\", "
                    "topic = \"remove\" }\n") ==
          lines({"1:1: warning: rule 'stats' unlinks records of category 'chat' but " +
                 k_time_session}));

    // A category without declared fields is checked on its free_text and times.
    CHECK(diagnostics(k_header, R"(
[[category]]
id = "mail"
title = "Mail"
purpose = "Mail"
legal_basis = "contract"
free_text = ["body"]
times = ["sent_at"]

[[rule]]
id = "mail-stats"
category = "mail"
keep = "30d"
action = "anonymize"
unlink = true
fields = { sent_at = "week" }
)") == lines({"10:1: warning: rule 'mail-stats' unlinks records of category 'mail' but keeps "
              "free-text field 'body', which may name the person; use \"remove\" or \"redact\""}));

    // Warnings, not errors: the policy loads (`vern check --strict` makes them errors; see
    // tests/cli/test_access_statement.sh).
    const PolicyLoad load = testing::load_policy_text(
        k_leftover_head + "[[rule]]\nid = \"stats\"\ncategory = \"chat\"\nkeep = \"30d\"\n"
                          "action = \"anonymize\"\nunlink = true\n");
    CHECK_FALSE(load.has_errors());
    CHECK(load.diagnostics.size() == 5);
}
