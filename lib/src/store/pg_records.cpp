// PgStore: records (upsert, lookup, batched deletion and anonymisation) and the identifier rows
// maintained with them (the twin of sqlite_records.cpp).

#include "pg_store.hpp"
#include "store_common.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace vern::store {
namespace {

// A case is stored as NULL when absent, so "no case" never equals a case named "".
pg::Param case_param(const std::string& case_id) {
    return case_id.empty() ? pg::null_param() : pg::param(case_id);
}

} // namespace

StoredRecord PgStore::read_record_row(const pg::Result& r, int row) const {
    StoredRecord s;
    s.rowid = r.int64(row, 0);
    s.id = r.text(row, 1);
    s.subject_rowid = r.int64(row, 2); // 0 for NULL
    s.subject = r.text(row, 3);        // "" for NULL
    s.category = r.text(row, 4);
    s.created = from_db(r.int64(row, 5));
    s.fields_json = r.text(row, 6);
    s.applied_rules = rules_from_json(r.text(row, 7));
    s.unlinked = r.int64(row, 8) != 0;
    s.case_id = r.text(row, 9);
    return s;
}

void PgStore::index_identifiers(RowId rowid, const nlohmann::json& fields) {
    std::vector<IdentifierRow> rows;
    identifier_rows(m_identifiers, fields, rows);
    for (IdentifierRow& row : rows) {
        m_pending_identifiers.push_back(PendingIdentifier{rowid, row.kind, std::move(row.value)});
    }
    if (m_pending_identifiers.size() >= k_identifier_batch) flush_identifiers();
}

void PgStore::flush_identifiers() {
    std::size_t done = 0;
    const std::size_t total = m_pending_identifiers.size();
    std::vector<std::int64_t> rids;
    std::vector<std::string> kinds;
    std::vector<std::string> values;
    while (done < total) {
        // One INSERT per chunk, the rows as three parallel arrays.
        const std::size_t n = std::min(k_identifier_batch, total - done);
        rids.clear();
        kinds.clear();
        values.clear();
        for (std::size_t i = done; i < done + n; ++i) {
            const PendingIdentifier& row = m_pending_identifiers[i];
            rids.push_back(row.rowid);
            kinds.emplace_back(row.kind);
            values.push_back(row.value);
        }
        db().query("INSERT INTO identifiers(rid, kind, value) "
                   "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])",
                   {pg::param(pg::array_literal(rids)), pg::param(pg::array_literal(kinds)),
                    pg::param(pg::array_literal(values))});
        done += n;
    }
    m_pending_identifiers.clear();
}

UpsertResult PgStore::upsert_record(const NewRecord& record, Instant now) {
    require_write("upsert_record");
    UpsertResult result;
    std::optional<Subject> subject;
    if (record.subject_rowid != 0) {
        subject = Subject{record.subject_rowid, record.subject, Instant{}};
    } else {
        subject = find_subject(record.subject);
    }
    const std::string fields = record.fields.dump();
    if (subject) { // the common case of a bulk import: a new record of a known subject
        // NOT EXISTS first: a conflicting INSERT would use up a value of the rid sequence, and
        // the rids would no longer follow SQLite's (ON CONFLICT still guards the race).
        auto i = db().query("INSERT INTO records(id, sid, category, created, fields, ingested, "
                            "case_id) SELECT $1::text, $2::bigint, $3::text, $4::bigint, $5::text, "
                            "$6::bigint, $7::text "
                            "WHERE NOT EXISTS(SELECT 1 FROM records WHERE id = $1::text) "
                            "ON CONFLICT(id) DO NOTHING RETURNING rid",
                            {pg::param(record.id), pg::param(subject->rowid),
                             pg::param(record.category), pg::param(to_db(record.created)),
                             pg::param(fields), pg::param(to_db(now)),
                             case_param(record.case_id)});
        if (!i.empty()) {
            result.outcome = UpsertOutcome::inserted;
            result.rowid = i.int64(0, 0);
            result.subject_rowid = subject->rowid;
            index_identifiers(result.rowid, record.fields);
            return result;
        }
    }
    auto existing = db().query("SELECT r.rid, r.sid, r.unlinked, s.ref FROM records r "
                               "LEFT JOIN subjects s ON s.sid = r.sid WHERE r.id = $1",
                               {pg::param(record.id)});
    if (!existing.empty()) {
        const RowId rid = existing.int64(0, 0);
        if (existing.int64(0, 2) != 0) {
            result.outcome = UpsertOutcome::unlinked_conflict;
            return result;
        }
        const RowId sid = existing.int64(0, 1);
        if (!subject || subject->rowid != sid) {
            result.outcome = UpsertOutcome::subject_conflict;
            result.existing_subject = existing.text(0, 3);
            return result;
        }
        db().query("UPDATE records SET category = $1, created = $2, fields = $3, "
                   "applied = '[]', ingested = $4, case_id = $5 WHERE rid = $6",
                   {pg::param(record.category), pg::param(to_db(record.created)),
                    pg::param(fields), pg::param(to_db(now)), case_param(record.case_id),
                    pg::param(rid)});
        flush_identifiers(); // the record's queued rows, if it came earlier in this input
        db().query("DELETE FROM identifiers WHERE rid = $1", {pg::param(rid)});
        touched("records");
        touched("identifiers");
        result.outcome = UpsertOutcome::replaced;
        result.rowid = rid;
        result.subject_rowid = sid;
    } else {
        if (!subject) {
            subject = ensure_subject(record.subject, now).first;
            result.subject_created = true;
        }
        auto i = db().query("INSERT INTO records(id, sid, category, created, fields, ingested, "
                            "case_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING rid",
                            {pg::param(record.id), pg::param(subject->rowid),
                             pg::param(record.category), pg::param(to_db(record.created)),
                             pg::param(fields), pg::param(to_db(now)),
                             case_param(record.case_id)});
        result.outcome = UpsertOutcome::inserted;
        result.rowid = i.int64(0, 0);
        result.subject_rowid = subject->rowid;
    }
    index_identifiers(result.rowid, record.fields);
    return result;
}

#define VERN_RECORD_COLUMNS                                                                     \
    "SELECT r.rid, r.id, r.sid, s.ref, r.category, r.created, r.fields, r.applied, r.unlinked, " \
    "r.case_id FROM records r LEFT JOIN subjects s ON s.sid = r.sid "

std::optional<StoredRecord> PgStore::find_record(std::string_view id) {
    auto r = db().query(VERN_RECORD_COLUMNS "WHERE r.id = $1", {pg::param(id)});
    if (r.empty()) return std::nullopt;
    return read_record_row(r, 0);
}

std::optional<StoredRecord> PgStore::find_record_by_rowid(RowId rowid) {
    auto r = db().query(VERN_RECORD_COLUMNS "WHERE r.rid = $1", {pg::param(rowid)});
    if (r.empty()) return std::nullopt;
    return read_record_row(r, 0);
}
#undef VERN_RECORD_COLUMNS

std::optional<RowId> PgStore::find_record_rowid(std::string_view id) {
    auto r = db().query("SELECT rid FROM records WHERE id = $1", {pg::param(id)});
    if (r.empty()) return std::nullopt;
    return r.int64(0, 0);
}

std::int64_t PgStore::delete_records(std::span<const RowId> rowids) {
    require_write("delete_records");
    if (rowids.empty()) return 0;
    // Set-based: the batch's rowids as one array, two statements per batch. Record events go by
    // ON DELETE CASCADE; identifier rows have no foreign key.
    flush_identifiers();
    const std::string keys = pg::array_literal(rowids);
    const std::int64_t deleted =
        db().query("DELETE FROM records WHERE rid = ANY($1::bigint[])", {pg::param(keys)})
            .affected();
    db().query("DELETE FROM identifiers WHERE rid = ANY($1::bigint[])", {pg::param(keys)});
    touched("records");
    touched("identifiers");
    touched("events");
    return deleted;
}

// Unlinking: the record's id, a key into the source systems, is replaced by a random one, and the
// former id's key is kept so that ingest refuses the original (Store::unlinked_record_key). For
// the records of `updates` to unlink that are not unlinked yet, a batch at a time.
void PgStore::give_fresh_ids(std::span<const RecordUpdate> updates) {
    std::vector<RowId> unlink;
    std::unordered_map<RowId, Instant> unlink_at;
    for (const RecordUpdate& u : updates) {
        if (!u.unlink) continue;
        unlink.push_back(u.rowid);
        unlink_at.emplace(u.rowid, u.at);
    }
    if (unlink.empty()) return;
    auto old = db().query("SELECT rid, id FROM records WHERE rid = ANY($1::bigint[]) "
                          "AND unlinked = 0 ORDER BY rid",
                          {pg::param(pg::array_literal(unlink))});
    std::vector<RowId> pending;
    std::vector<std::string> keys;
    std::vector<std::int64_t> times;
    for (int i = 0; i < old.rows(); ++i) {
        const RowId rid = old.int64(i, 0);
        pending.push_back(rid);
        keys.push_back(unlinked_record_key(old.text(i, 1)));
        times.push_back(to_db(unlink_at.at(rid)));
    }
    if (!pending.empty()) {
        db().query("INSERT INTO erased(pseudonym, at) "
                   "SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING",
                   {pg::param(pg::array_literal(keys)), pg::param(pg::array_literal(times))});
    }
    while (!pending.empty()) {
        std::vector<std::string> ids;
        std::unordered_set<std::string> drawn;
        for (std::size_t i = 0; i < pending.size(); ++i) {
            std::string id = random_unlinked_id();
            while (!drawn.insert(id).second) id = random_unlinked_id();
            ids.push_back(std::move(id));
        }
        // A taken id leaves its record for the next round (UPDATE OR IGNORE).
        auto done = db().query(
            "UPDATE records r SET id = v.id FROM unnest($1::bigint[], $2::text[]) AS v(rid, id) "
            "WHERE r.rid = v.rid AND NOT EXISTS(SELECT 1 FROM records x WHERE x.id = v.id) "
            "RETURNING r.rid",
            {pg::param(pg::array_literal(pending)), pg::param(pg::array_literal(ids))});
        std::unordered_set<RowId> changed;
        for (int i = 0; i < done.rows(); ++i) changed.insert(done.int64(i, 0));
        std::erase_if(pending, [&](RowId rid) { return changed.count(rid) != 0; });
    }
}

void PgStore::update_records(std::span<const RecordUpdate> updates) {
    require_write("update_records");
    if (updates.empty()) return;
    // Set-based (a purge batch at a time): the same effect as applying the updates one by one,
    // as SQLite does, when each record comes once. Otherwise (never from the engine) one by one.
    std::unordered_set<RowId> seen;
    bool repeated = false;
    for (const RecordUpdate& u : updates) repeated = repeated || !seen.insert(u.rowid).second;
    if (repeated) {
        for (const RecordUpdate& u : updates) update_records(std::span<const RecordUpdate>(&u, 1));
        return;
    }
    touched("records");
    touched("identifiers");

    give_fresh_ids(updates);

    std::vector<RowId> rids;
    std::vector<std::string> fields;
    std::vector<std::string> applied;
    std::vector<std::string> unlinks;
    std::unordered_map<RowId, std::size_t> index;
    for (std::size_t i = 0; i < updates.size(); ++i) {
        const RecordUpdate& u = updates[i];
        rids.push_back(u.rowid);
        fields.push_back(u.fields_json);
        applied.push_back(rules_to_json(u.applied_rules));
        unlinks.emplace_back(u.unlink ? "t" : "f");
        index.emplace(u.rowid, i);
    }
    const std::string keys = pg::array_literal(rids);
    auto updated = db().query(
        "UPDATE records r SET fields = v.fields, applied = v.applied, "
        "sid = CASE WHEN v.unlink THEN NULL ELSE r.sid END, "
        "unlinked = CASE WHEN v.unlink THEN 1 ELSE r.unlinked END "
        "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::boolean[]) "
        "AS v(rid, fields, applied, unlink) WHERE r.rid = v.rid RETURNING r.rid, r.unlinked",
        {pg::param(keys), pg::param(pg::array_literal(fields)),
         pg::param(pg::array_literal(applied)), pg::param(pg::array_literal(unlinks))});
    flush_identifiers();
    db().query("DELETE FROM identifiers WHERE rid = ANY($1::bigint[])", {pg::param(keys)});
    // The identifier rows of the records still linked, in the order of the updates.
    std::vector<std::size_t> reindex;
    for (int i = 0; i < updated.rows(); ++i) {
        if (updated.int64(i, 1) == 0) reindex.push_back(index.at(updated.int64(i, 0)));
    }
    std::sort(reindex.begin(), reindex.end());
    for (std::size_t i : reindex) {
        nlohmann::json parsed;
        try {
            parsed = nlohmann::json::parse(updates[i].fields_json);
        } catch (const nlohmann::json::exception&) {
            // Not e.what(): it quotes the text, which may be personal data.
            throw Error(Code::io, fmt::format("store '{}': internal error: the new fields of a "
                                              "record are not a JSON object", m_name.display));
        }
        index_identifiers(updates[i].rowid, parsed);
    }
}

std::int64_t PgStore::count_records() {
    return db().query("SELECT count(*) FROM records").int64(0, 0);
}

std::map<std::string, std::int64_t> PgStore::count_records_by_category() {
    std::map<std::string, std::int64_t> out;
    auto r = db().query("SELECT category, count(*) FROM records GROUP BY category");
    for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = r.int64(i, 1);
    return out;
}

} // namespace vern::store
