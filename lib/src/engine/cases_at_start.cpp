// The gone cases of a purge run put back into later batches (cases_at_start.hpp).

#include "cases_at_start.hpp"

#include <algorithm>
#include <memory>

namespace vern {

void CasesAtStart::gone(const std::vector<GoneCase>& cases) {
    for (const GoneCase& g : cases) {
        Instant& newest = m_gone_cases[g.subject][g.case_id];
        newest = std::max(newest, g.created);
    }
}

std::span<const ScannedRecord> CasesAtStart::as_at_start(std::span<const ScannedRecord> batch,
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

} // namespace vern
