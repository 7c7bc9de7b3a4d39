// HistoryPreload: the subject histories a whole-store scan needs (each subject's latest event per
// kind and case, each case's newest record), read in one ordered pass over their indexes before
// the first batch instead of by a seek per subject and kind in every batch. At 10 M records the
// per-batch queries took 11 of the 17 s of `vern status`; the same groups read in one pass take
// well under a second. Memory grows with the groups read, so it is used only up to a limit, and
// only by scans inside one read transaction (RecordScan::histories_in_one_pass): a purge changes
// the store between its batches.
#pragma once

#include "vern/store_types.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vern::store {

class HistoryPreload {
  public:
    // Reads the groups of the scan's event kinds (every kind with all_event_kinds) at or before
    // `now`, and the cases when `cases`; nullopt when more than `limit` groups would be held.
    static std::optional<HistoryPreload> read(SQLite::Database& db, const RecordScan& scan,
                                              bool events, bool cases, std::size_t limit);

    // Appends the subject's groups to `out`, in the order the per-batch queries give them.
    void fill(RowId sid, SubjectHistory& out) const;

    std::size_t size() const { return m_events.size() + m_cases.size(); }

  private:
    struct EventRow {
        RowId sid;
        std::int64_t at;
        std::uint32_t kind;    // index into m_texts
        std::uint32_t case_id; // index into m_texts ("" for none)
    };
    struct CaseRow {
        RowId sid;
        std::int64_t newest;
        std::uint32_t case_id;
    };
    std::uint32_t intern(std::string_view text);
    template <class Row>
    static std::vector<std::uint32_t> index_by_sid(const std::vector<Row>& rows);
    template <class Row>
    static std::pair<std::size_t, std::size_t> rows_of(RowId sid, const std::vector<Row>& rows,
                                                       const std::vector<std::uint32_t>& first);

    std::vector<EventRow> m_events; // by sid, then the query's order
    std::vector<CaseRow> m_cases;   // by sid
    // first[sid] is the first row of a sid at or above `sid` (first.size() == max sid + 2): a
    // subject's rows without a binary search, whose cache misses cost 11 % of a 10 M status.
    // Empty when the sids are too sparse for it (then: binary search).
    std::vector<std::uint32_t> m_event_first;
    std::vector<std::uint32_t> m_case_first;
    std::vector<std::string> m_texts;
    std::unordered_map<std::string, std::uint32_t> m_text_index;
};

} // namespace vern::store
