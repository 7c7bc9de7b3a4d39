// The purge executor (SPEC section 5): streams the store in batches, decides per record with
// evaluate_record(), and applies each batch with its audit entries in one write transaction.
// A dry run (plan) goes through the same code and writes nothing.

#include "anonymize.hpp"
#include "vern/audit.hpp"
#include "vern/engine.hpp"
#include "vern/outbox.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <unordered_map>

namespace vern {
namespace {

using CountKey = std::pair<std::size_t, std::string>; // (rule index in the policy, category)

// What one batch does: computed from evaluations, then applied (or only counted in a dry run).
struct BatchPlan {
    std::vector<RowId> deletes;
    std::vector<RecordUpdate> updates;
    std::vector<RowId> candidates; // subjects that may have lost their last linked record
    std::map<CountKey, std::int64_t> counts;
    std::int64_t deleted = 0;
    std::int64_t anonymized = 0;
    std::int64_t held = 0;
    std::vector<PurgedRecord> listed;
    std::vector<PurgedRecord> held_listed;
    std::vector<PurgedRecord> upcoming;
    std::map<CountKey, std::int64_t> upcoming_counts;
    std::int64_t upcoming_deleted = 0;
    std::int64_t upcoming_anonymized = 0;
    std::vector<AnonymizeFallback> fallbacks;
    std::map<CountKey, std::int64_t> fallback_counts;
    // Changes that systems holding copies are told of (outbox.hpp); the records keep only what
    // a notice needs (the batch they point into is gone when the plan is applied).
    struct NoticeItem {
        StoredRecord record;
        const Rule* rule;
        bool unlink;
    };
    std::vector<NoticeItem> notices;
    // Case records leaving their subject (deleted or unlinked): subject, case, creation.
    struct GoneCase {
        RowId subject;
        std::string case_id;
        Instant created;
    };
    std::vector<GoneCase> gone_cases;
};

class PurgeRun {
  public:
    PurgeRun(Store& store, const Policy& policy, const PurgeOptions& options)
        : m_store(store), m_policy(policy), m_opts(options) {
        for (std::size_t i = 0; i < policy.rules.size(); ++i) {
            m_rule_index.emplace(&policy.rules[i], i);
        }
        if (options.within) {
            m_horizon = add_calendar(options.now, *options.within, policy.info.zone);
        }
        m_user = options.user.empty() ? current_os_user() : options.user;
        for (const Recipient& rec : policy.recipients) {
            if (!rec.notified()) continue;
            m_notified_categories.insert(rec.categories.begin(), rec.categories.end());
        }
    }

    PurgeResult run() {
        m_result.now = m_opts.now;
        m_result.dry_run = m_opts.dry_run;
        m_result.policy_digest = m_policy.digest;
        if (m_opts.progress) {
            m_progress.total = m_store.count_records(); // a full count: only for the bar
        }
        if (m_opts.dry_run) {
            run_dry();
        } else {
            run_write();
        }
        m_result.by_rule = to_rule_counts(m_counts);
        m_result.upcoming_by_rule = to_rule_counts(m_upcoming_counts);
        return std::move(m_result);
    }

  private:
    void run_dry() {
        ReadTransaction tx(m_store);
        m_globals = m_store.latest_global_events(m_opts.now);
        std::set<RowId> kept_subjects; // open request or active hold: never removed
        for (const Request& r : m_store.list_requests()) {
            if (!r.closed && r.subject_rowid != 0) {
                kept_subjects.insert(r.subject_rowid);
            }
        }
        for (const Hold& h : m_store.list_holds()) {
            if (h.subject_rowid != 0 && h.active()) {
                kept_subjects.insert(h.subject_rowid);
            }
        }
        // Per subject: linked records seen, and how many of them go (deleted or unlinked).
        std::unordered_map<RowId, std::pair<std::int64_t, std::int64_t>> subjects;
        RecordScan scan = make_scan(0);
        m_store.scan_records(scan, [&](std::span<const ScannedRecord> batch) {
            BatchPlan plan = plan_batch(batch);
            for (const ScannedRecord& s : batch) {
                if (s.record.subject_rowid != 0) {
                    ++subjects[s.record.subject_rowid].first;
                }
            }
            for (RowId sid : plan.candidates) {
                ++subjects[sid].second;
            }
            account(plan, 0);
            emit(plan);
            return true;
        });
        for (const auto& [sid, counts] : subjects) {
            if (counts.second > 0 && counts.first == counts.second && !kept_subjects.count(sid)) {
                ++m_result.subjects_removed;
            }
        }
        m_result.subjects_removed += m_store.remove_emptied_subjects(false);
    }

    void run_write() {
        RowId after = 0;
        while (true) {
            WriteTransaction tx(m_store);
            if (after == 0) {
                m_globals = m_store.latest_global_events(m_opts.now);
                // One entry per run, even a run that finds nothing due: monitoring (`vern
                // status`, `audit report`) sees that the nightly job ran.
                m_store.append_audit(audit_entry("run", "", "", 0));
                // Subjects an open request or a hold kept after their last record went, now
                // that it has ended (SPEC 3.5).
                if (std::int64_t n = m_store.remove_emptied_subjects(true); n > 0) {
                    m_store.append_audit(audit_entry("remove_subject", "", "", n));
                    m_result.subjects_removed += n;
                }
            }
            std::optional<BatchPlan> plan;
            std::size_t size = 0;
            std::vector<ScannedRecord> patched;
            m_store.scan_records(make_scan(after), [&](std::span<const ScannedRecord> batch) {
                plan = plan_batch(as_at_start(batch, patched));
                size = batch.size();
                after = batch.back().record.rowid;
                return false;
            });
            if (!plan) {
                tx.commit();
                break;
            }
            std::int64_t removed = apply(*plan);
            tx.commit();
            for (const auto& g : plan->gone_cases) {
                Instant& newest = m_gone_cases[g.subject][g.case_id];
                newest = std::max(newest, g.created);
            }
            account(*plan, removed);
            emit(*plan);
            if (size < m_opts.batch_size) {
                break;
            }
        }
    }

    // A batch as the store was when the run began. A subject's records are spread over the
    // table, so an earlier batch of this run may have deleted (or unlinked) the records of one
    // of its cases: that case would no longer wait for its own event, and the subject's
    // caseless records would fall due in this run although the plan (the dry run, and the
    // --max-delete count) said they wait. Putting the cases back keeps a run exactly its plan;
    // the next run, which starts without them, moves on. Copies only when a case went.
    std::span<const ScannedRecord> as_at_start(std::span<const ScannedRecord> batch,
                                               std::vector<ScannedRecord>& storage) const {
        if (m_gone_cases.empty()) return batch;
        auto affected = [&](const ScannedRecord& r) {
            return r.subject && m_gone_cases.count(r.record.subject_rowid) > 0;
        };
        if (std::none_of(batch.begin(), batch.end(), affected)) return batch;
        storage.assign(batch.begin(), batch.end());
        std::unordered_map<RowId, std::shared_ptr<const SubjectHistory>> merged;
        for (ScannedRecord& r : storage) {
            if (!affected(r)) continue;
            auto [it, fresh] = merged.try_emplace(r.record.subject_rowid);
            if (fresh) {
                auto history = std::make_shared<SubjectHistory>(*r.subject);
                for (const auto& [case_id, created] : m_gone_cases.at(r.record.subject_rowid)) {
                    auto [c, added] = history->cases.emplace(case_id, created);
                    if (!added) c->second = std::max(c->second, created);
                }
                it->second = std::move(history);
            }
            r.subject = it->second;
        }
        return storage;
    }

    RecordScan make_scan(RowId after) const {
        RecordScan scan = scan_for_policy(m_policy, m_opts.now);
        scan.batch_size = m_opts.batch_size;
        scan.after_rowid = after;
        return scan;
    }

    std::size_t index_of(const Rule* rule) const { return m_rule_index.at(rule); }

    PurgedRecord entry(const StoredRecord& r, const Rule& rule, Instant due) const {
        return PurgedRecord{r.id, r.subject, r.category, rule.id, rule.action, due, r.case_id};
    }

    BatchPlan plan_batch(std::span<const ScannedRecord> batch) const {
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
    void note(BatchPlan& plan, const StoredRecord& r, const Rule& rule, bool unlink) const {
        if (m_opts.dry_run || r.unlinked || !m_notified_categories.count(r.category)) return;
        StoredRecord slim;
        slim.id = r.id;
        slim.subject = r.subject;
        slim.category = r.category;
        slim.created = r.created;
        plan.notices.push_back({std::move(slim), &rule, unlink});
    }

    // The record's fields as stored; nullopt when they cannot be read (text that is not JSON or
    // not UTF-8, written by another program): plan_anonymize then sets every field the rules
    // name to "[redacted]" and drops the rest, since nothing of unreadable text can be kept
    // selectively.
    static std::optional<nlohmann::json> readable_fields(const StoredRecord& r) {
        try {
            nlohmann::json fields = r.fields();
            if (fields.is_object()) {
                return fields;
            }
        } catch (const std::exception&) {
        }
        return std::nullopt;
    }

    void fallback(BatchPlan& plan, const StoredRecord& r, const Rule& rule, std::string field,
                  std::string reason) const {
        ++plan.fallback_counts[{index_of(&rule), r.category}];
        plan.fallbacks.push_back(
            AnonymizeFallback{r.id, r.category, rule.id, std::move(field), std::move(reason)});
    }

    void plan_anonymize(const RecordEvaluation& ev, BatchPlan& plan) const {
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
    void plan_upcoming(const RecordEvaluation& ev, BatchPlan& plan) const {
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

    // Writes the batch and its audit entries (inside the caller's transaction). Returns the
    // number of subjects removed.
    std::int64_t apply(const BatchPlan& plan) {
        if (!plan.deletes.empty()) {
            m_store.delete_records(plan.deletes);
        }
        if (!plan.updates.empty()) {
            m_store.update_records(plan.updates);
        }
        std::vector<RowId> candidates = plan.candidates;
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
        std::int64_t removed = 0;
        if (!candidates.empty()) {
            removed = static_cast<std::int64_t>(
                m_store.delete_orphan_subjects(candidates, m_opts.now).size());
        }
        for (const auto& [key, count] : plan.counts) {
            const Rule& rule = m_policy.rules[key.first];
            m_store.append_audit(audit_entry(action_name(rule.action), rule.id, key.second, count));
        }
        if (removed > 0) {
            m_store.append_audit(audit_entry("remove_subject", "", "", removed));
        }
        if (!plan.notices.empty()) {
            NoticeWriter notices(m_store, m_policy, m_opts.now);
            for (const auto& item : plan.notices) {
                if (item.rule->action == Action::erase) {
                    notices.deleted(item.record, "rule:" + item.rule->id);
                } else {
                    notices.anonymized(item.record, *item.rule, item.unlink);
                }
            }
            for (const auto& [system, count] : notices.flush(audit_entry("", "", "", 0))) {
                m_result.notified[system] += count;
            }
        }
        for (const auto& [key, count] : plan.fallback_counts) {
            const Rule& rule = m_policy.rules[key.first];
            m_store.append_audit(audit_entry("anonymize_fallback", rule.id, key.second, count));
        }
        return removed;
    }

    AuditEntry audit_entry(std::string action, std::string rule, std::string category,
                           std::int64_t count) const {
        AuditEntry e;
        e.at = m_opts.now;
        e.user = m_user;
        e.command = m_opts.command;
        e.action = std::move(action);
        e.rule = std::move(rule);
        e.category = std::move(category);
        e.count = count;
        e.policy_digest = m_policy.digest;
        return e;
    }

    void account(const BatchPlan& plan, std::int64_t removed) {
        m_result.deleted += plan.deleted;
        m_result.anonymized += plan.anonymized;
        m_result.held += plan.held;
        m_result.subjects_removed += removed;
        m_result.upcoming_deleted += plan.upcoming_deleted;
        m_result.upcoming_anonymized += plan.upcoming_anonymized;
        for (const auto& [key, count] : plan.counts) {
            m_counts[key] += count;
        }
        for (const auto& [key, count] : plan.upcoming_counts) {
            m_upcoming_counts[key] += count;
        }
        for (const AnonymizeFallback& f : plan.fallbacks) {
            if (m_result.fallback_fields.size() < PurgeResult::k_listed_fallbacks) {
                m_result.fallback_fields.push_back(f);
            }
        }
        m_result.fallbacks += static_cast<std::int64_t>(plan.fallbacks.size());
        m_progress.deleted = m_result.deleted;
        m_progress.anonymized = m_result.anonymized;
    }

    // Hands listed and upcoming records to the caller (after the batch committed), and progress.
    void emit(BatchPlan& plan) {
        for (auto& r : plan.listed) {
            if (m_opts.on_record) {
                m_opts.on_record(r);
            } else {
                m_result.records.push_back(std::move(r));
            }
        }
        for (auto& r : plan.held_listed) {
            m_result.held_records.push_back(std::move(r));
        }
        for (auto& r : plan.upcoming) {
            if (m_opts.on_upcoming) {
                m_opts.on_upcoming(r);
            } else {
                m_result.upcoming.push_back(std::move(r));
            }
        }
        m_scanned_batches++;
        if (m_opts.progress) {
            m_progress.scanned = std::min<std::int64_t>(
                m_progress.total,
                static_cast<std::int64_t>(m_scanned_batches * m_opts.batch_size));
            m_opts.progress(m_progress);
        }
    }

    std::vector<RuleCount> to_rule_counts(const std::map<CountKey, std::int64_t>& counts) const {
        std::vector<RuleCount> out;
        for (const auto& [key, count] : counts) {
            const Rule& rule = m_policy.rules[key.first];
            out.push_back(RuleCount{rule.id, key.second, rule.action, count});
        }
        return out;
    }

    Store& m_store;
    const Policy& m_policy;
    const PurgeOptions& m_opts;
    std::map<const Rule*, std::size_t> m_rule_index;
    std::set<std::string> m_notified_categories; // held by a system with `deliver`
    // subject -> case -> newest creation of the case's records this run deleted or unlinked
    std::unordered_map<RowId, std::map<std::string, Instant>> m_gone_cases;
    std::optional<Instant> m_horizon;
    std::string m_user;
    std::map<std::string, Instant> m_globals;
    std::map<CountKey, std::int64_t> m_counts;
    std::map<CountKey, std::int64_t> m_upcoming_counts;
    PurgeResult m_result;
    PurgeProgress m_progress;
    std::size_t m_scanned_batches = 0;
};

// Throws Error(problem) when `deleted` exceeds the --max-delete limit.
void check_max_delete(Store& store, const PurgeOptions& options, std::int64_t deleted) {
    const std::int64_t total = store.count_records();
    std::optional<std::int64_t> limit = options.max_delete;
    std::string limit_text = limit ? fmt::format("{}", *limit) : "";
    if (options.max_delete_percent) {
        const auto by_percent =
            static_cast<std::int64_t>(std::floor(*options.max_delete_percent * total / 100.0));
        if (!limit || by_percent < *limit) {
            limit = by_percent;
            limit_text = fmt::format("{}% of {} records = {}", *options.max_delete_percent, total,
                                     by_percent);
        }
    }
    if (limit && deleted > *limit) {
        throw Error(Code::problem,
                    fmt::format("refusing to purge: {} records would be deleted, more than the "
                                "--max-delete limit of {}; nothing was changed (check the policy, "
                                "or raise --max-delete)",
                                deleted, limit_text));
    }
}

} // namespace

PurgeResult purge(Store& store, const Policy& policy, const PurgeOptions& options) {
    if (options.batch_size == 0) {
        throw Error(Code::usage, "the batch size must be at least 1");
    }
    const bool limited = options.max_delete || options.max_delete_percent;
    if (options.dry_run) {
        PurgeResult result = PurgeRun(store, policy, options).run();
        if (limited) {
            check_max_delete(store, options, result.deleted);
        }
        return result;
    }
    if (limited) {
        // A read-only pass first: a refused run changes nothing.
        PurgeOptions count_only;
        count_only.now = options.now;
        count_only.dry_run = true;
        count_only.batch_size = options.batch_size;
        count_only.user = "-";
        check_max_delete(store, options, PurgeRun(store, policy, count_only).run().deleted);
    }
    return PurgeRun(store, policy, options).run();
}

} // namespace vern
