// SqliteStore::scan_records: streams records in rowid order, batch by batch, with what the engine
// needs to compute anchors and conditions. A fixed number of queries per batch (records; record
// events; subject events; consents), the batch's keys passed as a JSON array (json_each), so
// nothing is asked per record.

#include "sqlite_store.hpp"

#include <fmt/core.h>

#include <set>
#include <unordered_map>

namespace vern::store {
namespace {

std::string json_array(const std::vector<std::string>& values) { return nlohmann::json(values).dump(); }

std::string json_array(const std::vector<RowId>& values) { return nlohmann::json(values).dump(); }

// Folds (kind, at) of an event into a scanned record.
void apply_event(ScannedRecord& r, const std::set<std::string>& kinds, bool last_activity,
                 const std::string& kind, Instant at) {
    if (kinds.count(kind) != 0) {
        auto [it, inserted] = r.latest_event.emplace(kind, at);
        if (!inserted && it->second < at) it->second = at;
    }
    if (last_activity && (!r.last_activity || *r.last_activity < at)) r.last_activity = at;
}

} // namespace

void SqliteStore::scan_records(const RecordScan& scan, const BatchCallback& on_batch) {
    if (scan.batch_size == 0) throw Error(Code::io, "internal error: scan with batch_size 0");
    const std::int64_t now = to_db(scan.now);
    const std::set<std::string> kinds(scan.event_kinds.begin(), scan.event_kinds.end());
    const bool want_events = !kinds.empty() || scan.last_activity;
    const bool all_kinds = scan.last_activity;

    try {
        // Holds active at now: a small table, read once per scan.
        std::set<RowId> held_subjects;
        std::set<std::string> held_categories;
        for (const Hold& h : list_holds()) {
            if (!h.active()) continue;
            if (h.subject_rowid != 0) held_subjects.insert(h.subject_rowid);
            if (!h.category.empty()) held_categories.insert(h.category);
        }

        std::string sql = "SELECT r.rid, r.id, r.sid, s.ref, r.category, r.created, r.fields, "
                          "r.applied, r.unlinked FROM records r "
                          "LEFT JOIN subjects s ON s.sid = r.sid WHERE r.rid > ?1";
        if (!scan.categories.empty()) {
            sql += " AND r.category IN (SELECT value FROM json_each(?2))";
        }
        if (scan.subject_rowid) sql += " AND r.sid = ?3";
        if (scan.record_id) sql += " AND r.id = ?4";
        sql += " ORDER BY r.rid LIMIT ?5";
        SQLite::Statement records(*m_db, sql);

        std::string kind_filter = all_kinds ? "" : " AND e.kind IN (SELECT value FROM json_each(?3))";
        SQLite::Statement record_events(
            *m_db, "SELECT e.rid, e.kind, max(e.at) FROM events e WHERE e.rid IN "
                   "(SELECT value FROM json_each(?1)) AND e.at <= ?2" + kind_filter +
                       " GROUP BY e.rid, e.kind");
        SQLite::Statement subject_events(
            *m_db, "SELECT e.sid, e.kind, max(e.at) FROM events e WHERE e.sid IN "
                   "(SELECT value FROM json_each(?1)) AND e.at <= ?2" + kind_filter +
                       " GROUP BY e.sid, e.kind");
        SQLite::Statement consents(
            *m_db, "SELECT sid, purpose, given FROM consents WHERE sid IN "
                   "(SELECT value FROM json_each(?1)) AND purpose IN "
                   "(SELECT value FROM json_each(?2)) AND at <= ?3 "
                   "ORDER BY sid, purpose, at, given DESC");
        const std::string categories_json = json_array(scan.categories);
        const std::string kinds_json = json_array(scan.event_kinds);
        const std::string purposes_json = json_array(scan.consent_purposes);

        RowId after = scan.after_rowid;
        std::vector<ScannedRecord> batch;
        while (true) {
            batch.clear();
            records.reset();
            records.clearBindings();
            records.bind(1, after);
            if (!scan.categories.empty()) records.bind(2, categories_json);
            if (scan.subject_rowid) records.bind(3, *scan.subject_rowid);
            if (scan.record_id) records.bind(4, *scan.record_id);
            records.bind(5, static_cast<std::int64_t>(scan.batch_size));
            while (records.executeStep()) {
                ScannedRecord r;
                r.record = read_record_row(records);
                r.held = held_categories.count(r.record.category) != 0 ||
                         (r.record.subject_rowid != 0 &&
                          held_subjects.count(r.record.subject_rowid) != 0);
                if (scan.last_activity) r.last_activity = r.record.created;
                for (const auto& p : scan.consent_purposes) r.consents[p] = false;
                batch.push_back(std::move(r));
            }
            records.reset();
            if (batch.empty()) return;
            after = batch.back().record.rowid;

            std::unordered_map<RowId, size_t> by_rid;
            std::unordered_map<RowId, std::vector<size_t>> by_sid;
            std::vector<RowId> rids;
            std::vector<RowId> sids;
            for (size_t i = 0; i < batch.size(); ++i) {
                by_rid.emplace(batch[i].record.rowid, i);
                rids.push_back(batch[i].record.rowid);
                RowId sid = batch[i].record.subject_rowid;
                if (sid == 0) continue;
                auto& list = by_sid[sid];
                if (list.empty()) sids.push_back(sid);
                list.push_back(i);
            }
            const std::string rids_json = json_array(rids);
            const std::string sids_json = json_array(sids);

            if (want_events) {
                record_events.reset();
                record_events.bind(1, rids_json);
                record_events.bind(2, now);
                if (!all_kinds) record_events.bind(3, kinds_json);
                while (record_events.executeStep()) {
                    auto it = by_rid.find(record_events.getColumn(0).getInt64());
                    if (it == by_rid.end()) continue;
                    apply_event(batch[it->second], kinds, scan.last_activity,
                                record_events.getColumn(1).getString(),
                                from_db(record_events.getColumn(2).getInt64()));
                }
                record_events.reset();
                if (!sids.empty()) {
                    subject_events.reset();
                    subject_events.bind(1, sids_json);
                    subject_events.bind(2, now);
                    if (!all_kinds) subject_events.bind(3, kinds_json);
                    while (subject_events.executeStep()) {
                        auto it = by_sid.find(subject_events.getColumn(0).getInt64());
                        if (it == by_sid.end()) continue;
                        std::string kind = subject_events.getColumn(1).getString();
                        Instant at = from_db(subject_events.getColumn(2).getInt64());
                        for (size_t i : it->second) {
                            apply_event(batch[i], kinds, scan.last_activity, kind, at);
                        }
                    }
                    subject_events.reset();
                }
            }

            if (!scan.consent_purposes.empty() && !sids.empty()) {
                consents.reset();
                consents.bind(1, sids_json);
                consents.bind(2, purposes_json);
                consents.bind(3, now);
                // Rows come in time order per (subject, purpose); the last one decides.
                while (consents.executeStep()) {
                    auto it = by_sid.find(consents.getColumn(0).getInt64());
                    if (it == by_sid.end()) continue;
                    std::string purpose = consents.getColumn(1).getString();
                    bool given = consents.getColumn(2).getInt() != 0;
                    for (size_t i : it->second) batch[i].consents[purpose] = given;
                }
                consents.reset();
            }

            if (!on_batch(std::span<const ScannedRecord>(batch.data(), batch.size()))) return;
            if (batch.size() < scan.batch_size) return;
        }
    } catch (const std::exception& e) {
        fail(e);
    }
}

} // namespace vern::store
