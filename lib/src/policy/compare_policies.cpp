// Retention changes between two versions of a policy (`vern check --baseline`).

#include "vern/policy.hpp"

#include <fmt/format.h>

#include <map>

namespace vern {
namespace {

// The rule in words, e.g. "delete 30d after created, end_of_week, where direction = "external"".
// Two rules with the same description do the same thing.
std::string describe(const Rule& r) {
    std::string s = fmt::format("{} {} after {}", action_name(r.action), r.keep.text, r.after.text());
    if (r.round != Round::none) {
        s += fmt::format(", {}", round_name(r.round));
    }
    for (const auto& [field, value] : r.where) {
        s += fmt::format(", where {} = {}", field, value.dump());
    }
    if (!r.if_consent.empty()) {
        s += fmt::format(", if consent '{}'", r.if_consent);
    }
    if (!r.unless_consent.empty()) {
        s += fmt::format(", unless consent '{}'", r.unless_consent);
    }
    if (!r.fields.empty()) {
        std::string fields;
        for (const auto& [field, method] : r.fields) {
            fields += fmt::format("{}{} = {}", fields.empty() ? "" : ", ", field, method.text);
        }
        s += fmt::format(" ({})", fields);
    }
    if (r.unlink) {
        s += ", unlink";
    }
    return s;
}

using Key = std::pair<std::string, std::string>; // (rule id, category id)

std::map<Key, const Rule*> rules_by_category(const Policy& p) {
    std::map<Key, const Rule*> out;
    for (const auto& r : p.rules) {
        for (const auto& c : r.categories) {
            out.emplace(Key{r.id, c}, &r);
        }
    }
    return out;
}

} // namespace

std::vector<PolicyChange> compare_policies(const Policy& old_policy, const Policy& new_policy) {
    using Kind = PolicyChange::Kind;
    std::vector<PolicyChange> changes;
    for (const auto& c : old_policy.categories) {
        if (!new_policy.find_category(c.id)) {
            changes.push_back({Kind::category_removed, c.id, "", c.title, ""});
        }
    }
    for (const auto& c : new_policy.categories) {
        if (!old_policy.find_category(c.id)) {
            changes.push_back({Kind::category_added, c.id, "", "", c.title});
        }
    }
    const auto before = rules_by_category(old_policy);
    const auto after = rules_by_category(new_policy);
    for (const auto& [key, rule] : before) {
        if (!after.count(key)) {
            changes.push_back({Kind::rule_removed, key.second, key.first, describe(*rule), ""});
        }
    }
    for (const auto& [key, rule] : after) {
        auto it = before.find(key);
        if (it == before.end()) {
            changes.push_back({Kind::rule_added, key.second, key.first, "", describe(*rule)});
            continue;
        }
        const Rule& old_rule = *it->second;
        const std::string was = describe(old_rule);
        const std::string now = describe(*rule);
        const double old_days = old_rule.keep.approx_days();
        const double new_days = rule->keep.approx_days();
        if (new_days > old_days) {
            changes.push_back({Kind::longer, key.second, key.first, was, now});
        } else if (new_days < old_days) {
            changes.push_back({Kind::shorter, key.second, key.first, was, now});
        } else if (was != now) {
            changes.push_back({Kind::changed, key.second, key.first, was, now});
        }
    }
    return changes;
}

} // namespace vern
