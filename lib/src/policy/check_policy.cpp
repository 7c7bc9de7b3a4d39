// Checks that need the whole policy: storage limitation (SPEC 3.5, last point), consent purposes
// and identifier fields.

#include "parser.hpp"

#include <fmt/format.h>

#include <set>

namespace vern::policy_detail {
namespace {

bool is_conditional(const Rule& r) {
    return !r.where.empty() || !r.if_consent.empty() || !r.unless_consent.empty();
}

// A rule that ends the personal data of a record: delete, or anonymize with unlink.
bool ends_data(const Rule& r) {
    return r.action == Action::erase || r.unlink;
}

// Every category needs a rule that deletes its records or unlinks them from their subject, or its
// data would be kept forever. A category whose ending rules all have conditions is suspicious
// (records matching none stay forever) unless an if_consent / unless_consent pair covers both
// cases.
void check_storage_limitation(LoadState& state) {
    for (const auto& c : state.policy.categories) {
        std::vector<const Rule*> ending;
        for (const auto& r : state.policy.rules) {
            if (r.covers(c.id) && ends_data(r)) {
                ending.push_back(&r);
            }
        }
        if (ending.empty()) {
            state.reporter.error(c.pos,
                                 fmt::format("category '{}' has no delete rule and no anonymize "
                                             "rule with unlink = true: its data would be kept "
                                             "forever (storage limitation, GDPR art. 5(1)(e))",
                                             c.id));
            continue;
        }
        bool covered = false;
        std::set<std::string> if_purposes;
        std::set<std::string> unless_purposes;
        for (const Rule* r : ending) {
            if (!is_conditional(*r)) {
                covered = true;
            } else if (r->where.empty() && r->unless_consent.empty()) {
                if_purposes.insert(r->if_consent);
            } else if (r->where.empty() && r->if_consent.empty()) {
                unless_purposes.insert(r->unless_consent);
            }
        }
        for (const auto& p : if_purposes) {
            covered = covered || unless_purposes.count(p) > 0;
        }
        if (!covered) {
            state.reporter.warning(
                c.pos, fmt::format("every delete or unlinking rule of category '{}' has a "
                                   "condition: records that meet none are kept forever",
                                   c.id));
        }
    }
}

// An if_consent / unless_consent purpose should be some category's consent_purpose, or be used
// by another rule as well (an if/unless pair): a purpose used once and declared nowhere is
// likely a typo, and the rule would silently never (or always) apply.
void check_consent_purposes(LoadState& state) {
    std::vector<std::string> declared;
    for (const auto& c : state.policy.categories) {
        if (!c.consent_purpose.empty()) {
            declared.push_back(c.consent_purpose);
        }
    }
    std::map<std::string, int> uses;
    for (const auto& [purpose, pos] : state.consent_uses) {
        ++uses[purpose];
    }
    std::vector<std::string> known = declared;
    for (const auto& [purpose, count] : uses) {
        if (count > 1) {
            known.push_back(purpose);
        }
    }
    for (const auto& [purpose, pos] : state.consent_uses) {
        if (uses[purpose] > 1 ||
            std::find(declared.begin(), declared.end(), purpose) != declared.end()) {
            continue;
        }
        std::vector<std::string> others;
        for (const auto& k : known) {
            if (k != purpose) {
                others.push_back(k);
            }
        }
        state.reporter.warning(pos, fmt::format("consent purpose '{}' is no category's "
                                                "consent_purpose and no other rule's condition{}",
                                                purpose, did_you_mean(purpose, others)));
    }
}

// An identifier field that no category can hold (when every category declares its fields).
void check_identifiers(LoadState& state) {
    const auto& cats = state.policy.categories;
    if (cats.empty() || std::any_of(cats.begin(), cats.end(),
                                    [](const Category& c) { return !c.fields.has_value(); })) {
        return;
    }
    const Identifiers& ids = state.policy.identifiers;
    for (const auto* list : {&ids.email, &ids.phone, &ids.national_id, &ids.name}) {
        for (const auto& field : *list) {
            bool found = false;
            for (const auto& c : cats) {
                found = found || std::find(c.fields->begin(), c.fields->end(), field) !=
                                     c.fields->end();
            }
            if (!found) {
                state.reporter.warning(state.identifiers_pos,
                                       fmt::format("identifier field '{}' is not declared by any "
                                                   "category",
                                                   field));
            }
        }
    }
}

} // namespace

void check_policy(LoadState& state) {
    if (!state.check_references) {
        return;
    }
    check_storage_limitation(state);
    check_consent_purposes(state);
    check_identifiers(state);
}

} // namespace vern::policy_detail
