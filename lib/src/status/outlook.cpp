// The retention outlook: overdue records and what falls due soon, per category.

#include "vern/engine.hpp"
#include "vern/status.hpp"

#include <map>

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

} // namespace

RetentionOutlook retention_outlook(Store& store, const Policy& policy, Instant now,
                                   const Duration& window, const EvaluatedCount& progress) {
    RetentionOutlook outlook;
    outlook.now = now;
    outlook.horizon = add_calendar(now, window, policy.info.zone);
    outlook.policy_digest = policy.digest;
    std::map<std::string, CategoryDue> overdue;
    std::map<std::string, CategoryDue> upcoming;
    EvaluationScope scope;
    scope.subject_refs = false; // counts only
    scope.fields = false;
    scope.parallel = true; // the callback only counts
    scope.history_preload_limit = k_history_preload_limit; // inside a ReadTransaction
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
                         }
                         evaluated += static_cast<std::int64_t>(batch.size());
                         if (progress) progress(evaluated);
                         return true;
                     });
    outlook.overdue = to_list(overdue);
    outlook.upcoming = to_list(upcoming);
    return outlook;
}

} // namespace vern
