#pragma once
// Internal to purge.cpp: a batch as the store was when the run began, as far as its subjects'
// cases go (SPEC 3.5, Cases).
//
// A subject's records are spread over the table, so an earlier batch of this run may have
// deleted (or unlinked) the records of one of its cases: that case would no longer wait for its
// own event, and the subject's caseless records would fall due in this run although the plan
// (the dry run, and the --max-delete count) said they wait. Putting the cases back keeps a run
// exactly its plan; the next run, which starts without them, moves on.
//
// Bounded: a subject is kept only while it has records the scan has not reached (the scan is in
// rowid order and the run is the only writer), so a large backlog's first purge does not
// collect every subject whose case went.

#include "batch_plan.hpp"

#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace vern {

class CasesAtStart {
  public:
    // The case records a batch of this run deleted or unlinked, called in its transaction
    // after its changes; `after`: the batch's last rowid (the scan goes on after it). Forgets
    // the subjects whose last record is at or before `after`: no later batch has their records.
    void gone(const std::vector<GoneCase>& cases, RowId after, Store& store);

    // `batch` with the gone cases put back into its subjects' histories; copies into `storage`
    // only when a subject of the batch lost a case earlier in the run.
    std::span<const ScannedRecord> as_at_start(std::span<const ScannedRecord> batch,
                                               std::vector<ScannedRecord>& storage) const;

    std::size_t subjects() const { return m_gone_cases.size(); }

  private:
    struct Gone {
        RowId last = 0;                      // the subject's last record (rowid)
        std::map<std::string, Instant> cases; // case -> newest creation of its records gone
    };
    // subject -> what of it this run deleted or unlinked
    std::unordered_map<RowId, Gone> m_gone_cases;
};

} // namespace vern
