// The subjects a purge run may have left without linked records (pending_subjects.hpp).

#include "pending_subjects.hpp"

#include <algorithm>
#include <iterator>

namespace vern {

std::int64_t PendingSubjects::remove_orphans(std::span<const RowId> subjects) {
    std::int64_t removed = 0;
    for (std::size_t i = 0; i < subjects.size(); i += k_chunk) {
        const auto chunk = subjects.subspan(i, std::min(k_chunk, subjects.size() - i));
        removed += static_cast<std::int64_t>(m_store.delete_orphan_subjects(chunk, m_now).size());
    }
    return removed;
}

std::int64_t PendingSubjects::recover() {
    const std::vector<RowId> left = m_store.pending_subjects();
    const std::int64_t removed = remove_orphans(left);
    m_store.clear_pending_subjects();
    return removed;
}

std::int64_t PendingSubjects::count_left(const std::set<RowId>& kept) {
    const std::vector<RowId> left = m_store.pending_subjects();
    if (left.empty()) return 0;
    std::int64_t n = 0;
    for (const auto& [subject, last] : m_store.last_records(left)) {
        if (last == 0 && !kept.count(subject)) ++n;
    }
    return n;
}

std::int64_t PendingSubjects::add(std::vector<RowId> candidates, bool last) {
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    const bool now = last || m_waiting.size() + candidates.size() > k_limit;
    if (!now && !candidates.empty()) {
        // Committed with the batch: a run killed before the removal leaves them to the next.
        m_store.add_pending_subjects(candidates);
        m_stored = true;
    }
    const auto middle = static_cast<std::ptrdiff_t>(m_waiting.size());
    m_waiting.insert(m_waiting.end(), candidates.begin(), candidates.end());
    std::inplace_merge(m_waiting.begin(), m_waiting.begin() + middle, m_waiting.end());
    m_waiting.erase(std::unique(m_waiting.begin(), m_waiting.end()), m_waiting.end());
    if (!now) return 0;
    const std::int64_t removed = remove_orphans(m_waiting);
    m_waiting.clear();
    if (m_stored) {
        m_store.clear_pending_subjects();
        m_stored = false;
    }
    return removed;
}

} // namespace vern
