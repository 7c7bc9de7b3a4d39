// The purge executor (SPEC section 5): streams the store in batches, decides per record with
// evaluate_record(), and applies each batch with its audit entries in one write transaction.
// A dry run (plan) goes through the same code and writes nothing.

#include "batch_plan.hpp"
#include "cases_at_start.hpp"
#include "pending_subjects.hpp"
#include "subject_tally.hpp"
#include "vern/audit.hpp"
#include "vern/engine.hpp"
#include "vern/outbox.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace vern {
namespace {

class PurgeRun {
  public:
    // count_subjects = false: a dry run that counts records only, without the per-subject
    // tally behind subjects_removed (which grows with the store): the --max-delete pre-pass.
    PurgeRun(Store& store, const Policy& policy, const PurgeOptions& options,
             bool count_subjects = true)
        : m_store(store), m_policy(policy), m_opts(options), m_count_subjects(count_subjects),
          m_planner(policy, options), m_pending(store, options.now) {
        m_user = options.user.empty() ? current_os_user() : options.user;
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
        m_planner.set_globals(m_store.latest_global_events(m_opts.now));
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
        SubjectTally subjects;
        RecordScan scan = make_scan(0);
        scan.history_preload_limit = k_history_preload_limit; // one ReadTransaction
        m_store.scan_records(scan, [&](std::span<const ScannedRecord> batch) {
            BatchPlan plan = m_planner.plan(batch);
            if (m_count_subjects) {
                subjects.add(batch, plan.candidates);
            }
            account(plan, 0);
            emit(plan);
            return true;
        });
        m_result.subjects_removed += subjects.removed(kept_subjects);
        m_result.subjects_removed += m_store.remove_emptied_subjects(false);
        // Subjects a killed run left without records: the run removes them first.
        m_result.subjects_removed += m_pending.count_left(kept_subjects);
    }

    void run_write() {
        RowId after = 0;
        while (true) {
            WriteTransaction tx(m_store);
            if (after == 0) {
                m_planner.set_globals(m_store.latest_global_events(m_opts.now));
                // One entry per run, even a run that finds nothing due: monitoring (`vern
                // status`, `audit report`) sees that the nightly job ran.
                m_store.append_audit(audit_entry("run", "", "", 0));
                // Subjects an open request or a hold kept after their last record went, now
                // that it has ended (SPEC 3.5), then those a killed run left without records.
                std::int64_t n = m_store.remove_emptied_subjects(true);
                n += m_pending.recover();
                if (n > 0) {
                    m_store.append_audit(audit_entry("remove_subject", "", "", n));
                    m_result.subjects_removed += n;
                }
            }
            std::optional<BatchPlan> plan;
            std::size_t size = 0;
            std::vector<ScannedRecord> patched;
            m_store.scan_records(make_scan(after), [&](std::span<const ScannedRecord> batch) {
                plan = m_planner.plan(m_cases.as_at_start(batch, patched));
                size = batch.size();
                after = batch.back().record.rowid;
                return false;
            });
            if (!plan) {
                if (std::int64_t n = m_pending.add({}, true); n > 0) {
                    m_store.append_audit(audit_entry("remove_subject", "", "", n));
                    m_result.subjects_removed += n;
                }
                tx.commit();
                break;
            }
            const bool last = size < m_opts.batch_size;
            std::int64_t removed = apply(*plan, last);
            m_cases.gone(plan->gone_cases, after, m_store);
            tx.commit();
            account(*plan, removed);
            emit(*plan);
            if (last) {
                break;
            }
        }
    }

    RecordScan make_scan(RowId after) const {
        RecordScan scan = scan_for_policy(m_policy, m_opts.now);
        scan.batch_size = m_opts.batch_size;
        scan.after_rowid = after;
        scan.subject_refs = m_planner.needs_subject_refs();
        return scan;
    }

    // Writes the batch and its audit entries (inside the caller's transaction; `last`: the
    // run's last). Returns the number of subjects removed.
    std::int64_t apply(const BatchPlan& plan, bool last) {
        if (!plan.deletes.empty()) {
            m_store.delete_records(plan.deletes);
        }
        if (!plan.updates.empty()) {
            m_store.update_records(plan.updates);
        }
        const std::int64_t removed = m_pending.add(plan.candidates, last);
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
    bool m_count_subjects = true;
    BatchPlanner m_planner;
    CasesAtStart m_cases; // the cases this run's batches took away, put back into later ones
    PendingSubjects m_pending; // subjects whose last record this run may have deleted
    std::string m_user;
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
        check_max_delete(store, options,
                         PurgeRun(store, policy, count_only, false).run().deleted);
    }
    return PurgeRun(store, policy, options).run();
}

} // namespace vern
