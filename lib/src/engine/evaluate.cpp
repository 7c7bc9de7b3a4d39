// Evaluation of a policy's rules for one record at `now` (SPEC 3.5): anchors, due times,
// conditions, holds, and the decision. evaluate_records() streams a whole store through it.

#include "vern/engine.hpp"

#include "batch_handoff.hpp"

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
            // Fields another program stored as invalid JSON match no `where` (one odd record
            // must not stop a purge); anonymisation redacts them (anonymize.cpp).
            try {
                m_fields = m_record.fields();
            } catch (const std::exception&) {
                m_fields = nlohmann::json::object();
            }
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

// SPEC 3.5 "Cases": a subject event applies to a record when either carries no case or both
// carry the same one.
bool case_applies(const std::string& event_case, const std::string& record_case) {
    return event_case.empty() || record_case.empty() || event_case == record_case;
}

bool counts_as_activity(const Rule& rule, const std::string& kind) {
    return rule.activity.empty() ||
           std::binary_search(rule.activity.begin(), rule.activity.end(), kind);
}

// Keeps the later of `best` and a candidate (an earlier candidate never replaces it).
void keep_latest(std::optional<AnchorEvent>& best, AnchorEvent candidate) {
    if (!best || best->at < candidate.at) best = std::move(candidate);
}

// Fills st.anchor_event (or st.passed_over / st.waiting_case when pending) for one rule.
void find_anchor(const Rule& rule, const ScannedRecord& s,
                 const std::map<std::string, Instant>& globals, RuleStatus& st) {
    using Source = AnchorEvent::Source;
    const StoredRecord& r = s.record;
    const std::string& kind = rule.after.event_kind;
    switch (rule.after.kind) {
    case AnchorKind::created:
        st.anchor_event = AnchorEvent{Source::created, "created", {}, r.created};
        return;
    case AnchorKind::event: {
        // A record event anchors whenever it happened; a subject event only if it happened at
        // or after the record's creation (an earlier one closed an earlier episode).
        if (auto it = s.record_events.find(kind); it != s.record_events.end()) {
            keep_latest(st.anchor_event, AnchorEvent{Source::record, kind, {}, it->second});
        }
        if (!s.subject) return;
        for (const EventGroup& g : s.subject->events) {
            if (g.kind != kind || !case_applies(g.case_id, r.case_id)) continue;
            AnchorEvent e{Source::subject, kind, g.case_id, g.latest};
            if (g.latest >= r.created) {
                keep_latest(st.anchor_event, std::move(e));
            } else {
                keep_latest(st.passed_over, std::move(e));
            }
        }
        if (!r.case_id.empty()) return;
        // A record without a case waits while any case of its subject waits for its own event:
        // a case waits when it has no K event carrying it at or after its newest record.
        for (const auto& [case_id, newest] : s.subject->cases) {
            // (named copies: clang 15 cannot capture a structured binding)
            const std::string& waiting = case_id;
            const Instant since = newest;
            const auto ended = std::find_if(
                s.subject->events.begin(), s.subject->events.end(), [&](const EventGroup& g) {
                    return g.kind == kind && g.case_id == waiting && g.latest >= since;
                });
            if (ended == s.subject->events.end()) {
                st.waiting_case = case_id;
                st.anchor_event.reset();
                return;
            }
        }
        return;
    }
    case AnchorKind::global: {
        auto it = globals.find(kind);
        if (it == globals.end()) return;
        AnchorEvent e{Source::global, kind, {}, it->second};
        if (it->second >= r.created) {
            st.anchor_event = std::move(e);
        } else {
            st.passed_over = std::move(e);
        }
        return;
    }
    case AnchorKind::last_activity: {
        st.anchor_event = AnchorEvent{Source::created, "created", {}, r.created};
        for (const auto& [k, at] : s.record_events) {
            if (at > st.anchor_event->at && counts_as_activity(rule, k)) {
                st.anchor_event = AnchorEvent{Source::record, k, {}, at};
            }
        }
        if (!s.subject) return;
        for (const EventGroup& g : s.subject->events) {
            if (g.latest > st.anchor_event->at && counts_as_activity(rule, g.kind) &&
                case_applies(g.case_id, r.case_id)) {
                st.anchor_event = AnchorEvent{Source::subject, g.kind, g.case_id, g.latest};
            }
        }
        return;
    }
    }
}

std::string describe(const AnchorEvent& e, Zone zone) {
    std::string text = e.source == AnchorEvent::Source::global
                           ? fmt::format("global event '{}' {}", e.kind, format_local(e.at, zone))
                           : fmt::format("{} {}", e.kind, format_local(e.at, zone));
    if (!e.case_id.empty()) text += fmt::format(" (case {})", e.case_id);
    return text;
}

std::string pending_reason(const Rule& rule, const RuleStatus& st, const ScannedRecord& s,
                           Zone zone) {
    if (!st.waiting_case.empty()) {
        auto newest = s.subject->cases.find(st.waiting_case);
        return fmt::format("case {} still waits for its own '{}' (its newest record was created "
                           "{}); a record without a case waits for every case",
                           st.waiting_case, rule.after.event_kind,
                           format_local(newest->second, zone));
    }
    if (st.passed_over) {
        return fmt::format("{} was before this record was created: waits for the next one",
                           describe(*st.passed_over, zone));
    }
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
    find_anchor(rule, s, globals, st);
    if (st.anchor_event) {
        st.anchor = st.anchor_event->at;
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
        st.reason = pending_reason(rule, st, s, zone);
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

const char* anchor_source_name(AnchorEvent::Source s) {
    switch (s) {
    case AnchorEvent::Source::created: return "created";
    case AnchorEvent::Source::record: return "record";
    case AnchorEvent::Source::subject: return "subject";
    case AnchorEvent::Source::global: return "global";
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
    std::set<std::string> history_categories; // of the rules that read the subject's history
    bool history_everywhere = false;
    for (const Rule& rule : policy.rules) {
        if (rule.after.kind == AnchorKind::event || rule.after.kind == AnchorKind::last_activity ||
            !rule.if_consent.empty() || !rule.unless_consent.empty()) {
            if (rule.all_categories) history_everywhere = true;
            history_categories.insert(rule.categories.begin(), rule.categories.end());
        }
        if (rule.after.kind == AnchorKind::event) {
            kinds.insert(rule.after.event_kind);
            scan.cases = true;
        }
        if (rule.after.kind == AnchorKind::last_activity) {
            if (rule.activity.empty()) {
                scan.all_event_kinds = true;
            }
            kinds.insert(rule.activity.begin(), rule.activity.end());
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
    if (!history_everywhere) {
        scan.history_categories.emplace(history_categories.begin(), history_categories.end());
    }
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
    scan.subject_refs = scope.subject_refs;
    scan.history_preload_limit = scope.history_preload_limit;
    scan.skip_subjects = scope.skip_subjects;
    scan.skipped_records = scope.skipped_records;
    scan.fields = scope.fields || std::any_of(policy.rules.begin(), policy.rules.end(),
                                              [](const Rule& r) { return !r.where.empty(); });
    std::vector<RecordEvaluation> out;
    const auto evaluate = [&](std::span<const ScannedRecord> batch) {
        out.clear();
        out.reserve(batch.size());
        for (const ScannedRecord& s : batch) {
            out.push_back(evaluate_record(policy, s, globals, now));
        }
        return on_batch(std::span<const RecordEvaluation>(out.data(), out.size()));
    };
    if (!scope.parallel) {
        store.scan_records(scan, evaluate);
        return;
    }
    scan_records_beside(store, scan, evaluate); // each batch evaluated while the next is read
}

} // namespace vern
