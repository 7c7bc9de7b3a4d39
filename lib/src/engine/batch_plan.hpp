#pragma once
// Internal to purge.cpp: what one purge batch does, decided per record with evaluate_record()
// and then applied (or, in a dry run, only counted) by the purge run.

#include "vern/engine.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace vern {

using CountKey = std::pair<std::size_t, std::string>; // (rule index in the policy, category)

// A case record leaving its subject (deleted or unlinked): subject, case, creation.
struct GoneCase {
    RowId subject;
    std::string case_id;
    Instant created;
};

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
    std::vector<GoneCase> gone_cases;
};

// Plans batches for one run: the policy, the run's options, the rules' positions in the policy
// (the counts' keys) and the categories that systems with `deliver` hold (notices).
class BatchPlanner {
  public:
    BatchPlanner(const Policy& policy, const PurgeOptions& options);

    // The latest global events as of now (read once per run, before the first batch).
    void set_globals(std::map<std::string, Instant> globals) { m_globals = std::move(globals); }

    BatchPlan plan(std::span<const ScannedRecord> batch) const;

    // Whether plan() shows or sends subject refs (listed and upcoming records, notices); if not,
    // the scan need not read them (RecordScan::subject_refs).
    bool needs_subject_refs() const {
        return m_opts.list || m_horizon.has_value() || !m_notified_categories.empty();
    }

  private:
    std::size_t index_of(const Rule* rule) const { return m_rule_index.at(rule); }
    PurgedRecord entry(const StoredRecord& r, const Rule& rule, Instant due) const;
    void note(BatchPlan& plan, const StoredRecord& r, const Rule& rule, bool unlink) const;
    void fallback(BatchPlan& plan, const StoredRecord& r, const Rule& rule, std::string field,
                  std::string reason) const;
    void plan_anonymize(const RecordEvaluation& ev, BatchPlan& plan) const;
    void plan_upcoming(const RecordEvaluation& ev, BatchPlan& plan) const;

    const Policy& m_policy;
    const PurgeOptions& m_opts;
    std::map<const Rule*, std::size_t> m_rule_index;
    std::set<std::string> m_notified_categories; // held by a system with `deliver`
    std::optional<Instant> m_horizon;
    std::map<std::string, Instant> m_globals;
};

} // namespace vern
