// SqliteStore: subjects and the identity lookup.

#include "sqlite_store.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <unordered_map>

namespace vern::store {
namespace {

Subject read_subject(SQLite::Statement& s) {
    return Subject{s.getColumn(0).getInt64(), s.getColumn(1).getString(),
                   from_db(s.getColumn(2).getInt64())};
}

} // namespace

std::optional<Subject> SqliteStore::find_subject(std::string_view ref) {
    try {
        auto s = stmt("SELECT sid, ref, created FROM subjects WHERE ref = ?");
        bind_text(*s, 1, ref);
        if (!s->executeStep()) return std::nullopt;
        return read_subject(*s);
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::optional<Subject> SqliteStore::find_subject(RowId rowid) {
    try {
        auto s = stmt("SELECT sid, ref, created FROM subjects WHERE sid = ?");
        s->bind(1, rowid);
        if (!s->executeStep()) return std::nullopt;
        return read_subject(*s);
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::pair<Subject, bool> SqliteStore::ensure_subject(std::string_view ref, Instant now) {
    require_write("ensure_subject");
    try {
        // Insert first (one statement for a new subject, the common case of an import); an
        // existing ref leaves the row unchanged and is read back.
        auto s = stmt("INSERT INTO subjects(ref, created) VALUES (?, ?) "
                      "ON CONFLICT(ref) DO NOTHING");
        bind_text(*s, 1, ref);
        s->bind(2, to_db(now));
        if (s->exec() > 0) {
            return {Subject{m_db->getLastInsertRowid(), std::string(ref), now}, true};
        }
    } catch (const std::exception& e) {
        fail(e);
    }
    if (auto found = find_subject(ref)) return {*found, false};
    throw Error(Code::io, fmt::format("store '{}': subject lookup failed after insert", m_path));
}

std::vector<Subject> SqliteStore::find_subjects_by_identifier(IdentifierKind kind,
                                                              std::string_view value) {
    restore_indexes();
    std::string normal = normalize_identifier(kind, value);
    std::vector<Subject> out;
    try {
        flush_identifiers();
        auto s = stmt("SELECT DISTINCT s.sid, s.ref, s.created FROM identifiers i "
                      "JOIN records r ON r.rid = i.rid JOIN subjects s ON s.sid = r.sid "
                      "WHERE i.kind = ? AND i.value = ? ORDER BY s.ref");
        s->bind(1, identifier_kind_name(kind));
        s->bind(2, normal);
        while (s->executeStep()) out.push_back(read_subject(*s));
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
}

void SqliteStore::delete_subject(RowId subject_rowid) {
    require_write("delete_subject");
    restore_indexes();
    try {
        auto c = stmt("SELECT count(*) FROM records WHERE sid = ?");
        c->bind(1, subject_rowid);
        c->executeStep();
        if (c->getColumn(0).getInt64() != 0) {
            throw Error(Code::io, fmt::format("internal error: subject {} still has records",
                                              subject_rowid));
        }
        // Requests keep their pseudonym (ON DELETE SET NULL); events, consents, holds cascade.
        auto s = stmt("DELETE FROM subjects WHERE sid = ?");
        s->bind(1, subject_rowid);
        s->exec();
        forget_orphaned_request_reasons();
        forget_pending_subject(subject_rowid);
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::vector<Subject> SqliteStore::delete_orphan_subjects(std::span<const RowId> candidates,
                                                         Instant now) {
    require_write("delete_orphan_subjects");
    restore_indexes();
    std::vector<Subject> removed;
    if (candidates.empty()) return removed;
    try {
        // One set-based statement for the whole candidate list (a purge batch's subjects).
        const std::string keys =
            nlohmann::json(std::vector<RowId>(candidates.begin(), candidates.end())).dump();
        auto del = stmt(
            "DELETE FROM subjects WHERE sid IN (SELECT value FROM json_each(?1)) "
            "AND NOT EXISTS(SELECT 1 FROM records r WHERE r.sid = subjects.sid) "
            "AND NOT EXISTS(SELECT 1 FROM requests q WHERE q.sid = subjects.sid "
            "               AND q.closed IS NULL) "
            "AND NOT EXISTS(SELECT 1 FROM holds h WHERE h.sid = subjects.sid "
            "               AND h.released IS NULL) "
            "RETURNING sid, ref, created");
        del->bindNoCopy(1, keys);
        while (del->executeStep()) removed.push_back(read_subject(*del));
        del->reset();
        // The ones an open request or a hold kept: removed once that ends
        // (remove_emptied_subjects), not kept forever. Driven by the (small) requests and holds
        // tables, not by the batch's candidates.
        auto mark = stmt("UPDATE subjects SET emptied = ?2 WHERE sid IN ("
                         "  SELECT sid FROM requests WHERE closed IS NULL AND sid IS NOT NULL"
                         "  UNION SELECT sid FROM holds WHERE released IS NULL AND sid IS NOT NULL)"
                         " AND sid IN (SELECT value FROM json_each(?1)) AND emptied IS NULL"
                         " AND NOT EXISTS(SELECT 1 FROM records r WHERE r.sid = subjects.sid)");
        mark->bindNoCopy(1, keys);
        mark->bind(2, to_db(now));
        mark->exec();
        if (!removed.empty()) forget_orphaned_request_reasons();
    } catch (const std::exception& e) {
        fail(e);
    }
    // The order of the candidates, as before (RETURNING gives no order guarantee).
    std::unordered_map<RowId, std::size_t> position;
    for (std::size_t i = 0; i < candidates.size(); ++i) position.emplace(candidates[i], i);
    std::sort(removed.begin(), removed.end(), [&](const Subject& a, const Subject& b) {
        return position.at(a.rowid) < position.at(b.rowid);
    });
    return removed;
}

// Subjects emptied earlier that nothing keeps any longer (shared by the count and the delete).
#define VERN_REMOVABLE_EMPTIED                                                                  \
    " WHERE emptied IS NOT NULL"                                                               \
    " AND NOT EXISTS(SELECT 1 FROM records r WHERE r.sid = subjects.sid)"                      \
    " AND NOT EXISTS(SELECT 1 FROM requests q WHERE q.sid = subjects.sid AND q.closed IS NULL)" \
    " AND NOT EXISTS(SELECT 1 FROM holds h WHERE h.sid = subjects.sid AND h.released IS NULL)"

std::int64_t SqliteStore::remove_emptied_subjects(bool apply) {
    try {
        if (!apply) {
            auto s = stmt("SELECT count(*) FROM subjects" VERN_REMOVABLE_EMPTIED);
            s->executeStep();
            return s->getColumn(0).getInt64();
        }
        require_write("remove_emptied_subjects");
        auto s = stmt("DELETE FROM subjects" VERN_REMOVABLE_EMPTIED);
        const std::int64_t removed = s->exec();
        if (removed > 0) forget_orphaned_request_reasons();
        return removed;
    } catch (const std::exception& e) {
        fail(e);
    }
}
#undef VERN_REMOVABLE_EMPTIED

void SqliteStore::mark_kept(RowId subject_rowid) {
    require_write("mark_kept");
    try {
        auto s = stmt("UPDATE subjects SET emptied = NULL WHERE sid = ? AND emptied IS NOT NULL");
        s->bind(1, subject_rowid);
        s->exec();
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::int64_t SqliteStore::count_subjects() {
    try {
        auto s = stmt("SELECT count(*) FROM subjects");
        s->executeStep();
        return s->getColumn(0).getInt64();
    } catch (const std::exception& e) {
        fail(e);
    }
}

} // namespace vern::store
