// The retention outlook: overdue records and what falls due soon, per category.

#include "vern/engine.hpp"
#include "vern/status.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <unordered_map>

namespace vern {
namespace {

void count(std::map<std::string, CategoryDue>& by_category, const std::string& category,
           Instant due) {
    auto [it, inserted] = by_category.try_emplace(category);
    CategoryDue& c = it->second;
    if (inserted) {
        c.category = category;
        c.earliest = due;
    } else if (due < c.earliest) {
        c.earliest = due;
    }
    ++c.records;
}

std::vector<CategoryDue> to_list(std::map<std::string, CategoryDue>& by_category) {
    std::vector<CategoryDue> list;
    list.reserve(by_category.size());
    for (auto& [id, c] : by_category) {
        list.push_back(std::move(c));
    }
    return list;
}

// Until when nothing of this record can show in an outlook without a change to the store: now
// when it shows already (overdue or held), else its next due time, or its creation if that is
// still to come (it is pending until then). The quiet table's `until` is the least of these
// over a subject's records and its facts after now.
Instant quiet_until(const RecordEvaluation& ev, Instant now) {
    if (ev.overdue() || ev.decision == Decision::held) return now;
    Instant until = Instant::max();
    if (ev.next_due) until = std::min(until, *ev.next_due);
    if (ev.record.created > now) until = std::min(until, ev.record.created);
    return until;
}

// The quiet table's part of an outlook: which subjects to pass over, and the rows learnt.
class QuietRows {
  public:
    QuietRows(Store& store, const Policy& policy, Instant now, Instant horizon,
              QuietUpdate* update)
        : m_update(update), m_now(now), m_horizon(horizon) {
        if (!update) return;
        m_table = store.read_quiet(policy.digest, now, horizon);
        if (!m_table) return;
        update->policy_digest = policy.digest;
        update->replace_all = !m_table->current;
        update->since = now;
        m_quiet = SubjectSet(std::move(m_table->quiet));
    }

    const SubjectSet* skip() const { return m_table && !m_quiet.empty() ? &m_quiet : nullptr; }

    // On the evaluating thread, for every record evaluated (none of a subject passed over).
    void learn(const RecordEvaluation& ev) {
        const RowId sid = ev.record.subject_rowid;
        if (!m_table || sid == 0) return;
        const Instant until = quiet_until(ev, m_now);
        auto [it, inserted] = m_until.try_emplace(sid, until);
        if (!inserted && until < it->second) it->second = until;
    }

    // Still inside the transaction: the subjects' facts after now bound their rows too. A row
    // is written only for a subject quiet past this window: no other could ever be passed over
    // by a later run (its window ends later still), and a purge deleting the records of a
    // subject without a row costs its trigger a miss, not a delete.
    void finish(Store& store) {
        if (!m_table) return;
        std::erase_if(m_until, [&](const auto& entry) { return entry.second <= m_horizon; });
        if (m_until.empty()) return;
        for (const auto& [sid, at] : store.facts_after(m_now)) {
            if (sid == 0) { // a global event still to come bounds every row
                for (auto& [s, until] : m_until) until = std::min(until, at);
                continue;
            }
            auto it = m_until.find(sid);
            if (it != m_until.end() && at < it->second) it->second = at;
        }
        m_update->rows.reserve(m_until.size());
        for (const auto& [sid, until] : m_until) {
            if (until > m_horizon) m_update->rows.emplace_back(sid, until);
        }
        std::sort(m_update->rows.begin(), m_update->rows.end()); // rowid order: a cheap insert
    }

  private:
    QuietUpdate* m_update;
    Instant m_now;
    Instant m_horizon;
    std::optional<QuietTable> m_table;
    SubjectSet m_quiet;
    std::unordered_map<RowId, Instant> m_until; // subjects evaluated: their rows' until
};

} // namespace

RetentionOutlook retention_outlook(Store& store, const Policy& policy, Instant now,
                                   const Duration& window, const EvaluatedCount& progress,
                                   QuietUpdate* quiet) {
    RetentionOutlook outlook;
    outlook.now = now;
    outlook.horizon = add_calendar(now, window, policy.info.zone);
    outlook.policy_digest = policy.digest;
    std::map<std::string, CategoryDue> overdue;
    std::map<std::string, CategoryDue> upcoming;
    QuietRows rows(store, policy, now, outlook.horizon, quiet);
    std::atomic<std::int64_t> passed_over{0};
    EvaluationScope scope;
    scope.subject_refs = false; // counts only
    scope.fields = false;
    scope.parallel = true; // the callback only counts
    scope.history_preload_limit = k_history_preload_limit; // inside a ReadTransaction
    scope.skip_subjects = rows.skip();
    scope.skipped_records = &passed_over;
    std::int64_t evaluated = 0;
    evaluate_records(store, policy, now, scope,
                     [&](std::span<const RecordEvaluation> batch) {
                         for (const RecordEvaluation& ev : batch) {
                             if (ev.decision == Decision::held) {
                                 ++outlook.held;
                             }
                             if (ev.overdue()) {
                                 count(overdue, ev.record.category, ev.decided_due.value_or(now));
                                 ++outlook.overdue_total;
                             } else if (ev.next_due && *ev.next_due <= outlook.horizon) {
                                 count(upcoming, ev.record.category, *ev.next_due);
                                 ++outlook.upcoming_total;
                             }
                             rows.learn(ev);
                         }
                         evaluated += static_cast<std::int64_t>(batch.size());
                         if (progress) progress(evaluated + passed_over.load());
                         return true;
                     });
    rows.finish(store);
    outlook.passed_over = passed_over.load();
    outlook.overdue = to_list(overdue);
    outlook.upcoming = to_list(upcoming);
    return outlook;
}

} // namespace vern
