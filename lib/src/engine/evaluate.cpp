// Evaluation of a policy's rules for one record at `now` (SPEC 3.5): anchors, due times,
// conditions, holds, and the decision. evaluate_records() streams a whole store through it.

#include "vern/engine.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <set>

namespace vern {
namespace {

// The record's fields, parsed at most once and only when a rule needs them.
class LazyFields {
  public:
    explicit LazyFields(const StoredRecord& r) : m_record(r) {}
    const nlohmann::json& get() {
        if (!m_parsed) {
            m_fields = m_record.fields();
            m_parsed = true;
        }
        return m_fields;
    }

  private:
    const StoredRecord& m_record;
    nlohmann::json m_fields;
    bool m_parsed = false;
};

std::string value_text(const nlohmann::json& v) { return v.dump(); }

// Empty when the rule's conditions hold at now; else why not (for explain).
std::string condition_failure(const Rule& rule, const ScannedRecord& s, LazyFields& fields) {
    for (const auto& [name, want] : rule.where) {
        const nlohmann::json& f = fields.get();
        auto it = f.find(name);
        if (it == f.end()) {
            return fmt::format("where: the record has no field '{}'", name);
        }
        if (*it != want) {
            return fmt::format("where: {} is {}, not {}", name, value_text(*it), value_text(want));
        }
    }
    auto active = [&](const std::string& purpose) {
        if (s.record.subject_rowid == 0) {
            return false; // an unlinked record has no consents
        }
        auto it = s.consents.find(purpose);
        return it != s.consents.end() && it->second;
    };
    if (!rule.if_consent.empty() && !active(rule.if_consent)) {
        return fmt::format("if_consent: consent '{}' is not active", rule.if_consent);
    }
    if (!rule.unless_consent.empty() && active(rule.unless_consent)) {
        return fmt::format("unless_consent: consent '{}' is active", rule.unless_consent);
    }
    return {};
}

std::optional<Instant> anchor_of(const Rule& rule, const ScannedRecord& s,
                                 const std::map<std::string, Instant>& globals) {
    switch (rule.after.kind) {
    case AnchorKind::created:
        return s.record.created;
    case AnchorKind::event: {
        auto it = s.latest_event.find(rule.after.event_kind);
        if (it == s.latest_event.end()) {
            return std::nullopt;
        }
        return it->second;
    }
    case AnchorKind::global: {
        auto it = globals.find(rule.after.event_kind);
        if (it == globals.end()) {
            return std::nullopt;
        }
        return it->second;
    }
    case AnchorKind::last_activity:
        return s.last_activity ? *s.last_activity : s.record.created;
    }
    return std::nullopt;
}

std::string pending_reason(const Rule& rule) {
    switch (rule.after.kind) {
    case AnchorKind::event:
        return fmt::format("no event '{}' yet", rule.after.event_kind);
    case AnchorKind::global:
        return fmt::format("no global event '{}' yet", rule.after.event_kind);
    default:
        return "no anchor yet";
    }
}

bool applied(const StoredRecord& r, const std::string& rule_id) {
    return std::binary_search(r.applied_rules.begin(), r.applied_rules.end(), rule_id) ||
           std::find(r.applied_rules.begin(), r.applied_rules.end(), rule_id) !=
               r.applied_rules.end();
}

RuleStatus evaluate_rule(const Rule& rule, const ScannedRecord& s,
                         const std::map<std::string, Instant>& globals, Instant now,
                         const Zone zone, LazyFields& fields) {
    RuleStatus st;
    st.rule = &rule;
    if (s.record.created > now) {
        st.status = RuleState::pending;
        st.reason = "the record is created after now";
        return st;
    }
    st.anchor = anchor_of(rule, s, globals);
    if (st.anchor) {
        st.due = due_time(*st.anchor, rule.keep, rule.round, zone);
    }
    if (rule.action == Action::anonymize && applied(s.record, rule.id)) {
        st.status = RuleState::already_applied;
        return st;
    }
    st.reason = condition_failure(rule, s, fields);
    if (!st.reason.empty()) {
        st.status = RuleState::not_applicable;
        return st;
    }
    if (!st.anchor) {
        st.status = RuleState::pending;
        st.reason = pending_reason(rule);
        return st;
    }
    if (now < *st.due) {
        st.status = RuleState::not_due;
    } else if (s.held) {
        st.status = RuleState::held;
        st.reason = "an active hold covers the record";
    } else {
        st.status = RuleState::due;
    }
    return st;
}

} // namespace

const char* rule_state_name(RuleState s) {
    switch (s) {
    case RuleState::due: return "due";
    case RuleState::not_due: return "not_due";
    case RuleState::pending: return "pending";
    case RuleState::not_applicable: return "not_applicable";
    case RuleState::held: return "held";
    case RuleState::already_applied: return "already_applied";
    }
    return "?";
}

const char* decision_name(Decision d) {
    switch (d) {
    case Decision::keep: return "keep";
    case Decision::erase: return "delete";
    case Decision::anonymize: return "anonymize";
    case Decision::held: return "held";
    }
    return "?";
}

RecordEvaluation evaluate_record(const Policy& policy, const ScannedRecord& s,
                                 const std::map<std::string, Instant>& globals, Instant now) {
    RecordEvaluation ev;
    ev.record = s.record;
    ev.held = s.held;
    LazyFields fields(s.record);
    const RuleStatus* first_delete = nullptr;
    const RuleStatus* first_held = nullptr;
    for (const Rule& rule : policy.rules) {
        if (!rule.covers(s.record.category)) {
            continue;
        }
        ev.rules.push_back(evaluate_rule(rule, s, globals, now, policy.info.zone, fields));
    }
    // Which held rule would decide: a delete rule before an anonymize rule, then the earliest
    // due time, then policy order (the same choice as without the hold).
    auto decides_before = [](const RuleStatus& a, const RuleStatus& b) {
        const bool a_del = a.rule->action == Action::erase;
        const bool b_del = b.rule->action == Action::erase;
        if (a_del != b_del) return a_del;
        return *a.due < *b.due;
    };
    for (const RuleStatus& st : ev.rules) {
        if (st.status == RuleState::held && (!first_held || decides_before(st, *first_held))) {
            first_held = &st;
        }
        if (st.status == RuleState::not_due && (!ev.next_due || *st.due < *ev.next_due)) {
            ev.next_due = st.due;
        }
        if (st.status == RuleState::due && st.rule->action == Action::erase &&
            (!first_delete || *st.due < *first_delete->due)) {
            first_delete = &st;
        }
    }
    if (first_held) {
        ev.decision = Decision::held;
        ev.decided_by = first_held->rule;
        ev.decided_due = first_held->due;
    } else if (first_delete) {
        ev.decision = Decision::erase;
        ev.decided_by = first_delete->rule;
        ev.decided_due = first_delete->due;
    } else {
        for (const RuleStatus& st : ev.rules) {
            if (st.status == RuleState::due && st.rule->action == Action::anonymize) {
                if (!ev.decided_by) {
                    ev.decision = Decision::anonymize;
                    ev.decided_by = st.rule;
                    ev.decided_due = st.due;
                }
                ev.anonymize_rules.push_back(st.rule);
            }
        }
    }
    return ev;
}

RecordScan scan_for_policy(const Policy& policy, Instant now) {
    RecordScan scan;
    scan.now = now;
    std::set<std::string> kinds;
    std::set<std::string> purposes;
    for (const Rule& rule : policy.rules) {
        if (rule.after.kind == AnchorKind::event) {
            kinds.insert(rule.after.event_kind);
        }
        if (rule.after.kind == AnchorKind::last_activity) {
            scan.last_activity = true;
        }
        if (!rule.if_consent.empty()) {
            purposes.insert(rule.if_consent);
        }
        if (!rule.unless_consent.empty()) {
            purposes.insert(rule.unless_consent);
        }
    }
    scan.event_kinds.assign(kinds.begin(), kinds.end());
    scan.consent_purposes.assign(purposes.begin(), purposes.end());
    return scan;
}

void evaluate_records(Store& store, const Policy& policy, Instant now,
                      const EvaluationScope& scope, const EvaluationCallback& on_batch) {
    const auto globals = store.latest_global_events(now);
    RecordScan scan = scan_for_policy(policy, now);
    scan.categories = scope.categories;
    scan.subject_rowid = scope.subject_rowid;
    scan.record_id = scope.record_id;
    scan.batch_size = scope.batch_size;
    std::vector<RecordEvaluation> out;
    store.scan_records(scan, [&](std::span<const ScannedRecord> batch) {
        out.clear();
        out.reserve(batch.size());
        for (const ScannedRecord& s : batch) {
            out.push_back(evaluate_record(policy, s, globals, now));
        }
        return on_batch(std::span<const RecordEvaluation>(out.data(), out.size()));
    });
}

} // namespace vern
