// The dry run's count of subjects a purge would remove (subject_tally.hpp).

#include "subject_tally.hpp"

#include "vern/store.hpp"

#include <algorithm>

namespace vern {

void SubjectTally::add(std::span<const ScannedRecord> batch, const std::vector<RowId>& candidates) {
    std::unordered_map<RowId, std::int64_t> going; // bounded by the batch
    for (RowId sid : candidates) ++going[sid];
    std::unordered_map<RowId, std::int64_t> seen;
    for (const ScannedRecord& s : batch) {
        if (s.record.subject_rowid != 0) ++seen[s.record.subject_rowid];
    }
    for (const auto& [sid, n] : seen) {
        const auto g = going.find(sid);
        const std::int64_t gone = g == going.end() ? 0 : g->second;
        if (gone > 0) mark(sid, k_goes);
        if (n > gone) mark(sid, k_stays);
    }
}

std::int64_t SubjectTally::removed(const std::set<RowId>& kept) const {
    std::int64_t n = 0;
    const auto count = [&](RowId sid, std::uint8_t bits) {
        if (bits == k_goes && !kept.count(sid)) ++n;
    };
    for (std::size_t sid = 0; sid < m_dense.size(); ++sid) {
        count(static_cast<RowId>(sid), m_dense[sid]);
    }
    for (const auto& [sid, bits] : m_sparse) count(sid, bits);
    return n;
}

void SubjectTally::mark(RowId sid, std::uint8_t bit) {
    if (sid < 0 || sid >= k_dense) {
        m_sparse[sid] |= bit;
        return;
    }
    const auto i = static_cast<std::size_t>(sid);
    if (i >= m_dense.size()) m_dense.resize(std::max(i + 1, m_dense.size() * 3 / 2), 0);
    m_dense[i] |= bit;
}

} // namespace vern
