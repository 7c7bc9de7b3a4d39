// The retention outlook: overdue records and what falls due soon, per category.

#include "vern/engine.hpp"
#include "vern/status.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

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

// NOTE: bump when what decides a record, or quiet_until(), changes: rows written by an older
// vern are then ignored and written anew (meta key `quiet_policy` = policy digest ":" this).
constexpr const char* k_quiet_revision = "1";

// The least `until` of each subject evaluated: a vector indexed by sid when the sids are dense
// (8 bytes a subject: 20 MiB at 2.5 M subjects), else a hash map (about 50 bytes an entry).
class SubjectBounds {
  public:
    void size_for(RowId max_sid, std::int64_t subjects) {
        if (max_sid >= 0 && max_sid < 4 * subjects + (1 << 20)) {
            m_dense.assign(static_cast<std::size_t>(max_sid) + 1, k_unseen);
        }
    }
    void lower(RowId sid, Instant until) {
        if (!m_dense.empty() && sid >= 0 && static_cast<std::size_t>(sid) < m_dense.size()) {
            std::int64_t& v = m_dense[static_cast<std::size_t>(sid)];
            const std::int64_t u = until.time_since_epoch().count();
            if (v == k_unseen || u < v) v = u;
            return;
        }
        auto [it, inserted] = m_sparse.try_emplace(sid, until);
        if (!inserted && until < it->second) it->second = until;
    }
    // Calls f(sid, until) for every subject seen.
    template <class F> void each(F&& f) const {
        for (std::size_t sid = 0; sid < m_dense.size(); ++sid) {
            if (m_dense[sid] != k_unseen) {
                f(static_cast<RowId>(sid), Instant{std::chrono::seconds{m_dense[sid]}});
            }
        }
        for (const auto& [sid, until] : m_sparse) f(sid, until);
    }

  private:
    static constexpr std::int64_t k_unseen = std::numeric_limits<std::int64_t>::min();
    std::vector<std::int64_t> m_dense;
    std::unordered_map<RowId, Instant> m_sparse;
};

// The quiet table's part of an outlook: which subjects to pass over, and the rows learnt.
class QuietRows {
  public:
    QuietRows(Store& store, const Policy& policy, Instant now, Instant horizon,
              QuietUpdate* update)
        : m_update(update), m_now(now), m_horizon(horizon) {
        if (!update) return;
        const std::string key = policy.digest + ":" + k_quiet_revision;
        m_table = store.read_quiet(key, now, horizon);
        if (!m_table) return;
        update->policy_digest = key;
        update->replace_all = !m_table->current;
        update->since = now;
        m_quiet = SubjectSet(std::move(m_table->quiet));
        m_bounds.size_for(m_table->max_sid, m_table->subjects);
    }

    const SubjectSet* skip() const { return m_table && !m_quiet.empty() ? &m_quiet : nullptr; }

    // On the evaluating thread, for every record evaluated (none of a subject passed over).
    void learn(const RecordEvaluation& ev) {
        const RowId sid = ev.record.subject_rowid;
        if (m_table && sid != 0) m_bounds.lower(sid, quiet_until(ev, m_now));
    }

    // Still inside the transaction: the subjects' facts after now bound their rows too. A row
    // is written only for a subject quiet past this window: no other could ever be passed over
    // by a later run (its window ends later still), and a purge deleting the records of a
    // subject without a row costs its trigger a miss, not a delete.
    void finish(Store& store) {
        if (!m_table) return;
        std::vector<std::pair<RowId, Instant>>& rows = m_update->rows;
        m_bounds.each([&](RowId sid, Instant until) {
            if (until > m_horizon) rows.emplace_back(sid, until);
        });
        if (rows.empty()) return;
        std::sort(rows.begin(), rows.end()); // by sid: found below, and a cheap insert
        for (const auto& [sid, at] : store.facts_after(m_now)) {
            if (sid == 0) { // a global event still to come bounds every row
                for (auto& row : rows) row.second = std::min(row.second, at);
                continue;
            }
            auto it = std::lower_bound(rows.begin(), rows.end(), std::make_pair(sid, Instant::min()));
            if (it != rows.end() && it->first == sid) it->second = std::min(it->second, at);
        }
        std::erase_if(rows, [&](const auto& row) { return row.second <= m_horizon; });
    }

  private:
    QuietUpdate* m_update;
    Instant m_now;
    Instant m_horizon;
    std::optional<QuietTable> m_table;
    SubjectSet m_quiet;
    SubjectBounds m_bounds;
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
    outlook.passed_over = passed_over.load();
    // Records passed over after the last batch evaluated are counted too: the count ends at all.
    if (progress && outlook.passed_over != 0) progress(evaluated + outlook.passed_over);
    rows.finish(store);
    outlook.overdue = to_list(overdue);
    outlook.upcoming = to_list(upcoming);
    return outlook;
}

} // namespace vern
