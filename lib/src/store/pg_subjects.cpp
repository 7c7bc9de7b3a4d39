// PgStore: subjects and the identity lookup (the twin of sqlite_subjects.cpp).

#include "pg_store.hpp"
#include "store_common.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <unordered_map>

namespace vern::store {
namespace {

Subject read_subject(const pg::Result& r, int row) {
    return Subject{r.int64(row, 0), r.text(row, 1), from_db(r.int64(row, 2))};
}

std::vector<Subject> read_subjects(const pg::Result& r) {
    std::vector<Subject> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_subject(r, i));
    return out;
}

} // namespace

std::optional<Subject> PgStore::find_subject(std::string_view ref) {
    auto r = db().query("SELECT sid, ref, created FROM subjects WHERE ref = $1", {pg::param(ref)});
    if (r.empty()) return std::nullopt;
    return read_subject(r, 0);
}

std::optional<Subject> PgStore::find_subject(RowId rowid) {
    auto r = db().query("SELECT sid, ref, created FROM subjects WHERE sid = $1",
                        {pg::param(rowid)});
    if (r.empty()) return std::nullopt;
    return read_subject(r, 0);
}

std::pair<Subject, bool> PgStore::ensure_subject(std::string_view ref, Instant now) {
    require_write("ensure_subject");
    // Insert first (one statement for a new subject, the common case of an import); an existing
    // ref leaves the row unchanged and is read back.
    // NOT EXISTS first: a conflicting INSERT would use up a value of the sid sequence.
    auto r = db().query("INSERT INTO subjects(ref, created) SELECT $1::text, $2::bigint "
                        "WHERE NOT EXISTS(SELECT 1 FROM subjects WHERE ref = $1::text) "
                        "ON CONFLICT(ref) DO NOTHING RETURNING sid",
                        {pg::param(ref), pg::param(to_db(now))});
    if (!r.empty()) return {Subject{r.int64(0, 0), std::string(ref), now}, true};
    if (auto found = find_subject(ref)) return {*found, false};
    throw Error(Code::io,
                fmt::format("store '{}': subject lookup failed after insert", m_name.display));
}

std::vector<Subject> PgStore::find_subjects_by_identifier(IdentifierKind kind,
                                                          std::string_view value) {
    const std::string normal = normalize_identifier(kind, value);
    flush_identifiers();
    return read_subjects(
        db().query("SELECT DISTINCT s.sid, s.ref, s.created FROM identifiers i "
                   "JOIN records r ON r.rid = i.rid JOIN subjects s ON s.sid = r.sid "
                   "WHERE i.kind = $1 AND i.value = $2 ORDER BY s.ref",
                   {pg::param(identifier_kind_name(kind)), pg::param(normal)}));
}

void PgStore::delete_subject(RowId subject_rowid) {
    require_write("delete_subject");
    auto c = db().query("SELECT count(*) FROM records WHERE sid = $1", {pg::param(subject_rowid)});
    if (c.int64(0, 0) != 0) {
        throw Error(Code::io,
                    fmt::format("internal error: subject {} still has records", subject_rowid));
    }
    // Requests keep their pseudonym (ON DELETE SET NULL); events, consents, holds cascade.
    db().query("DELETE FROM subjects WHERE sid = $1", {pg::param(subject_rowid)});
    for (const char* t : {"subjects", "events", "consents", "holds", "requests"}) touched(t);
    forget_orphaned_request_reasons();
    forget_pending_subject(subject_rowid);
}

std::vector<Subject> PgStore::delete_orphan_subjects(std::span<const RowId> candidates,
                                                     Instant now) {
    require_write("delete_orphan_subjects");
    std::vector<Subject> removed;
    if (candidates.empty()) return removed;
    // One set-based statement for the whole candidate list (a purge batch's subjects).
    const std::string keys = pg::array_literal(candidates);
    removed = read_subjects(db().query(
        "DELETE FROM subjects WHERE sid = ANY($1::bigint[]) "
        "AND NOT EXISTS(SELECT 1 FROM records r WHERE r.sid = subjects.sid) "
        "AND NOT EXISTS(SELECT 1 FROM requests q WHERE q.sid = subjects.sid "
        "               AND q.closed IS NULL) "
        "AND NOT EXISTS(SELECT 1 FROM holds h WHERE h.sid = subjects.sid "
        "               AND h.released IS NULL) "
        "RETURNING sid, ref, created",
        {pg::param(keys)}));
    // The ones an open request or a hold kept: removed once that ends (remove_emptied_subjects),
    // not kept forever. Driven by the (small) requests and holds tables.
    db().query("UPDATE subjects SET emptied = $2 WHERE sid IN ("
               "  SELECT sid FROM requests WHERE closed IS NULL AND sid IS NOT NULL"
               "  UNION SELECT sid FROM holds WHERE released IS NULL AND sid IS NOT NULL)"
               " AND sid = ANY($1::bigint[]) AND emptied IS NULL"
               " AND NOT EXISTS(SELECT 1 FROM records r WHERE r.sid = subjects.sid)",
               {pg::param(keys), pg::param(to_db(now))});
    if (!removed.empty()) {
        for (const char* t : {"subjects", "events", "consents", "holds", "requests"}) touched(t);
        forget_orphaned_request_reasons();
    }
    // The order of the candidates (RETURNING gives no order guarantee).
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

std::int64_t PgStore::remove_emptied_subjects(bool apply) {
    if (!apply) {
        return db().query("SELECT count(*) FROM subjects" VERN_REMOVABLE_EMPTIED).int64(0, 0);
    }
    require_write("remove_emptied_subjects");
    const std::int64_t removed =
        db().query("DELETE FROM subjects" VERN_REMOVABLE_EMPTIED).affected();
    if (removed > 0) {
        for (const char* t : {"subjects", "events", "consents", "holds", "requests"}) touched(t);
        forget_orphaned_request_reasons();
    }
    return removed;
}
#undef VERN_REMOVABLE_EMPTIED

void PgStore::mark_kept(RowId subject_rowid) {
    require_write("mark_kept");
    db().query("UPDATE subjects SET emptied = NULL WHERE sid = $1 AND emptied IS NOT NULL",
               {pg::param(subject_rowid)});
}

std::int64_t PgStore::count_subjects() {
    return db().query("SELECT count(*) FROM subjects").int64(0, 0);
}

} // namespace vern::store
