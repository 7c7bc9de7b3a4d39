// PgStore: events and consents (the twin of sqlite_events.cpp).

#include "pg_store.hpp"
#include "store_common.hpp"

#include <fmt/core.h>

namespace vern::store {

bool PgStore::add_event(const Event& event) {
    require_write("add_event");
    // NOT EXISTS (the terms of the expression index events_identity) first: a conflicting
    // INSERT would use up a value of the eid sequence. No conflict target: the identity is an
    // expression index.
    auto r = db().query(
        "INSERT INTO events(scope, sid, rid, kind, at, case_id) "
        "SELECT $1::text, $2::bigint, $3::bigint, $4::text, $5::bigint, $6::text "
        "WHERE NOT EXISTS(SELECT 1 FROM events WHERE scope = $1::text "
        "  AND coalesce(sid, 0) = coalesce($2::bigint, 0) "
        "  AND coalesce(rid, 0) = coalesce($3::bigint, 0) AND kind = $4::text "
        "  AND at = $5::bigint AND coalesce(case_id, '') = coalesce($6::text, '')) "
        "ON CONFLICT DO NOTHING",
        {pg::param(event_scope_name(event.scope)),
         event.scope == EventScope::subject ? pg::param(event.subject_rowid) : pg::null_param(),
         event.scope == EventScope::record ? pg::param(event.record_rowid) : pg::null_param(),
         pg::param(event.kind), pg::param(to_db(event.at)),
         event.scope == EventScope::subject && !event.case_id.empty() ? pg::param(event.case_id)
                                                                      : pg::null_param()});
    return r.affected() > 0;
}

std::vector<Event> PgStore::subject_events(RowId subject_rowid) {
    std::vector<Event> out;
    // Ordered by time, kind and case as SQLite orders them; at a tie, the subject events before
    // the record events (SQLite's UNION ALL merges its arms so), these by record.
    auto r = db().query(
        "SELECT scope, sid, rid, kind, at, case_id FROM ("
        "  SELECT scope, coalesce(sid, 0) AS sid, coalesce(rid, 0) AS rid, kind, at, "
        "         coalesce(case_id, '') AS case_id, 0 AS arm FROM events WHERE sid = $1"
        "  UNION ALL"
        "  SELECT e.scope, 0, e.rid, e.kind, e.at, '', 1 FROM events e "
        "  JOIN records r ON r.rid = e.rid WHERE r.sid = $1) u "
        "ORDER BY at, kind COLLATE \"C\", case_id COLLATE \"C\", arm, rid",
        {pg::param(subject_rowid)});
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        Event e;
        e.scope = r.text(i, 0) == "record" ? EventScope::record : EventScope::subject;
        e.subject_rowid = r.int64(i, 1);
        e.record_rowid = r.int64(i, 2);
        e.kind = r.text(i, 3);
        e.at = from_db(r.int64(i, 4));
        e.case_id = r.text(i, 5);
        out.push_back(std::move(e));
    }
    return out;
}

std::map<std::string, Instant> PgStore::latest_global_events(Instant now) {
    std::map<std::string, Instant> out;
    auto r = db().query("SELECT kind, max(at) FROM events WHERE scope = 'global' AND at <= $1 "
                        "GROUP BY kind",
                        {pg::param(to_db(now))});
    for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = from_db(r.int64(i, 1));
    return out;
}

bool PgStore::add_consent(RowId subject_rowid, const ConsentChange& change) {
    require_write("add_consent");
    auto r = db().query("INSERT INTO consents(sid, purpose, given, at) "
                        "SELECT $1::bigint, $2::text, $3::integer, $4::bigint "
                        "WHERE NOT EXISTS(SELECT 1 FROM consents WHERE sid = $1::bigint "
                        "  AND purpose = $2::text AND at = $4::bigint AND given = $3::integer) "
                        "ON CONFLICT DO NOTHING",
                        {pg::param(subject_rowid), pg::param(change.purpose),
                         pg::param(std::int64_t{change.given ? 1 : 0}),
                         pg::param(to_db(change.at))});
    return r.affected() > 0;
}

std::vector<ConsentChange> PgStore::consent_history(RowId subject_rowid) {
    std::vector<ConsentChange> out;
    auto r = db().query("SELECT purpose, given, at FROM consents WHERE sid = $1 "
                        "ORDER BY at, purpose COLLATE \"C\", given DESC",
                        {pg::param(subject_rowid)});
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(ConsentChange{r.text(i, 0), r.int64(i, 1) != 0, from_db(r.int64(i, 2))});
    }
    return out;
}

bool PgStore::consent_active(RowId subject_rowid, std::string_view purpose, Instant now) {
    // The latest change at or before now; at the same instant a withdrawal (given = 0) wins.
    auto r = db().query("SELECT given FROM consents WHERE sid = $1 AND purpose = $2 AND at <= $3 "
                        "ORDER BY at DESC, given ASC LIMIT 1",
                        {pg::param(subject_rowid), pg::param(purpose), pg::param(to_db(now))});
    return !r.empty() && r.int64(0, 0) != 0;
}

bool PgStore::consent_withdrawn(RowId subject_rowid, std::string_view purpose, Instant now) {
    auto r = db().query("SELECT given FROM consents WHERE sid = $1 AND purpose = $2 AND at <= $3 "
                        "ORDER BY at DESC, given ASC LIMIT 1",
                        {pg::param(subject_rowid), pg::param(purpose), pg::param(to_db(now))});
    return !r.empty() && r.int64(0, 0) == 0;
}

} // namespace vern::store
