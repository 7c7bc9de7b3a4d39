// HistoryPreload (history_preload.hpp): one ordered pass over the subject-event and case indexes.

#include "history_preload.hpp"

#include "raw_statement.hpp"
#include "store_common.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace vern::store {

namespace {
// The scan will not read this subject's records (RecordScan::skip_subjects): no need to hold its
// history.
bool passed_over(const RecordScan& scan, RowId sid) {
    return scan.skip_subjects && scan.skip_subjects->contains(sid);
}
} // namespace

std::optional<HistoryPreload> HistoryPreload::read(SQLite::Database& db, const RecordScan& scan,
                                                   bool events, bool cases, std::size_t limit) {
    HistoryPreload p;
    const std::int64_t now = to_db(scan.now);
    if (events) {
        // The per-batch query of sqlite_scan.cpp without its list of subjects: the same groups,
        // in the same order (the index events_subject: sid, kind, case).
        RawStatement q(db.getHandle(),
                       std::string("SELECT e.sid, e.kind, ifnull(e.case_id, ''), max(e.at) "
                                   "FROM events e WHERE e.sid IS NOT NULL AND e.at <= ?1") +
                           (scan.all_event_kinds
                                ? ""
                                : " AND e.kind IN (SELECT value FROM json_each(?2))") +
                           " GROUP BY e.sid, e.kind, e.case_id ORDER BY e.sid, e.kind, e.case_id");
        q.bind(1, now);
        if (!scan.all_event_kinds) q.bind(2, nlohmann::json(scan.event_kinds).dump());
        while (q.step()) {
            if (passed_over(scan, q.int64(0))) continue;
            if (p.size() >= limit) return std::nullopt;
            p.m_events.push_back(EventRow{q.int64(0), q.int64(3), p.intern(q.text(1)),
                                          p.intern(q.text(2))});
        }
    }
    if (cases) {
        RawStatement q(db.getHandle(),
                       "SELECT sid, case_id, max(created) FROM records WHERE case_id IS NOT NULL "
                       "AND created <= ?1 GROUP BY sid, case_id ORDER BY sid, case_id");
        q.bind(1, now);
        while (q.step()) {
            if (passed_over(scan, q.int64(0))) continue;
            if (p.size() >= limit) return std::nullopt;
            p.m_cases.push_back(CaseRow{q.int64(0), q.int64(2), p.intern(q.text(1))});
        }
    }
    p.m_text_index = {}; // only needed while reading
    p.m_event_first = index_by_sid(p.m_events);
    p.m_case_first = index_by_sid(p.m_cases);
    return p;
}

std::uint32_t HistoryPreload::intern(std::string_view text) {
    auto [it, added] =
        m_text_index.try_emplace(std::string(text), static_cast<std::uint32_t>(m_texts.size()));
    if (added) m_texts.emplace_back(text);
    return it->second;
}

template <class Row>
std::vector<std::uint32_t> HistoryPreload::index_by_sid(const std::vector<Row>& rows) {
    std::vector<std::uint32_t> first;
    if (rows.empty()) return first;
    const RowId max_sid = rows.back().sid;
    // At most 16 bytes per row and 4 MiB beside them; sparser sids use the binary search.
    if (max_sid < 0 || static_cast<std::uint64_t>(max_sid) >= 4 * rows.size() + (1u << 20)) {
        return first;
    }
    first.resize(static_cast<std::size_t>(max_sid) + 2);
    std::size_t row = 0;
    for (std::size_t sid = 0; sid < first.size(); ++sid) {
        while (row < rows.size() && static_cast<std::size_t>(rows[row].sid) < sid) ++row;
        first[sid] = static_cast<std::uint32_t>(row);
    }
    return first;
}

template <class Row>
std::pair<std::size_t, std::size_t> HistoryPreload::rows_of(
    RowId sid, const std::vector<Row>& rows, const std::vector<std::uint32_t>& first) {
    if (!first.empty()) {
        if (sid < 0 || static_cast<std::size_t>(sid) + 1 >= first.size()) return {0, 0};
        return {first[static_cast<std::size_t>(sid)], first[static_cast<std::size_t>(sid) + 1]};
    }
    // (std::equal_range, not std::ranges: clang 15 cannot compile libstdc++ 12's ranges)
    struct BySid {
        bool operator()(const Row& row, RowId s) const { return row.sid < s; }
        bool operator()(RowId s, const Row& row) const { return s < row.sid; }
    };
    const auto range = std::equal_range(rows.begin(), rows.end(), sid, BySid{});
    return {static_cast<std::size_t>(range.first - rows.begin()),
            static_cast<std::size_t>(range.second - rows.begin())};
}

void HistoryPreload::fill(RowId sid, SubjectHistory& out) const {
    const auto [e0, e1] = rows_of(sid, m_events, m_event_first);
    for (std::size_t i = e0; i < e1; ++i) {
        const EventRow& e = m_events[i];
        out.events.push_back(EventGroup{m_texts[e.kind], m_texts[e.case_id], from_db(e.at)});
    }
    const auto [c0, c1] = rows_of(sid, m_cases, m_case_first);
    for (std::size_t i = c0; i < c1; ++i) {
        out.cases[m_texts[m_cases[i].case_id]] = from_db(m_cases[i].newest);
    }
}

} // namespace vern::store
