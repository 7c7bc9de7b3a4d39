// SqliteStore::scan_records: streams records in rowid order, batch by batch, with what the engine
// needs to compute anchors and conditions. A fixed number of queries per batch (records; record
// events; subject events per kind and case; each case's newest record; consents), the batch's
// keys passed as a JSON array (json_each), so nothing is asked per record.

#include "history_preload.hpp"
#include "raw_statement.hpp"
#include "sqlite_store.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

namespace vern::store {
namespace {

std::string json_array(const std::vector<std::string>& values) { return nlohmann::json(values).dump(); }

std::string json_array(const std::vector<RowId>& values) { return nlohmann::json(values).dump(); }

} // namespace

void SqliteStore::scan_records(const RecordScan& scan, const BatchCallback& on_batch) {
    if (scan.batch_size == 0) throw Error(Code::io, "internal error: scan with batch_size 0");
    restore_indexes();
    const std::int64_t now = to_db(scan.now);
    const bool want_events = !scan.event_kinds.empty() || scan.all_event_kinds;

    try {
        // Holds active at now: a small table, read once per scan.
        std::set<RowId> held_subjects;
        std::set<std::string> held_categories;
        for (const Hold& h : list_holds()) {
            if (!h.active()) continue;
            if (h.subject_rowid != 0) held_subjects.insert(h.subject_rowid);
            if (!h.category.empty()) held_categories.insert(h.category);
        }

        const char* fields = scan.fields ? "r.fields" : "NULL";
        std::string sql =
            scan.subject_refs
                ? fmt::format("SELECT r.rid, r.id, r.sid, s.ref, r.category, r.created, {}, "
                              "r.applied, r.unlinked, r.case_id FROM records r "
                              "LEFT JOIN subjects s ON s.sid = r.sid WHERE r.rid > ?1",
                              fields)
                : fmt::format("SELECT r.rid, r.id, r.sid, NULL, r.category, r.created, {}, "
                              "r.applied, r.unlinked, r.case_id FROM records r WHERE r.rid > ?1",
                              fields);
        if (!scan.categories.empty()) {
            sql += " AND r.category IN (SELECT value FROM json_each(?2))";
        }
        if (scan.subject_rowid) sql += " AND r.sid = ?3";
        if (scan.record_id) sql += " AND r.id = ?4";
        sql += " ORDER BY r.rid LIMIT ?5";
        sqlite3* const handle = m_db->getHandle();
        RawStatement records(handle, sql);

        const std::string kind_filter =
            scan.all_event_kinds ? "" : " AND e.kind IN (SELECT value FROM json_each(?3))";
        // A batch of a scan over the whole store (or some categories) is a run of rowids: its
        // record events are one range of the index. A subject's or a single record's scan is
        // scattered across the store, so it names its rowids.
        const bool rid_range = !scan.subject_rowid && !scan.record_id;
        RawStatement record_events(
            handle, std::string("SELECT e.rid, e.kind, max(e.at) FROM events e WHERE ") +
                        (rid_range ? "e.rid BETWEEN ?1 AND ?4"
                                   : "e.rid IN (SELECT value FROM json_each(?1))") +
                        " AND e.at <= ?2" + kind_filter + " GROUP BY e.rid, e.kind");
        // The latest subject event per (kind, case): enough to anchor every record (store.hpp).
        RawStatement subject_events(
            handle, "SELECT e.sid, e.kind, ifnull(e.case_id, ''), max(e.at) FROM events e "
                    "WHERE e.sid IN (SELECT value FROM json_each(?1)) AND e.at <= ?2" +
                        kind_filter + " GROUP BY e.sid, e.kind, e.case_id");
        // Each case's newest record created at or before now (the wait of SPEC 3.5 "Cases").
        SQLite::Statement cases(
            *m_db, "SELECT sid, case_id, max(created) FROM records "
                   "WHERE sid IN (SELECT value FROM json_each(?1)) AND case_id IS NOT NULL "
                   "AND created <= ?2 GROUP BY sid, case_id");
        SQLite::Statement consents(
            *m_db, "SELECT sid, purpose, given FROM consents WHERE sid IN "
                   "(SELECT value FROM json_each(?1)) AND purpose IN "
                   "(SELECT value FROM json_each(?2)) AND at <= ?3 "
                   "ORDER BY sid, purpose, at, given DESC");
        // Most stores have no cases, and many no consents or subject events: one probe of a
        // (partial) index per scan skips a query per batch that could only come back empty.
        // Prepared once per connection (stmt()): a purge scans once per batch.
        const auto any = [&](const char* probe) { return stmt(probe)->executeStep(); };
        const bool subject_events_exist =
            want_events && any("SELECT 1 FROM events WHERE sid IS NOT NULL LIMIT 1");
        const bool cases_exist =
            scan.cases && any("SELECT 1 FROM records WHERE case_id IS NOT NULL LIMIT 1");
        const bool consents_exist =
            !scan.consent_purposes.empty() && any("SELECT 1 FROM consents LIMIT 1");
        const HistoryFilter needs_history(scan);
        std::optional<HistoryPreload> preload;
        if (scan.history_preload_limit > 0 && !scan.subject_rowid && !scan.record_id &&
            ((want_events && subject_events_exist) || cases_exist)) {
            preload = HistoryPreload::read(*m_db, scan, want_events && subject_events_exist,
                                           cases_exist, scan.history_preload_limit);
        }
        const std::string categories_json = json_array(scan.categories);
        const std::string kinds_json = json_array(scan.event_kinds);
        const std::string purposes_json = json_array(scan.consent_purposes);

        RowId after = scan.after_rowid;
        std::vector<ScannedRecord> batch;
        while (true) {
            batch.clear();
            batch.reserve(scan.batch_size); // a no-op unless the callback took the last vector
            records.reset();
            records.bind(1, after);
            if (!scan.categories.empty()) records.bind(2, categories_json);
            if (scan.subject_rowid) records.bind(3, *scan.subject_rowid);
            if (scan.record_id) records.bind(4, *scan.record_id);
            records.bind(5, static_cast<std::int64_t>(scan.batch_size));
            std::size_t stepped = 0;
            std::int64_t skipped = 0;
            while (records.step()) {
                ++stepped;
                after = records.int64(0);
                // (column 2 is the sid; NULL for an unlinked record, never passed over)
                if (scan.skip_subjects && !records.is_null(2) &&
                    scan.skip_subjects->contains(records.int64(2))) {
                    ++skipped;
                    continue;
                }
                ScannedRecord r;
                r.record = read_record_row(records);
                r.held = held_categories.count(r.record.category) != 0 ||
                         (r.record.subject_rowid != 0 &&
                          held_subjects.count(r.record.subject_rowid) != 0);
                for (const auto& p : scan.consent_purposes) r.consents[p] = false;
                batch.push_back(std::move(r));
            }
            records.reset();
            if (skipped != 0 && scan.skipped_records) *scan.skipped_records += skipped;
            if (stepped == 0) return;
            if (batch.empty()) {
                if (stepped < scan.batch_size) return;
                continue; // every record of this run of rowids was passed over
            }

            // The batch is in rowid order: a record is found by binary search, its subject's
            // history and consents through one map keyed by sid (no per-record allocations).
            std::vector<RowId> rids;
            rids.reserve(batch.size());
            for (const ScannedRecord& r : batch) rids.push_back(r.record.rowid);
            const auto record_at = [&](RowId rid) -> ScannedRecord* {
                auto it = std::lower_bound(rids.begin(), rids.end(), rid);
                if (it == rids.end() || *it != rid) return nullptr;
                return &batch[static_cast<std::size_t>(it - rids.begin())];
            };
            struct SubjectSlot {
                std::shared_ptr<SubjectHistory> history = std::make_shared<SubjectHistory>();
                std::map<std::string, bool> consents;
            };
            std::unordered_map<RowId, SubjectSlot> subjects;
            subjects.reserve(batch.size());
            std::vector<RowId> sids;
            for (const ScannedRecord& r : batch) {
                const RowId sid = r.record.subject_rowid;
                if (sid != 0 && needs_history(r.record.category) &&
                    subjects.try_emplace(sid).second) {
                    sids.push_back(sid);
                }
            }
            const std::string rids_json = rid_range ? std::string() : json_array(rids);
            // (not built when nothing will ask by subject: the preload answers events and cases)
            const std::string sids_json =
                (!preload || consents_exist) && !sids.empty() ? json_array(sids) : std::string();

            if (want_events) {
                record_events.reset();
                if (rid_range) {
                    record_events.bind(1, rids.front());
                    record_events.bind(4, rids.back());
                } else {
                    record_events.bind(1, rids_json);
                }
                record_events.bind(2, now);
                if (!scan.all_event_kinds) record_events.bind(3, kinds_json);
                while (record_events.step()) {
                    ScannedRecord* r = record_at(record_events.int64(0));
                    if (!r) continue;
                    r->record_events[record_events.string(1)] = from_db(record_events.int64(2));
                }
                record_events.reset();
                if (subject_events_exist && !sids.empty() && !preload) {
                    subject_events.reset();
                    subject_events.bind(1, sids_json);
                    subject_events.bind(2, now);
                    if (!scan.all_event_kinds) subject_events.bind(3, kinds_json);
                    while (subject_events.step()) {
                        auto it = subjects.find(subject_events.int64(0));
                        if (it == subjects.end()) continue;
                        it->second.history->events.push_back(
                            EventGroup{subject_events.string(1), subject_events.string(2),
                                       from_db(subject_events.int64(3))});
                    }
                    subject_events.reset();
                }
            }
            if (preload) {
                for (RowId sid : sids) preload->fill(sid, *subjects.find(sid)->second.history);
            }
            if (cases_exist && !sids.empty() && !preload) {
                cases.reset();
                cases.bind(1, sids_json);
                cases.bind(2, now);
                while (cases.executeStep()) {
                    auto it = subjects.find(cases.getColumn(0).getInt64());
                    if (it == subjects.end()) continue;
                    it->second.history->cases[cases.getColumn(1).getString()] =
                        from_db(cases.getColumn(2).getInt64());
                }
                cases.reset();
            }
            if (consents_exist && !sids.empty()) {
                consents.reset();
                consents.bind(1, sids_json);
                consents.bind(2, purposes_json);
                consents.bind(3, now);
                // Rows come in time order per (subject, purpose); the last one decides.
                while (consents.executeStep()) {
                    auto it = subjects.find(consents.getColumn(0).getInt64());
                    if (it == subjects.end()) continue;
                    it->second.consents[consents.getColumn(1).getString()] =
                        consents.getColumn(2).getInt() != 0;
                }
                consents.reset();
            }
            for (ScannedRecord& r : batch) {
                if (r.record.subject_rowid == 0 || !needs_history(r.record.category)) continue;
                const SubjectSlot& slot = subjects.find(r.record.subject_rowid)->second;
                r.subject = slot.history;
                for (const auto& [purpose, given] : slot.consents) r.consents[purpose] = given;
            }

            if (!on_batch(batch)) return;
            if (stepped < scan.batch_size) return;
        }
    } catch (const std::exception& e) {
        fail(e);
    }
}

} // namespace vern::store
