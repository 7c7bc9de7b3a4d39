// Per-batch planning of a purge run (batch_plan.hpp): evaluates each record of a batch and
// collects what the batch deletes, anonymises, lists and reports.

#include "batch_plan.hpp"

#include "anonymize.hpp"

#include <algorithm>
#include <exception>

namespace vern {
namespace {

// The record's fields as stored; nullopt when they cannot be read (text that is not JSON or
// not UTF-8, written by another program): plan_anonymize then sets every field the rules
// name to "[redacted]" and drops the rest, since nothing of unreadable text can be kept
// selectively.
std::optional<nlohmann::json> readable_fields(const StoredRecord& r) {
    try {
        nlohmann::json fields = r.fields();
        if (fields.is_object()) {
            return fields;
        }
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

} // namespace

BatchPlanner::BatchPlanner(const Policy& policy, const PurgeOptions& options)
    : m_policy(policy), m_opts(options) {
    for (std::size_t i = 0; i < policy.rules.size(); ++i) {
        m_rule_index.emplace(&policy.rules[i], i);
    }
    if (options.within) {
        m_horizon = add_calendar(options.now, *options.within, policy.info.zone);
    }
    for (const Recipient& rec : policy.recipients) {
        if (!rec.notified()) continue;
        m_notified_categories.insert(rec.categories.begin(), rec.categories.end());
    }
}

PurgedRecord BatchPlanner::entry(const StoredRecord& r, const Rule& rule, Instant due) const {
    return PurgedRecord{r.id, r.subject, r.category, rule.id, rule.action, due, r.case_id};
}

BatchPlan BatchPlanner::plan(std::span<const ScannedRecord> batch) const {
    BatchPlan plan;
    for (const ScannedRecord& s : batch) {
        RecordEvaluation ev = evaluate_record(m_policy, s, m_globals, m_opts.now);
        const StoredRecord& r = ev.record;
        switch (ev.decision) {
        case Decision::keep:
            break;
        case Decision::held:
            ++plan.held;
            if (m_opts.list) {
                plan.held_listed.push_back(entry(r, *ev.decided_by, *ev.decided_due));
            }
            break;
        case Decision::erase:
            note(plan, r, *ev.decided_by, false);
            if (!r.case_id.empty() && r.subject_rowid != 0) {
                plan.gone_cases.push_back({r.subject_rowid, r.case_id, r.created});
            }
            plan.deletes.push_back(r.rowid);
            ++plan.deleted;
            ++plan.counts[{index_of(ev.decided_by), r.category}];
            if (r.subject_rowid != 0) {
                plan.candidates.push_back(r.subject_rowid);
            }
            if (m_opts.list) {
                plan.listed.push_back(entry(r, *ev.decided_by, *ev.decided_due));
            }
            break;
        case Decision::anonymize:
            plan_anonymize(ev, plan);
            break;
        }
        if (m_horizon) {
            plan_upcoming(ev, plan);
        }
    }
    return plan;
}

// A change that systems holding the category are told of. Not in a dry run, and not for a
// record unlinked earlier: its id is vern's own, and the systems were told when it was
// unlinked.
void BatchPlanner::note(BatchPlan& plan, const StoredRecord& r, const Rule& rule,
                        bool unlink) const {
    if (m_opts.dry_run || r.unlinked || !m_notified_categories.count(r.category)) return;
    StoredRecord slim;
    slim.id = r.id;
    slim.subject = r.subject;
    slim.category = r.category;
    slim.created = r.created;
    plan.notices.push_back({std::move(slim), &rule, unlink});
}

void BatchPlanner::fallback(BatchPlan& plan, const StoredRecord& r, const Rule& rule,
                            std::string field, std::string reason) const {
    ++plan.fallback_counts[{index_of(&rule), r.category}];
    plan.fallbacks.push_back(
        AnonymizeFallback{r.id, r.category, rule.id, std::move(field), std::move(reason)});
}

void BatchPlanner::plan_anonymize(const RecordEvaluation& ev, BatchPlan& plan) const {
    const StoredRecord& r = ev.record;
    std::optional<nlohmann::json> readable = readable_fields(r);
    nlohmann::json fields = readable ? std::move(*readable) : nlohmann::json::object();
    RecordUpdate u;
    u.rowid = r.rowid;
    u.applied_rules = r.applied_rules;
    for (const Rule* rule : ev.anonymize_rules) {
        if (!readable) {
            for (const auto& [name, method] : rule->fields) {
                if (method.kind != AnonMethod::Kind::remove) {
                    fields[name] = "[redacted]";
                }
                fallback(plan, r, *rule, name,
                         "the record's stored fields are not valid JSON text (UTF-8); the "
                         "field is redacted and the unreadable rest dropped");
            }
        } else {
            std::vector<FieldFallback> failed;
            anonymize_fields(fields, *rule, failed);
            for (auto& [name, reason] : failed) {
                fallback(plan, r, *rule, std::move(name), std::move(reason));
            }
        }
        u.applied_rules.push_back(rule->id);
        note(plan, r, *rule, rule->unlink);
        u.unlink = u.unlink || rule->unlink;
        ++plan.counts[{index_of(rule), r.category}];
        if (m_opts.list) {
            auto due = std::find_if(ev.rules.begin(), ev.rules.end(),
                                    [&](const RuleStatus& st) { return st.rule == rule; });
            plan.listed.push_back(entry(r, *rule, *due->due));
        }
    }
    std::sort(u.applied_rules.begin(), u.applied_rules.end());
    u.applied_rules.erase(std::unique(u.applied_rules.begin(), u.applied_rules.end()),
                          u.applied_rules.end());
    u.unlink = u.unlink && !r.unlinked;
    u.at = m_opts.now;
    // The methods only make valid UTF-8 from valid UTF-8; should the fields still not
    // serialise, they are all redacted rather than the run fail.
    try {
        u.fields_json = fields.dump();
    } catch (const nlohmann::json::exception&) {
        for (auto& [name, value] : fields.items()) {
            value = "[redacted]";
            fallback(plan, r, *ev.anonymize_rules.front(), name,
                     "the anonymised text could not be stored; redacted");
        }
        u.fields_json = fields.dump();
    }
    if (u.unlink && r.subject_rowid != 0) {
        plan.candidates.push_back(r.subject_rowid);
        if (!r.case_id.empty()) {
            plan.gone_cases.push_back({r.subject_rowid, r.case_id, r.created});
        }
    }
    plan.updates.push_back(std::move(u));
    ++plan.anonymized;
}

// What becomes due in (now, horizon] for a record not deleted now.
void BatchPlanner::plan_upcoming(const RecordEvaluation& ev, BatchPlan& plan) const {
    if (ev.decision == Decision::erase || ev.decision == Decision::held) {
        return;
    }
    const RuleStatus* del = nullptr;
    for (const RuleStatus& st : ev.rules) {
        if (st.status == RuleState::not_due && st.rule->action == Action::erase &&
            *st.due <= *m_horizon && (!del || *st.due < *del->due)) {
            del = &st;
        }
    }
    if (del) {
        ++plan.upcoming_deleted;
        ++plan.upcoming_counts[{index_of(del->rule), ev.record.category}];
        plan.upcoming.push_back(entry(ev.record, *del->rule, *del->due));
    }
    // Anonymisations that fall due in the period before the record is deleted (if it is).
    bool any = false;
    for (const RuleStatus& st : ev.rules) {
        if (st.status == RuleState::not_due && st.rule->action == Action::anonymize &&
            *st.due <= *m_horizon && (!del || *st.due < *del->due)) {
            any = true;
            ++plan.upcoming_counts[{index_of(st.rule), ev.record.category}];
            plan.upcoming.push_back(entry(ev.record, *st.rule, *st.due));
        }
    }
    plan.upcoming_anonymized += any ? 1 : 0;
}

} // namespace vern
