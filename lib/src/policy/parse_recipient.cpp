// [[recipient]]: a place outside the controller that holds a copy of some categories' data
// (processor, sub-processor or receiving third party), with where it keeps them and, outside the
// EU/EEA, the transfer's safeguard (GDPR art. 13(1)(e)-(f), 15(1)(c), 15(2), 28(2), 44-49).

#include "parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>

namespace vern::policy_detail {
namespace {

constexpr std::array k_roles = {RecipientRole::processor, RecipientRole::sub_processor,
                                RecipientRole::controller, RecipientRole::source};
constexpr std::array k_deliveries = {Delivery::exec, Delivery::pull};
constexpr std::array k_safeguards = {Safeguard::adequacy_decision,
                                     Safeguard::standard_contractual_clauses,
                                     Safeguard::binding_corporate_rules, Safeguard::derogation};

bool is_valid_recipient_id(std::string_view id) {
    if (id.empty() || id[0] < 'a' || id[0] > 'z') return false;
    return std::all_of(id.begin(), id.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    });
}

template <typename Enum, std::size_t N>
std::optional<Enum> parse_name(TableReader& r, const char* key, const std::array<Enum, N>& values,
                               const char* (*name_of)(Enum), const char* what) {
    auto text = r.string(key);
    if (!text) return std::nullopt;
    std::vector<std::string> names;
    for (Enum v : values) {
        if (*text == name_of(v)) return v;
        names.push_back(name_of(v));
    }
    std::string expected;
    for (const auto& n : names) expected += (expected.empty() ? "" : ", ") + n;
    r.reporter().error(r.pos(key), fmt::format("invalid {} '{}': expected one of {}{}", what,
                                               *text, expected, did_you_mean(*text, names)));
    return std::nullopt;
}

void parse_categories(TableReader& r, Recipient& rec, LoadState& state) {
    const toml::node* node = r.node("categories");
    if (!node) return;
    if (const auto* s = node->as_string(); s && s->get() == "*") {
        for (const auto& c : state.policy.categories) rec.categories.push_back(c.id);
        return;
    }
    auto ids = r.string_array("categories");
    if (!ids) return;
    std::vector<std::string> known;
    for (const auto& c : state.policy.categories) known.push_back(c.id);
    for (const auto& id : *ids) {
        if (state.check_references && !state.policy.find_category(id)) {
            state.reporter.error(r.pos("categories"),
                                 fmt::format("recipient '{}' names unknown category '{}'{}",
                                             rec.id, id, did_you_mean(id, known)));
        } else if (!rec.holds(id)) {
            rec.categories.push_back(id);
        }
    }
}

void parse_transfer(TableReader& r, Recipient& rec) {
    rec.third_country = r.boolean("third_country").value_or(false);
    if (auto s = parse_name(r, "safeguard", k_safeguards, safeguard_name, "safeguard")) {
        rec.safeguard = *s;
    }
    rec.safeguard_ref = r.nonblank_string("safeguard_ref").value_or("");
    if (rec.third_country && !r.has("safeguard")) {
        r.reporter().error(r.pos("third_country"),
                           fmt::format("recipient '{}' is in a third country (outside the EU/EEA) "
                                       "but has no safeguard: name the transfer's ground, one of "
                                       "adequacy_decision, standard_contractual_clauses, "
                                       "binding_corporate_rules, derogation (GDPR art. 45-49)",
                                       rec.id));
    } else if (!rec.third_country && r.has("safeguard")) {
        r.reporter().error(r.pos("safeguard"),
                           fmt::format("recipient '{}' has a safeguard but not third_country = "
                                       "true: a safeguard is only needed for a transfer outside "
                                       "the EU/EEA",
                                       rec.id));
    }
    if (r.has("safeguard_ref") && !r.has("safeguard")) {
        r.reporter().error(r.pos("safeguard_ref"),
                           fmt::format("recipient '{}' has safeguard_ref but no safeguard", rec.id));
    }
}

// `deliver`, `command`, `timeout`, `batch_size`, `confirm_within`, `identify`: how the place
// learns of deletions (the outbox).
void parse_delivery(TableReader& r, Recipient& rec, LoadState& state) {
    if (auto d = parse_name(r, "deliver", k_deliveries, delivery_name, "deliver")) {
        rec.deliver = *d;
    }
    // A misspelt `deliver` has its own error; the keys that depend on it are not judged.
    const bool deliver_unknown = r.has("deliver") && rec.deliver == Delivery::none;
    if (auto argv = r.string_array("command")) {
        if (argv->empty() || argv->front().empty()) {
            state.reporter.error(r.pos("command"),
                                 fmt::format("recipient '{}': `command` is empty: give the "
                                             "program and its arguments, e.g. [\"./bin/delete\", "
                                             "\"--db\", \"chat.db\"]",
                                             rec.id));
        } else {
            rec.command = std::move(*argv);
            const std::string& program = rec.command.front();
            if (program.find('/') != std::string::npos && program.front() != '/') {
                rec.command.front() =
                    (std::filesystem::path(r.file()).parent_path() / program).lexically_normal();
            }
        }
    }
    if (rec.deliver == Delivery::exec && !r.has("command") && r.has("deliver")) {
        state.reporter.error(r.pos("deliver"),
                             fmt::format("recipient '{}' has deliver = \"exec\" but no `command`: "
                                         "name the program that gets the notices on standard "
                                         "input, e.g. command = [\"./bin/delete-chat\"]",
                                         rec.id));
    } else if (rec.deliver != Delivery::exec && r.has("command") && !deliver_unknown) {
        state.reporter.error(r.pos("command"),
                             fmt::format("recipient '{}' has a `command` but not deliver = "
                                         "\"exec\": the command is what exec delivery runs",
                                         rec.id));
    }
    for (const char* key : {"timeout", "batch_size"}) {
        if (!r.has(key) || deliver_unknown) continue;
        if (rec.deliver != Delivery::exec) {
            state.reporter.error(r.pos(key), fmt::format("recipient '{}' has `{}` but not "
                                                         "deliver = \"exec\"",
                                                         rec.id, key));
            continue;
        }
        const auto* v = r.node(key)->as_integer();
        const std::int64_t max = std::string_view(key) == "timeout" ? 86400 : 1000000;
        if (!v || v->get() < 1 || v->get() > max) {
            state.reporter.error(r.pos(key),
                                 fmt::format("recipient '{}': `{}` must be a whole number from 1 "
                                             "to {}{}",
                                             rec.id, key, max,
                                             std::string_view(key) == "timeout" ? " (seconds)"
                                                                                : ""));
            continue;
        }
        if (std::string_view(key) == "timeout") {
            rec.timeout_seconds = static_cast<int>(v->get());
        } else {
            rec.batch_size = static_cast<std::size_t>(v->get());
        }
    }
    if (auto within = r.string("confirm_within")) {
        auto d = parse_duration(*within);
        if (!d) {
            state.reporter.error(r.pos("confirm_within"), d.error());
        } else if (d->approx_days() <= 0) {
            state.reporter.error(r.pos("confirm_within"),
                                 fmt::format("recipient '{}': confirm_within must be longer than "
                                             "0 days",
                                             rec.id));
        } else {
            rec.confirm_within = *d;
        }
        if (rec.deliver == Delivery::none && !deliver_unknown) {
            state.reporter.error(r.pos("confirm_within"),
                                 fmt::format("recipient '{}' has confirm_within but no `deliver`",
                                             rec.id));
        }
    }
    if (auto keys = r.string_array("identify")) {
        rec.identify_record = false;
        for (const auto& k : *keys) {
            if (k == "record") {
                rec.identify_record = true;
            } else if (k == "subject") {
                rec.identify_subject = true;
            } else {
                state.reporter.error(r.pos("identify"),
                                     fmt::format("recipient '{}': invalid identify entry '{}': "
                                                 "expected \"record\" (the record's id) or "
                                                 "\"subject\" (the subject's ref){}",
                                                 rec.id, k,
                                                 did_you_mean(k, {"record", "subject"})));
            }
        }
        if (rec.deliver == Delivery::none && !deliver_unknown) {
            state.reporter.error(r.pos("identify"),
                                 fmt::format("recipient '{}' has `identify` but no `deliver`",
                                             rec.id));
        }
    }
}

} // namespace

void parse_recipient(const toml::table& table, const std::string& file, LoadState& state) {
    TableReader r(table, file, "[[recipient]]",
                  {"id", "name", "role", "engaged_by", "categories", "purpose", "location",
                   "third_country", "safeguard", "safeguard_ref", "contact", "active", "note", "deliver",
                   "command", "timeout", "batch_size", "confirm_within", "identify"},
                  state.reporter);
    Recipient rec;
    rec.pos = r.pos();
    if (auto id = r.string("id", true)) {
        rec.id = *id;
        r.set_context(fmt::format("[[recipient]] '{}'", rec.id));
        if (!is_valid_recipient_id(rec.id)) {
            state.reporter.error(r.pos("id"),
                                 fmt::format("invalid recipient id '{}': use lower-case letters, "
                                             "digits, '_' and '-', starting with a letter",
                                             rec.id));
        }
        auto [it, inserted] = state.recipient_ids.emplace(rec.id, r.pos("id"));
        if (!inserted) {
            const SourcePos& first = it->second;
            state.reporter.error(r.pos("id"),
                                 fmt::format("duplicate recipient id '{}'; first defined at "
                                             "{}:{}:{}",
                                             rec.id, first.file, first.line, first.column));
        }
    }
    rec.name = r.nonblank_string("name", true).value_or("");
    if (!r.has("role")) r.require("role");
    if (auto role = parse_name(r, "role", k_roles, recipient_role_name, "recipient role")) {
        rec.role = *role;
    }
    if (auto by = r.nonblank_string("engaged_by")) rec.engaged_by = *by;
    parse_categories(r, rec, state);
    rec.purpose = r.nonblank_string("purpose").value_or("");
    rec.location = r.nonblank_string("location").value_or("");
    parse_transfer(r, rec);
    rec.contact = r.nonblank_string("contact").value_or("");
    rec.active = r.boolean("active").value_or(true);
    rec.note = r.nonblank_string("note").value_or("");
    parse_delivery(r, rec, state);
    state.policy.recipients.push_back(std::move(rec));
}

} // namespace vern::policy_detail
