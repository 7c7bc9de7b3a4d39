// PgStore: the subjects whose removal a purge put off and the last record of subjects (the twin
// of sqlite_pending.cpp).

#include "pg_store.hpp"
#include "store_common.hpp"

namespace vern::store {

void PgStore::add_pending_subjects(std::span<const RowId> subjects) {
    require_write("add_pending_subjects");
    if (subjects.empty()) return;
    // The sids alone, as [sid, ...], without a lookup of the subjects (sqlite_pending.cpp).
    db().query("INSERT INTO meta(key, value) SELECT 'pending_subjects.' || "
               "lpad(((SELECT count(*) FROM meta WHERE starts_with(key, 'pending_subjects.')) "
               "+ 1)::text, 12, '0'), $1::text",
               {pg::param(nlohmann::json(std::vector<RowId>(subjects.begin(), subjects.end()))
                              .dump())});
}

std::vector<RowId> PgStore::pending_subjects() {
    // An element is a sid, or [sid, created] in rows of older versions (sqlite_pending.cpp).
    auto r = db().query("SELECT DISTINCT s.sid FROM meta m "
                        "CROSS JOIN LATERAL json_array_elements(m.value::json) j "
                        "JOIN subjects s ON s.sid = CASE json_typeof(j) WHEN 'array' THEN "
                        "  (j->>0)::bigint ELSE (j#>>'{}')::bigint END "
                        "AND (json_typeof(j) <> 'array' OR s.created = (j->>1)::bigint) "
                        "WHERE starts_with(m.key, 'pending_subjects.') AND s.emptied IS NULL "
                        "ORDER BY s.sid");
    std::vector<RowId> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.int64(i, 0));
    return out;
}

void PgStore::forget_pending_subject(RowId subject) {
    db().query("UPDATE meta SET value = (SELECT coalesce(json_agg(j), '[]'::json)::text "
               "FROM json_array_elements(meta.value::json) j "
               "WHERE CASE json_typeof(j) WHEN 'array' THEN true "
               "ELSE (j#>>'{}')::bigint <> $1 END) "
               "WHERE starts_with(key, 'pending_subjects.')",
               {pg::param(subject)});
}

void PgStore::clear_pending_subjects() {
    require_write("clear_pending_subjects");
    db().query("DELETE FROM meta WHERE starts_with(key, 'pending_subjects.')");
}

std::vector<std::pair<RowId, RowId>> PgStore::last_records(std::span<const RowId> subjects) {
    std::vector<std::pair<RowId, RowId>> out;
    if (subjects.empty()) return out;
    auto r = db().query("SELECT s.sid, coalesce((SELECT max(r.rid) FROM records r "
                        "WHERE r.sid = s.sid), 0) FROM subjects s "
                        "WHERE s.sid = ANY($1::bigint[]) ORDER BY s.sid",
                        {pg::param(pg::array_literal(subjects))});
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.int64(i, 0), r.int64(i, 1));
    return out;
}

} // namespace vern::store
