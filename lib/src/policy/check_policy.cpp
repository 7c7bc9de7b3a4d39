// Checks that need the whole policy: storage limitation (SPEC 3.5, last point), consent purposes
// and identifier fields.

#include "parser.hpp"

#include <fmt/format.h>

#include <algorithm>
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

// A category's `recipients` entry that is a [[recipient]] id links the two; the recipient then
// holds the category. Every recipient must hold some category, and a sub-processor must name the
// processor that engages it.
void check_recipients(LoadState& state) {
    Policy& p = state.policy;
    for (const auto& c : p.categories) {
        for (const auto& name : c.recipients) {
            for (auto& rec : p.recipients) {
                if (rec.id == name && !rec.holds(c.id)) rec.categories.push_back(c.id);
            }
        }
    }
    // Once a policy declares its recipients, a free-text entry is one that a deletion cannot
    // reach: every place that holds a copy should be a [[recipient]].
    if (!p.recipients.empty()) {
        std::vector<std::string> ids;
        for (const auto& rec : p.recipients) ids.push_back(rec.id);
        for (const auto& c : p.categories) {
            for (const auto& name : c.recipients) {
                if (p.find_recipient(name)) continue;
                state.reporter.warning(
                    c.pos, fmt::format("category '{}' names recipient \"{}\", which is no "
                                       "[[recipient]] id: declare it as a [[recipient]] (with its "
                                       "role and location) so that reports describe it and "
                                       "deletions can reach it{}",
                                       c.id, name, did_you_mean(name, ids)));
            }
        }
    }
    for (auto& rec : p.recipients) {
        // Policy order, whichever way a category came in.
        std::vector<std::string> ordered;
        for (const auto& c : p.categories) {
            if (rec.holds(c.id)) ordered.push_back(c.id);
        }
        rec.categories = std::move(ordered);
        if (rec.categories.empty() && !rec.id.empty()) {
            state.reporter.error(rec.pos,
                                 fmt::format("recipient '{}' holds no category: list them in "
                                             "`categories` (or \"*\"), or name '{}' in a "
                                             "category's `recipients`",
                                             rec.id, rec.id));
        }
        if (rec.role == RecipientRole::sub_processor) {
            const Recipient* by = rec.engaged_by.empty() ? nullptr : p.find_recipient(rec.engaged_by);
            if (rec.engaged_by.empty()) {
                state.reporter.error(rec.pos, fmt::format("sub-processor '{}' needs `engaged_by`: "
                                                          "the id of the processor that engages it",
                                                          rec.id));
            } else if (!by || by == &rec || by->role == RecipientRole::controller ||
                       by->role == RecipientRole::source) {
                std::vector<std::string> processors;
                for (const auto& other : p.recipients) {
                    if ((other.role == RecipientRole::processor ||
                         other.role == RecipientRole::sub_processor) &&
                        other.id != rec.id)
                        processors.push_back(other.id);
                }
                state.reporter.error(rec.pos,
                                     fmt::format("sub-processor '{}' is engaged_by '{}', which is "
                                                 "no processor's id{}",
                                                 rec.id, rec.engaged_by,
                                                 did_you_mean(rec.engaged_by, processors)));
            }
        }
        if (rec.role == RecipientRole::source && rec.deliver == Delivery::none && !rec.id.empty()) {
            state.reporter.warning(rec.pos,
                                   fmt::format("source system '{}' has no `deliver`: vern cannot "
                                               "tell it about deletions, so its originals outlive "
                                               "the retention rules; add deliver = \"exec\" with a "
                                               "command, or deliver = \"pull\"",
                                               rec.id));
        }
        if (rec.role != RecipientRole::sub_processor && !rec.engaged_by.empty()) {
            state.reporter.error(rec.pos, fmt::format("recipient '{}' has `engaged_by` but role "
                                                      "\"{}\"; only a sub_processor is engaged by "
                                                      "a processor",
                                                      rec.id, recipient_role_name(rec.role)));
        }
    }
}

// With [labels.L] present, every declared field should have words in L: a report in L that
// mixes words and raw keys reads as a mistake.
void check_labels(LoadState& state) {
    const Policy& p = state.policy;
    std::set<std::string> languages;
    for (const auto& [lang, labels] : p.labels) languages.insert(lang);
    for (const auto& c : p.categories) {
        for (const auto& [lang, labels] : c.labels) languages.insert(lang);
    }
    for (const auto& lang : languages) {
        for (const auto& c : p.categories) {
            if (!c.fields) continue;
            std::string missing;
            for (const auto& f : *c.fields) {
                if (p.field_label(c.id, f, lang) == f) missing += (missing.empty() ? "" : ", ") + f;
            }
            if (!missing.empty()) {
                state.reporter.warning(c.pos,
                                       fmt::format("category '{}' has fields without a label in "
                                                   "[labels.{}]: {} (access reports in {} would "
                                                   "show the raw key)",
                                                   c.id, lang, missing, lang));
            }
        }
    }
}

bool is_identifier_field(const Identifiers& ids, const std::string& field) {
    for (const auto* list : {&ids.email, &ids.phone, &ids.national_id, &ids.name}) {
        if (std::find(list->begin(), list->end(), field) != list->end()) return true;
    }
    return false;
}

bool contains(const std::vector<std::string>& list, const std::string& s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

// An unlinked record is meant to be anonymous statistics. Whatever could still point at the
// person must go with the link: identifier fields and free text removed or redacted, times
// coarsened to a year, month or week (or removed). The record gets a fresh id when unlinked.
void check_unlink_leftovers(LoadState& state) {
    using Kind = AnonMethod::Kind;
    const Policy& p = state.policy;
    for (const auto& rule : p.rules) {
        if (rule.action != Action::anonymize || !rule.unlink) continue;
        for (const auto& c : p.categories) {
            if (!rule.covers(c.id)) continue;
            std::vector<std::string> candidates = c.fields.value_or(std::vector<std::string>{});
            for (const auto* extra : {&c.free_text, &c.times}) {
                for (const auto& f : *extra) {
                    if (!contains(candidates, f)) candidates.push_back(f);
                }
            }
            for (const auto& field : candidates) {
                auto m = rule.fields.find(field);
                const bool removed =
                    m != rule.fields.end() &&
                    (m->second.kind == Kind::remove || m->second.kind == Kind::redact);
                std::string problem;
                // A phone number that loses at least its last four digits no longer points at
                // one person (the Norwegian convention for anonymised call logs, which a
                // statement may promise as such).
                const bool phone_cut =
                    contains(p.identifiers.phone, field) && m != rule.fields.end() &&
                    (m->second.kind == Kind::drop_last || m->second.kind == Kind::mask_last) &&
                    m->second.n >= 4;
                if (is_identifier_field(p.identifiers, field) && !removed && !phone_cut) {
                    problem = fmt::format("keeps identifier field '{}' ([identifiers]); remove it{}",
                                          field,
                                          contains(p.identifiers.phone, field)
                                              ? " or cut at least its last four digits"
                                              : "");
                } else if (contains(c.free_text, field) && !removed) {
                    problem = fmt::format("keeps free-text field '{}', which may name the person; "
                                          "use \"remove\" or \"redact\"",
                                          field);
                } else if (contains(c.times, field) &&
                           (m == rule.fields.end() ||
                            !(removed || m->second.kind == Kind::year ||
                              m->second.kind == Kind::month || m->second.kind == Kind::week))) {
                    problem = fmt::format("keeps the exact time in '{}', which can single the "
                                          "person out; coarsen it with \"year\", \"month\" or "
                                          "\"week\", or remove it",
                                          field);
                }
                if (!problem.empty()) {
                    state.reporter.warning(rule.pos,
                                           fmt::format("rule '{}' unlinks records of category "
                                                       "'{}' but {}",
                                                       rule.id, c.id, problem));
                }
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
    check_recipients(state);
    check_labels(state);
    check_unlink_leftovers(state);
}

} // namespace vern::policy_detail
