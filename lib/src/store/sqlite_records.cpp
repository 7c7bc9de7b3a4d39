// SqliteStore: records (upsert, lookup, batched deletion and anonymisation) and the identifier
// rows maintained with them.

#include "raw_statement.hpp"
#include "sqlite_store.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace vern::store {
namespace {

// A case is stored as NULL when absent, so "no case" never equals a case named "".
void bind_case(SQLite::Statement& s, int index, const std::string& case_id) {
    if (case_id.empty()) {
        s.bind(index);
    } else {
        s.bindNoCopy(index, case_id);
    }
}

} // namespace

StoredRecord SqliteStore::read_record_row(SQLite::Statement& s) const {
    StoredRecord r;
    r.rowid = s.getColumn(0).getInt64();
    r.id = s.getColumn(1).getString();
    r.subject_rowid = s.getColumn(2).isNull() ? 0 : s.getColumn(2).getInt64();
    r.subject = s.getColumn(3).isNull() ? std::string() : s.getColumn(3).getString();
    r.category = s.getColumn(4).getString();
    r.created = from_db(s.getColumn(5).getInt64());
    r.fields_json = s.getColumn(6).getString();
    r.applied_rules = rules_from_json(s.getColumn(7).getString());
    r.unlinked = s.getColumn(8).getInt() != 0;
    r.case_id = s.getColumn(9).isNull() ? std::string() : s.getColumn(9).getString();
    return r;
}

StoredRecord SqliteStore::read_record_row(const RawStatement& s) const {
    StoredRecord r;
    r.rowid = s.int64(0);
    r.id = s.string(1);
    r.subject_rowid = s.is_null(2) ? 0 : s.int64(2);
    r.subject = s.string(3);
    r.category = s.string(4);
    r.created = from_db(s.int64(5));
    r.fields_json = s.string(6);
    const std::string_view applied = s.text(7);
    if (!applied.empty() && applied != "[]") r.applied_rules = rules_from_json(std::string(applied));
    r.unlinked = s.int64(8) != 0;
    r.case_id = s.string(9);
    return r;
}

void SqliteStore::index_identifiers(RowId rowid, const nlohmann::json& fields) {
    std::vector<IdentifierRow> rows;
    identifier_rows(m_identifiers, fields, rows);
    for (IdentifierRow& row : rows) {
        m_pending_identifiers.push_back(PendingIdentifier{rowid, row.kind, std::move(row.value)});
    }
    if (m_pending_identifiers.size() >= k_identifier_batch) flush_identifiers();
}

void SqliteStore::flush_identifiers() {
    std::size_t done = 0;
    const std::size_t total = m_pending_identifiers.size();
    while (done < total) {
        // One multi-row INSERT per chunk, prepared once per row count.
        const std::size_t n = std::min(k_identifier_batch, total - done);
        if (m_identifier_inserts.size() < n + 1) m_identifier_inserts.resize(n + 1);
        auto& slot = m_identifier_inserts[n];
        if (!slot) {
            std::string sql = "INSERT INTO identifiers(rid, kind, value) VALUES (?, ?, ?)";
            for (std::size_t i = 1; i < n; ++i) sql += ", (?, ?, ?)";
            slot = std::make_unique<SQLite::Statement>(*m_db, sql);
        }
        StatementLease s(*slot);
        int index = 1;
        for (std::size_t i = done; i < done + n; ++i) {
            const PendingIdentifier& row = m_pending_identifiers[i];
            s->bind(index++, row.rowid);
            s->bindNoCopy(index++, row.kind);
            s->bindNoCopy(index++, row.value);
        }
        s->exec();
        done += n;
    }
    m_pending_identifiers.clear();
}

UpsertResult SqliteStore::upsert_record(const NewRecord& record, Instant now) {
    require_write("upsert_record");
    UpsertResult result;
    try {
        std::optional<Subject> subject;
        if (record.subject_rowid != 0) {
            subject = Subject{record.subject_rowid, record.subject, Instant{}};
        } else {
            subject = find_subject(record.subject);
        }
        std::string fields = record.fields.dump();
        if (subject) { // the common case of a bulk import: a new record of a known subject
            auto i = stmt("INSERT INTO records(id, sid, category, created, fields, ingested, "
                          "case_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING");
            i->bindNoCopy(1, record.id);
            i->bind(2, subject->rowid);
            i->bindNoCopy(3, record.category);
            i->bind(4, to_db(record.created));
            i->bindNoCopy(5, fields);
            i->bind(6, to_db(now));
            bind_case(*i, 7, record.case_id);
            if (i->exec() > 0) {
                result.outcome = UpsertOutcome::inserted;
                result.rowid = m_db->getLastInsertRowid();
                result.subject_rowid = subject->rowid;
                index_identifiers(result.rowid, record.fields);
                return result;
            }
        }
        auto existing = stmt("SELECT r.rid, r.sid, r.unlinked, s.ref FROM records r "
                             "LEFT JOIN subjects s ON s.sid = r.sid WHERE r.id = ?");
        existing->bindNoCopy(1, record.id);
        if (existing->executeStep()) {
            RowId rid = existing->getColumn(0).getInt64();
            if (existing->getColumn(2).getInt() != 0) {
                result.outcome = UpsertOutcome::unlinked_conflict;
                return result;
            }
            RowId sid = existing->getColumn(1).getInt64();
            if (!subject || subject->rowid != sid) {
                result.outcome = UpsertOutcome::subject_conflict;
                result.existing_subject = existing->getColumn(3).getString();
                return result;
            }
            auto u = stmt("UPDATE records SET category = ?, created = ?, fields = ?, "
                          "applied = '[]', ingested = ?, case_id = ? WHERE rid = ?");
            u->bindNoCopy(1, record.category);
            u->bind(2, to_db(record.created));
            u->bindNoCopy(3, fields);
            u->bind(4, to_db(now));
            bind_case(*u, 5, record.case_id);
            u->bind(6, rid);
            u->exec();
            restore_indexes();
            flush_identifiers(); // the record's queued rows, if it came earlier in this input
            auto d = stmt("DELETE FROM identifiers WHERE rid = ?");
            d->bind(1, rid);
            d->exec();
            result.outcome = UpsertOutcome::replaced;
            result.rowid = rid;
            result.subject_rowid = sid;
        } else {
            if (!subject) {
                subject = ensure_subject(record.subject, now).first;
                result.subject_created = true;
            }
            auto i = stmt("INSERT INTO records(id, sid, category, created, fields, ingested, "
                          "case_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
            i->bindNoCopy(1, record.id);
            i->bind(2, subject->rowid);
            i->bindNoCopy(3, record.category);
            i->bind(4, to_db(record.created));
            i->bindNoCopy(5, fields);
            i->bind(6, to_db(now));
            bind_case(*i, 7, record.case_id);
            i->exec();
            result.outcome = UpsertOutcome::inserted;
            result.rowid = m_db->getLastInsertRowid();
            result.subject_rowid = subject->rowid;
        }
        index_identifiers(result.rowid, record.fields);
    } catch (const std::exception& e) {
        fail(e);
    }
    return result;
}

std::optional<StoredRecord> SqliteStore::find_record(std::string_view id) {
    try {
        auto s = stmt("SELECT r.rid, r.id, r.sid, s.ref, r.category, r.created, r.fields, "
                      "r.applied, r.unlinked, r.case_id FROM records r "
                      "LEFT JOIN subjects s ON s.sid = r.sid WHERE r.id = ?");
        bind_text(*s, 1, id);
        if (!s->executeStep()) return std::nullopt;
        return read_record_row(*s);
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::optional<StoredRecord> SqliteStore::find_record_by_rowid(RowId rowid) {
    try {
        auto s = stmt("SELECT r.rid, r.id, r.sid, s.ref, r.category, r.created, r.fields, "
                      "r.applied, r.unlinked, r.case_id FROM records r "
                      "LEFT JOIN subjects s ON s.sid = r.sid WHERE r.rid = ?");
        s->bind(1, rowid);
        if (!s->executeStep()) return std::nullopt;
        return read_record_row(*s);
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::optional<RowId> SqliteStore::find_record_rowid(std::string_view id) {
    try {
        auto s = stmt("SELECT rid FROM records WHERE id = ?");
        bind_text(*s, 1, id);
        if (!s->executeStep()) return std::nullopt;
        return s->getColumn(0).getInt64();
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::int64_t SqliteStore::delete_records(std::span<const RowId> rowids) {
    require_write("delete_records");
    restore_indexes();
    if (rowids.empty()) return 0;
    std::int64_t deleted = 0;
    try {
        // Set-based: the batch's rowids as one JSON array, two statements per batch. Record
        // events go by ON DELETE CASCADE; identifier rows have no foreign key.
        flush_identifiers();
        const std::string keys =
            nlohmann::json(std::vector<RowId>(rowids.begin(), rowids.end())).dump();
        auto s = stmt("DELETE FROM records WHERE rid IN (SELECT value FROM json_each(?))");
        s->bindNoCopy(1, keys);
        deleted = s->exec();
        auto i = stmt("DELETE FROM identifiers WHERE rid IN (SELECT value FROM json_each(?))");
        i->bindNoCopy(1, keys);
        i->exec();
    } catch (const std::exception& e) {
        fail(e);
    }
    return deleted;
}

// Unlinking: the record's id, a key into the source systems, is replaced by a random one, and the
// former id's key is kept so that ingest refuses the original (Store::unlinked_record_key).
void SqliteStore::give_fresh_id(RowId rowid, Instant at) {
    auto old = stmt("SELECT id, unlinked FROM records WHERE rid = ?");
    old->bind(1, rowid);
    if (!old->executeStep() || old->getColumn(1).getInt() != 0) return;
    const std::string former = old->getColumn(0).getString();
    old->reset();
    add_erased(unlinked_record_key(former), at);
    for (;;) {
        auto s = stmt("UPDATE OR IGNORE records SET id = ? WHERE rid = ?");
        s->bind(1, random_unlinked_id());
        s->bind(2, rowid);
        s->exec();
        if (m_db->getChanges() == 1) return; // else the random id was taken: draw again
    }
}

void SqliteStore::update_records(std::span<const RecordUpdate> updates) {
    require_write("update_records");
    restore_indexes();
    try {
        for (const RecordUpdate& u : updates) {
            if (u.unlink) give_fresh_id(u.rowid, u.at);
            {
                auto s = stmt("UPDATE records SET fields = ?, applied = ?, "
                              "sid = CASE WHEN ? THEN NULL ELSE sid END, "
                              "unlinked = CASE WHEN ? THEN 1 ELSE unlinked END WHERE rid = ?");
                s->bindNoCopy(1, u.fields_json);
                s->bind(2, rules_to_json(u.applied_rules));
                s->bind(3, u.unlink ? 1 : 0);
                s->bind(4, u.unlink ? 1 : 0);
                s->bind(5, u.rowid);
                s->exec();
            }
            flush_identifiers();
            auto d = stmt("DELETE FROM identifiers WHERE rid = ?");
            d->bind(1, u.rowid);
            d->exec();
            auto unlinked = stmt("SELECT unlinked FROM records WHERE rid = ?");
            unlinked->bind(1, u.rowid);
            if (unlinked->executeStep() && unlinked->getColumn(0).getInt() == 0) {
                unlinked->reset();
                index_identifiers(u.rowid, nlohmann::json::parse(u.fields_json));
            }
        }
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::int64_t SqliteStore::count_records() {
    try {
        auto s = stmt("SELECT count(*) FROM records");
        s->executeStep();
        return s->getColumn(0).getInt64();
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::map<std::string, std::int64_t> SqliteStore::count_records_by_category() {
    std::map<std::string, std::int64_t> out;
    try {
        auto s = stmt("SELECT category, count(*) FROM records GROUP BY category");
        while (s->executeStep()) out[s->getColumn(0).getString()] = s->getColumn(1).getInt64();
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
}

} // namespace vern::store
