// Retention changes between two versions of a policy (`vern check --baseline`).

#include "vern/policy.hpp"

#include <fmt/format.h>

#include <algorithm>
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

// How a rule's due time moved between two versions, judged over every possible anchor time:
// `longer` when it is never earlier and sometimes later (or the record is kept rather than
// deleted), `shorter` the other way round, `same` when it is the same for every record and
// `incomparable` when it can be earlier for some records and later for others.
enum class Order { same, longer, shorter, incomparable };

// Two changes together: the same direction (or no change in one) keeps the direction.
Order combine(Order a, Order b) {
    if (a == Order::same || a == b) {
        return b;
    }
    return b == Order::same ? a : Order::incomparable;
}

// The possible lengths of a keep, in days on the local wall clock. Years and months are added
// first (and 1y is exactly 12mo), then days; a month is 28 to 31 days and a year 365 or 366, so
// N months are at least 28N days and at most 31N, with whole years counting 365-366 each (these
// bounds are loose, never wrong).
struct DayRange {
    long min;
    long max;
};

long total_months(const Duration& d) {
    return 12L * d.years + d.months;
}

DayRange day_range(const Duration& d) {
    const long months = total_months(d);
    const long years = months / 12;
    const long rest = months % 12;
    return {365 * years + 28 * rest + d.days, 366 * years + 31 * rest + d.days};
}

// Orders two day ranges: the new one is never shorter when its minimum is at least the old one's
// maximum (and then longer for some anchor, since the two keeps differ).
Order compare_ranges(DayRange before, DayRange after) {
    if (after.min >= before.max) {
        return Order::longer;
    }
    if (after.max <= before.min) {
        return Order::shorter;
    }
    return Order::incomparable;
}

// anchor + keep is monotonic in both the months and the days added (a month more always ends in
// a later month, clamping included), so when neither part got smaller the keep got longer; when
// one part grew and the other shrank, the day bounds decide.
Order compare_keep(const Duration& before, const Duration& after) {
    const long m0 = total_months(before);
    const long m1 = total_months(after);
    if (m0 == m1 && before.days == after.days) {
        return Order::same;
    }
    if (m1 >= m0 && after.days >= before.days) {
        return Order::longer;
    }
    if (m1 <= m0 && after.days <= before.days) {
        return Order::shorter;
    }
    return compare_ranges(day_range(before), day_range(after));
}

// round_up never moves an instant earlier, and the start of the next day comes no later than
// that of the next week, month or year; a year starts on the 1st of a month. A week, though, can
// end after its month or year (Wednesday 31 December: end_of_week is Monday 5 January,
// end_of_month and end_of_year 1 January) or before: those pairs are incomparable.
bool round_not_later(Round a, Round b) {
    if (a == b || a == Round::none) {
        return true;
    }
    if (b == Round::none) {
        return false;
    }
    return a == Round::end_of_day || (a == Round::end_of_month && b == Round::end_of_year);
}

Order compare_round(Round before, Round after) {
    if (before == after) {
        return Order::same;
    }
    if (round_not_later(before, after)) {
        return Order::longer;
    }
    if (round_not_later(after, before)) {
        return Order::shorter;
    }
    return Order::incomparable;
}

// At most how many days round_up can move an instant (a DST-shortened day aside).
long max_round_days(Round r) {
    switch (r) {
    case Round::none: return 0;
    case Round::end_of_day: return 1;
    case Round::end_of_week: return 7;
    case Round::end_of_month: return 31;
    case Round::end_of_year: return 366;
    }
    return 0;
}

// The due time, round(anchor + keep): ordered if keep and round move the same way, else by the
// day bounds of the whole due time (round adds between 0 and max_round_days).
Order compare_due(const Rule& before, const Rule& after) {
    const Order o = combine(compare_keep(before.keep, after.keep),
                            compare_round(before.round, after.round));
    if (o != Order::incomparable) {
        return o;
    }
    DayRange b = day_range(before.keep);
    DayRange a = day_range(after.keep);
    b.max += max_round_days(before.round);
    a.max += max_round_days(after.round);
    return compare_ranges(b, a);
}

// last_activity is the latest of the creation and the record's events: never before creation.
// Any other change of anchor measures from another moment (or one that may never come).
Order compare_anchor(const Anchor& before, const Anchor& after) {
    const std::string b = before.text();
    const std::string a = after.text();
    if (a == b) {
        return Order::same;
    }
    if (b == "created" && a == "last_activity") {
        return Order::longer;
    }
    if (b == "last_activity" && a == "created") {
        return Order::shorter;
    }
    return Order::incomparable;
}

// delete -> anonymize keeps the record (anonymised): longer. Two anonymisations are only
// comparable when they do the same to the record.
Order compare_action(const Rule& before, const Rule& after) {
    if (before.action != after.action) {
        return before.action == Action::erase ? Order::longer : Order::shorter;
    }
    if (before.action == Action::anonymize) {
        const bool same_fields =
            before.unlink == after.unlink && before.fields.size() == after.fields.size() &&
            std::equal(before.fields.begin(), before.fields.end(), after.fields.begin(),
                       [](const auto& x, const auto& y) {
                           return x.first == y.first && x.second.text == y.second.text;
                       });
        return same_fields ? Order::same : Order::incomparable;
    }
    return Order::same;
}

// How the retention of the records a rule covers moved. A change of which records it applies
// to (where, if_consent, unless_consent) makes it incomparable.
Order compare_rules(const Rule& before, const Rule& after) {
    if (before.where != after.where || before.if_consent != after.if_consent ||
        before.unless_consent != after.unless_consent) {
        return Order::incomparable;
    }
    Order o = combine(compare_anchor(before.after, after.after), compare_action(before, after));
    if (o == Order::incomparable) {
        return o;
    }
    return combine(o, compare_due(before, after));
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
        switch (compare_rules(old_rule, *rule)) {
        case Order::same: break; // at most spelt differently: 30d and P30D, 1y and 12mo
        case Order::longer:
            changes.push_back(
                {Kind::longer, key.second, key.first, describe(old_rule), describe(*rule)});
            break;
        case Order::shorter:
            changes.push_back(
                {Kind::shorter, key.second, key.first, describe(old_rule), describe(*rule)});
            break;
        case Order::incomparable:
            changes.push_back(
                {Kind::changed, key.second, key.first, describe(old_rule), describe(*rule)});
            break;
        }
    }
    return changes;
}

} // namespace vern
