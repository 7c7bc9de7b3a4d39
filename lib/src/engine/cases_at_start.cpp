// The gone cases of a purge run put back into later batches (cases_at_start.hpp).

#include "cases_at_start.hpp"

#include <algorithm>
#include <memory>

namespace vern {

void CasesAtStart::gone(const std::vector<GoneCase>& cases, RowId after, Store& store) {
    std::erase_if(m_gone_cases, [&](const auto& entry) { return entry.second.last <= after; });
    if (cases.empty()) return;
    std::vector<RowId> subjects;
    subjects.reserve(cases.size());
    for (const GoneCase& g : cases) subjects.push_back(g.subject);
    std::sort(subjects.begin(), subjects.end());
    subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
    std::unordered_map<RowId, RowId> later; // subject -> its last record, if after `after`
    for (const auto& [subject, last] : store.last_records(subjects)) {
        if (last > after) later.emplace(subject, last);
    }
    for (const GoneCase& g : cases) {
        auto it = later.find(g.subject);
        if (it == later.end()) continue; // no record of it is left for a later batch
        Gone& gone = m_gone_cases[g.subject];
        gone.last = it->second;
        Instant& newest = gone.cases[g.case_id];
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
            for (const auto& [case_id, created] : m_gone_cases.at(r.record.subject_rowid).cases) {
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
