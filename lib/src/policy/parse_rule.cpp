// [[rule]] (SPEC 3.4): anchors, keep, round, action, anonymisation methods and conditions.

#include "parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace vern::policy_detail {
namespace {

std::vector<std::string> category_ids(const Policy& policy) {
    std::vector<std::string> ids;
    for (const auto& c : policy.categories) {
        ids.push_back(c.id);
    }
    return ids;
}

// category = "x" | "*", or categories = ["a", "b"].
void parse_categories(TableReader& r, Rule& rule, LoadState& state) {
    std::vector<std::pair<std::string, SourcePos>> named;
    if (r.has("category") && r.has("categories")) {
        state.reporter.error(r.pos("categories"),
                             fmt::format("rule '{}' has both 'category' and 'categories'; use one",
                                         rule.id));
        return;
    }
    if (auto one = r.string("category")) {
        if (*one == "*") {
            rule.all_categories = true;
        } else {
            named.emplace_back(*one, r.pos("category"));
        }
    } else if (auto many = r.string_array("categories")) {
        const toml::array& arr = *r.node("categories")->as_array();
        for (std::size_t i = 0; i < many->size(); ++i) {
            named.emplace_back((*many)[i], r.pos(arr[i]));
        }
        if (many->empty()) {
            state.reporter.error(r.pos("categories"),
                                 fmt::format("rule '{}' has an empty 'categories'", rule.id));
        }
    } else if (!r.has("category") && !r.has("categories")) {
        r.require("category");
    }
    for (auto& [id, pos] : named) {
        if (id == "*") {
            rule.all_categories = true;
            continue;
        }
        if (state.check_references && !state.policy.find_category(id)) {
            state.reporter.error(pos, fmt::format("rule '{}' names unknown category '{}'{}",
                                                  rule.id, id,
                                                  did_you_mean(id, category_ids(state.policy))));
        }
        rule.categories.push_back(std::move(id));
    }
    if (rule.all_categories) {
        rule.categories = category_ids(state.policy);
    }
}

// Warns about a field a rule names that a category covered by it does not declare.
void check_declared(const Rule& rule, const std::string& field, const SourcePos& pos,
                    const char* what, LoadState& state) {
    if (!state.check_references || rule.all_categories) {
        return;
    }
    for (const auto& id : rule.categories) {
        const Category* c = state.policy.find_category(id);
        if (!c || !c->fields || state.duplicate_categories.count(id)) {
            continue;
        }
        if (std::find(c->fields->begin(), c->fields->end(), field) == c->fields->end()) {
            state.reporter.warning(
                pos, fmt::format("rule '{}' {} field '{}', which category '{}' does not declare{}",
                                 rule.id, what, field, id, did_you_mean(field, *c->fields)));
        }
    }
}

void parse_fields(TableReader& r, Rule& rule, LoadState& state) {
    const toml::table* fields = r.table("fields");
    if (!fields) {
        return;
    }
    if (rule.action == Action::erase) {
        state.reporter.error(r.pos("fields"),
                             fmt::format("rule '{}' deletes whole records; 'fields' is only "
                                         "allowed with action = \"anonymize\"",
                                         rule.id));
        return;
    }
    for (auto&& [key, value] : *fields) {
        const SourcePos pos = r.pos(value);
        const auto* text = value.as_string();
        if (!text) {
            state.reporter.error(pos, fmt::format("anonymisation method for field '{}' must be "
                                                  "a string, not {}",
                                                  key.str(), type_name(value)));
            continue;
        }
        auto method = parse_anon_method(text->get());
        if (!method) {
            state.reporter.error(pos, method.error());
            continue;
        }
        rule.fields.emplace(std::string(key.str()), *method);
        check_declared(rule, std::string(key.str()), pos_of(r.file(), key.source()), "anonymizes",
                       state);
    }
}

void parse_where(TableReader& r, Rule& rule, LoadState& state) {
    const toml::table* where = r.table("where");
    if (!where) {
        return;
    }
    for (auto&& [key, value] : *where) {
        nlohmann::json v;
        if (const auto* s = value.as_string()) {
            v = s->get();
        } else if (const auto* i = value.as_integer()) {
            v = i->get();
        } else if (const auto* f = value.as_floating_point()) {
            v = f->get();
        } else if (const auto* b = value.as_boolean()) {
            v = b->get();
        } else {
            state.reporter.error(r.pos(value),
                                 fmt::format("where.{} must be a string, number or boolean, not {}",
                                             key.str(), type_name(value)));
            continue;
        }
        rule.where.emplace(std::string(key.str()), std::move(v));
        check_declared(rule, std::string(key.str()), pos_of(r.file(), key.source()), "tests",
                       state);
    }
}

void parse_consent_conditions(TableReader& r, Rule& rule, LoadState& state) {
    if (auto p = r.string("if_consent")) {
        rule.if_consent = *p;
        state.consent_uses.emplace_back(*p, r.pos("if_consent"));
    }
    if (auto p = r.string("unless_consent")) {
        rule.unless_consent = *p;
        state.consent_uses.emplace_back(*p, r.pos("unless_consent"));
    }
    if (!rule.if_consent.empty() && rule.if_consent == rule.unless_consent) {
        state.reporter.error(r.pos("unless_consent"),
                             fmt::format("rule '{}' has if_consent and unless_consent both '{}': "
                                         "it can never apply",
                                         rule.id, rule.if_consent));
    }
}

// activity = ["K1", ...]: the event kinds that count as activity for a last_activity rule.
void parse_activity(TableReader& r, Rule& rule, LoadState& state) {
    if (!r.has("activity")) {
        return;
    }
    auto kinds = r.string_array("activity");
    if (!kinds) {
        return; // the reader reported the type error
    }
    if (rule.after.kind != AnchorKind::last_activity) {
        state.reporter.error(r.pos("activity"),
                             fmt::format("rule '{}' has 'activity' but after = \"{}\": 'activity' "
                                         "only narrows after = \"last_activity\"; remove it or "
                                         "use last_activity",
                                         rule.id, rule.after.text()));
        return;
    }
    if (kinds->empty()) {
        state.reporter.error(r.pos("activity"),
                             fmt::format("rule '{}' has an empty 'activity': name the event kinds "
                                         "that count, or remove it to count every kind",
                                         rule.id));
        return;
    }
    const toml::array& arr = *r.node("activity")->as_array();
    for (std::size_t i = 0; i < kinds->size(); ++i) {
        const std::string& kind = (*kinds)[i];
        if (kind.empty() || kind.find_first_of(" \t\n") != std::string::npos) {
            state.reporter.error(r.pos(arr[i]),
                                 fmt::format("rule '{}': activity kind \"{}\" must be a non-empty "
                                             "word, like inflow24_login",
                                             rule.id, kind));
        }
    }
    rule.activity = std::move(*kinds);
    std::sort(rule.activity.begin(), rule.activity.end());
    rule.activity.erase(std::unique(rule.activity.begin(), rule.activity.end()),
                        rule.activity.end());
}

} // namespace

Expected<AnonMethod> parse_anon_method(std::string_view text) {
    using Kind = AnonMethod::Kind;
    static const std::vector<std::pair<std::string, Kind>> k_plain = {
        {"remove", Kind::remove}, {"redact", Kind::redact}, {"truncate_ip", Kind::truncate_ip},
        {"year", Kind::year}, {"month", Kind::month}, {"week", Kind::week}};
    static const std::vector<std::pair<std::string, Kind>> k_with_n = {
        {"drop_last", Kind::drop_last}, {"mask_last", Kind::mask_last}, {"band", Kind::band}};
    AnonMethod m;
    m.text = std::string(text);
    const auto colon = text.find(':');
    const std::string_view name = text.substr(0, colon);
    for (const auto& [n, kind] : k_plain) {
        if (name == n) {
            if (colon != std::string_view::npos) {
                return Expected<AnonMethod>::failure(fmt::format(
                    "invalid anonymisation method \"{}\": {} takes no argument", text, n));
            }
            m.kind = kind;
            return m;
        }
    }
    for (const auto& [n, kind] : k_with_n) {
        if (name != n) {
            continue;
        }
        const std::string_view arg =
            colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
        int value = 0;
        const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), value);
        if (arg.empty() || ec != std::errc() || end != arg.data() + arg.size() || value < 1) {
            return Expected<AnonMethod>::failure(
                fmt::format("invalid anonymisation method \"{}\": expected {}:N with N a whole "
                            "number of at least 1",
                            text, n));
        }
        m.kind = kind;
        m.n = value;
        return m;
    }
    std::vector<std::string> names;
    for (const auto& list : {k_plain, k_with_n}) {
        for (const auto& [n, kind] : list) {
            names.push_back(n);
        }
    }
    return Expected<AnonMethod>::failure(
        fmt::format("unknown anonymisation method \"{}\": expected remove, redact, drop_last:N, "
                    "mask_last:N, truncate_ip, band:N, year, month or week{}",
                    text, did_you_mean(name, names)));
}

Expected<Anchor> parse_anchor(std::string_view text) {
    Anchor a;
    if (text == "created") {
        return a;
    }
    if (text == "last_activity") {
        a.kind = AnchorKind::last_activity;
        return a;
    }
    for (auto [prefix, kind] : {std::pair{std::string_view("event:"), AnchorKind::event},
                                std::pair{std::string_view("global:"), AnchorKind::global}}) {
        if (text.substr(0, prefix.size()) == prefix) {
            a.kind = kind;
            a.event_kind = std::string(text.substr(prefix.size()));
            if (a.event_kind.empty() || a.event_kind.find(' ') != std::string::npos) {
                return Expected<Anchor>::failure(fmt::format(
                    "invalid anchor \"{}\": the event kind after '{}' must be a non-empty word",
                    text, prefix));
            }
            return a;
        }
    }
    return Expected<Anchor>::failure(fmt::format(
        "invalid anchor \"{}\": expected created, event:KIND, global:KIND or last_activity{}",
        text, did_you_mean(text, {"created", "last_activity"})));
}

void parse_rule(const toml::table& table, const std::string& file, LoadState& state) {
    TableReader r(table, file, "[[rule]]",
                  {"id", "category", "categories", "after", "keep", "round", "action", "fields",
                   "unlink", "where", "activity", "if_consent", "unless_consent"},
                  state.reporter);
    Rule rule;
    rule.pos = r.pos();
    if (auto id = r.string("id", true)) {
        rule.id = *id;
        r.set_context(fmt::format("[[rule]] '{}'", rule.id));
        if (rule.id.empty() || rule.id.find_first_of(" \t\n") != std::string::npos) {
            state.reporter.error(r.pos("id"),
                                 fmt::format("invalid rule id '{}': use a word without spaces, "
                                             "like chat-delete-30d",
                                             rule.id));
        }
        auto [it, inserted] = state.rule_ids.emplace(rule.id, r.pos("id"));
        if (!inserted) {
            const SourcePos& first = it->second;
            state.reporter.error(r.pos("id"),
                                 fmt::format("duplicate rule id '{}'; first defined at {}:{}:{}",
                                             rule.id, first.file, first.line, first.column));
        }
    }
    parse_categories(r, rule, state);
    if (auto after = r.string("after")) {
        auto anchor = parse_anchor(*after);
        if (anchor) {
            rule.after = *anchor;
        } else {
            state.reporter.error(r.pos("after"), anchor.error());
        }
    }
    if (auto keep = r.string("keep", true)) {
        auto d = parse_duration(*keep);
        if (d) {
            rule.keep = *d;
        } else {
            state.reporter.error(r.pos("keep"), d.error());
        }
    }
    if (auto round = r.string("round")) {
        auto rd = parse_round(*round);
        if (rd) {
            rule.round = *rd;
        } else {
            state.reporter.error(r.pos("round"), rd.error());
        }
    }
    bool action_known = false;
    if (auto action = r.string("action", true)) {
        if (*action == "delete") {
            rule.action = Action::erase;
            action_known = true;
        } else if (*action == "anonymize") {
            rule.action = Action::anonymize;
            action_known = true;
        } else {
            state.reporter.error(r.pos("action"),
                                 fmt::format("invalid action '{}': expected delete or anonymize{}",
                                             *action,
                                             did_you_mean(*action, {"delete", "anonymize"})));
        }
    }
    if (action_known) {
        parse_fields(r, rule, state);
        rule.unlink = r.boolean("unlink").value_or(false);
        if (rule.action == Action::erase && r.has("unlink")) {
            state.reporter.error(r.pos("unlink"),
                                 fmt::format("rule '{}' deletes whole records; 'unlink' is only "
                                             "allowed with action = \"anonymize\"",
                                             rule.id));
        }
        if (rule.action == Action::anonymize && !r.has("fields") && !rule.unlink) {
            state.reporter.error(r.pos("action"),
                                 fmt::format("anonymize rule '{}' changes nothing: give 'fields' "
                                             "or unlink = true",
                                             rule.id));
        }
    }
    parse_where(r, rule, state);
    parse_activity(r, rule, state);
    parse_consent_conditions(r, rule, state);
    state.policy.rules.push_back(std::move(rule));
}

} // namespace vern::policy_detail
