// PgStore::scan_records: streams records in rowid order, batch by batch, with what the engine
// needs to compute anchors and conditions (the twin of sqlite_scan.cpp). A fixed number of
// queries per batch (records; record events; subject events per kind and case; each case's
// newest record; consents), the batch's keys passed as one array, so nothing is asked per record.

#include "pg_store.hpp"
#include "store_common.hpp"

#include <fmt/core.h>

#include <set>
#include <unordered_map>

namespace vern::store {

void PgStore::scan_records(const RecordScan& scan, const BatchCallback& on_batch) {
    if (scan.batch_size == 0) throw Error(Code::io, "internal error: scan with batch_size 0");
    const pg::Param now = pg::param(to_db(scan.now));
    const bool want_events = !scan.event_kinds.empty() || scan.all_event_kinds;

    // Holds active at now: a small table, read once per scan.
    std::set<RowId> held_subjects;
    std::set<std::string> held_categories;
    for (const Hold& h : list_holds()) {
        if (!h.active()) continue;
        if (h.subject_rowid != 0) held_subjects.insert(h.subject_rowid);
        if (!h.category.empty()) held_categories.insert(h.category);
    }

    // The records query, built once per scan like SQLite's (planned with the filters it has).
    const char* fields = scan.fields ? "r.fields" : "NULL";
    std::string sql =
        scan.subject_refs
            ? fmt::format("SELECT r.rid, r.id, r.sid, s.ref, r.category, r.created, {}, "
                          "r.applied, r.unlinked, r.case_id FROM records r "
                          "LEFT JOIN subjects s ON s.sid = r.sid WHERE r.rid > $1",
                          fields)
            : fmt::format("SELECT r.rid, r.id, r.sid, NULL, r.category, r.created, {}, "
                          "r.applied, r.unlinked, r.case_id FROM records r WHERE r.rid > $1",
                          fields);
    std::vector<pg::Param> params{pg::param(scan.after_rowid)};
    if (!scan.categories.empty()) {
        params.push_back(pg::param(pg::array_literal(scan.categories)));
        sql += fmt::format(" AND r.category = ANY(${}::text[])", params.size());
    }
    if (scan.subject_rowid) {
        params.push_back(pg::param(*scan.subject_rowid));
        sql += fmt::format(" AND r.sid = ${}", params.size());
    }
    if (scan.record_id) {
        params.push_back(pg::param(*scan.record_id));
        sql += fmt::format(" AND r.id = ${}", params.size());
    }
    params.push_back(pg::param(static_cast<std::int64_t>(scan.batch_size)));
    sql += fmt::format(" ORDER BY r.rid LIMIT ${}", params.size());

    const pg::Param kinds = pg::param(pg::array_literal(scan.event_kinds));
    const pg::Param purposes = pg::param(pg::array_literal(scan.consent_purposes));
    const HistoryFilter needs_history(scan);

    if (scan.skip_subjects) {
        // Only the quiet table's subjects are passed over, and PostgreSQL keeps none.
        throw Error(Code::io, "internal error: a PostgreSQL scan cannot pass over subjects");
    }
    std::vector<ScannedRecord> batch;
    while (true) {
        batch.clear();
        {
            auto records = db().query_dynamic(sql, params);
            batch.reserve(static_cast<std::size_t>(records.rows()));
            for (int row = 0; row < records.rows(); ++row) {
                ScannedRecord r;
                r.record = read_record_row(records, row);
                r.held = held_categories.count(r.record.category) != 0 ||
                         (r.record.subject_rowid != 0 &&
                          held_subjects.count(r.record.subject_rowid) != 0);
                for (const auto& p : scan.consent_purposes) r.consents[p] = false;
                batch.push_back(std::move(r));
            }
        }
        if (batch.empty()) return;
        params.front() = pg::param(batch.back().record.rowid);

        std::unordered_map<RowId, size_t> by_rid;
        std::unordered_map<RowId, std::vector<size_t>> by_sid;
        std::unordered_map<RowId, std::shared_ptr<SubjectHistory>> histories;
        std::vector<RowId> rids;
        std::vector<RowId> sids;
        for (size_t i = 0; i < batch.size(); ++i) {
            by_rid.emplace(batch[i].record.rowid, i);
            rids.push_back(batch[i].record.rowid);
            RowId sid = batch[i].record.subject_rowid;
            if (sid == 0 || !needs_history(batch[i].record.category)) continue;
            auto& list = by_sid[sid];
            if (list.empty()) {
                sids.push_back(sid);
                histories.emplace(sid, std::make_shared<SubjectHistory>());
            }
            list.push_back(i);
        }
        const pg::Param rids_param = pg::param(pg::array_literal(rids));
        const pg::Param sids_param = pg::param(pg::array_literal(sids));

        if (want_events) {
            auto record_events =
                scan.all_event_kinds
                    ? db().query("SELECT e.rid, e.kind, max(e.at) FROM events e "
                                 "WHERE e.rid = ANY($1::bigint[]) AND e.at <= $2 "
                                 "GROUP BY e.rid, e.kind",
                                 {rids_param, now})
                    : db().query("SELECT e.rid, e.kind, max(e.at) FROM events e "
                                 "WHERE e.rid = ANY($1::bigint[]) AND e.at <= $2 "
                                 "AND e.kind = ANY($3::text[]) GROUP BY e.rid, e.kind",
                                 {rids_param, now, kinds});
            for (int row = 0; row < record_events.rows(); ++row) {
                auto it = by_rid.find(record_events.int64(row, 0));
                if (it == by_rid.end()) continue;
                batch[it->second].record_events[record_events.text(row, 1)] =
                    from_db(record_events.int64(row, 2));
            }
            if (!sids.empty()) {
                // The latest subject event per (kind, case): enough to anchor every record
                // (store.hpp). In SQLite's order: by kind, the caseless group first, then the
                // cases bytewise.
                auto subject_events =
                    scan.all_event_kinds
                        ? db().query("SELECT e.sid, e.kind, coalesce(e.case_id, ''), max(e.at) "
                                     "FROM events e WHERE e.sid = ANY($1::bigint[]) "
                                     "AND e.at <= $2 GROUP BY e.sid, e.kind, e.case_id "
                                     "ORDER BY e.sid, e.kind COLLATE \"C\", "
                                     "e.case_id COLLATE \"C\" NULLS FIRST",
                                     {sids_param, now})
                        : db().query("SELECT e.sid, e.kind, coalesce(e.case_id, ''), max(e.at) "
                                     "FROM events e WHERE e.sid = ANY($1::bigint[]) "
                                     "AND e.at <= $2 AND e.kind = ANY($3::text[]) "
                                     "GROUP BY e.sid, e.kind, e.case_id "
                                     "ORDER BY e.sid, e.kind COLLATE \"C\", "
                                     "e.case_id COLLATE \"C\" NULLS FIRST",
                                     {sids_param, now, kinds});
                for (int row = 0; row < subject_events.rows(); ++row) {
                    auto it = histories.find(subject_events.int64(row, 0));
                    if (it == histories.end()) continue;
                    it->second->events.push_back(EventGroup{subject_events.text(row, 1),
                                                            subject_events.text(row, 2),
                                                            from_db(subject_events.int64(row, 3))});
                }
            }
        }
        if (scan.cases && !sids.empty()) {
            // Each case's newest record created at or before now (the wait of SPEC 3.5 "Cases").
            auto cases = db().query("SELECT sid, case_id, max(created) FROM records "
                                    "WHERE sid = ANY($1::bigint[]) AND case_id IS NOT NULL "
                                    "AND created <= $2 GROUP BY sid, case_id",
                                    {sids_param, now});
            for (int row = 0; row < cases.rows(); ++row) {
                auto it = histories.find(cases.int64(row, 0));
                if (it == histories.end()) continue;
                it->second->cases[cases.text(row, 1)] = from_db(cases.int64(row, 2));
            }
        }
        for (auto& [sid, history] : histories) {
            for (size_t i : by_sid[sid]) batch[i].subject = history;
        }

        if (!scan.consent_purposes.empty() && !sids.empty()) {
            // Rows come in time order per (subject, purpose); the last one decides (at the same
            // instant the withdrawal, given = 0, comes last).
            auto consents = db().query(
                "SELECT sid, purpose, given FROM consents WHERE sid = ANY($1::bigint[]) "
                "AND purpose = ANY($2::text[]) AND at <= $3 "
                "ORDER BY sid, purpose COLLATE \"C\", at, given DESC",
                {sids_param, purposes, now});
            for (int row = 0; row < consents.rows(); ++row) {
                auto it = by_sid.find(consents.int64(row, 0));
                if (it == by_sid.end()) continue;
                const std::string purpose = consents.text(row, 1);
                const bool given = consents.int64(row, 2) != 0;
                for (size_t i : it->second) batch[i].consents[purpose] = given;
            }
        }

        const std::size_t read = batch.size();
        if (!on_batch(batch)) return;
        if (read < scan.batch_size) return;
    }
}

} // namespace vern::store
