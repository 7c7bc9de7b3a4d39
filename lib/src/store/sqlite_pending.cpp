// SqliteStore: the subjects whose removal a purge put off (Store::add_pending_subjects) and the
// last record of subjects (Store::last_records).

#include "sqlite_store.hpp"

namespace vern::store {

// The meta keys pending_subjects.000000000001, ... ('/' follows '.': the range of the prefix).
#define VERN_PENDING_KEYS " key >= 'pending_subjects.' AND key < 'pending_subjects/' "

void SqliteStore::add_pending_subjects(std::span<const RowId> subjects) {
    require_write("add_pending_subjects");
    if (subjects.empty()) return;
    try {
        // The sids alone, as [sid, ...]: no lookup of the subjects (at 10 M records a batch's
        // 7 800 candidates were 7 800 scattered reads of `subjects`, a tenth of a purge). A sid
        // SQLite gives to a new subject after this one went is not taken for it: the only way a
        // pending subject goes before the next purge is delete_subject, which takes its sid out
        // of these rows. Rows written by vern before 2026-12 hold [[sid, created], ...] and are
        // still read (pending_subjects).
        const std::string keys =
            nlohmann::json(std::vector<RowId>(subjects.begin(), subjects.end())).dump();
        auto s = stmt("INSERT INTO meta(key, value) VALUES (printf('pending_subjects.%012d', "
                      "(SELECT count(*) FROM meta WHERE" VERN_PENDING_KEYS ") + 1), ?1)");
        s->bindNoCopy(1, keys);
        s->exec();
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::vector<RowId> SqliteStore::pending_subjects() {
    std::vector<RowId> out;
    try {
        // An element is a sid, or [sid, created] in rows of older versions (the creation time
        // then tells a reused sid apart).
        auto s = stmt("SELECT DISTINCT s.sid FROM meta m, json_each(m.value) j, subjects s "
                      "WHERE m.key >= 'pending_subjects.' AND m.key < 'pending_subjects/' "
                      // `s.sid = ...` alone on one side: a rowid lookup per element (inside
                      // a CASE, SQLite compared every subject with every element)
                      "AND s.sid = CASE j.type WHEN 'array' THEN json_extract(j.value, '$[0]') "
                      "  ELSE j.value END "
                      "AND (j.type != 'array' OR s.created = json_extract(j.value, '$[1]')) "
                      "AND s.emptied IS NULL "
                      "ORDER BY s.sid");
        while (s->executeStep()) out.push_back(s->getColumn(0).getInt64());
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
}

void SqliteStore::forget_pending_subject(RowId subject) {
    try {
        auto s = stmt("UPDATE meta SET value = (SELECT json_group_array(json(j.value)) "
                      "FROM json_each(meta.value) j WHERE j.type = 'array' OR j.value != ?1) "
                      "WHERE" VERN_PENDING_KEYS);
        s->bind(1, subject);
        s->exec();
    } catch (const std::exception& e) {
        fail(e);
    }
}

void SqliteStore::clear_pending_subjects() {
    require_write("clear_pending_subjects");
    try {
        stmt("DELETE FROM meta WHERE" VERN_PENDING_KEYS)->exec();
    } catch (const std::exception& e) {
        fail(e);
    }
}
#undef VERN_PENDING_KEYS

std::vector<std::pair<RowId, RowId>> SqliteStore::last_records(std::span<const RowId> subjects) {
    std::vector<std::pair<RowId, RowId>> out;
    if (subjects.empty()) return out;
    try {
        const std::string keys =
            nlohmann::json(std::vector<RowId>(subjects.begin(), subjects.end())).dump();
        auto s = stmt("SELECT s.sid, ifnull((SELECT max(r.rid) FROM records r "
                      "WHERE r.sid = s.sid), 0) FROM subjects s "
                      "WHERE s.sid IN (SELECT value FROM json_each(?1)) ORDER BY s.sid");
        s->bindNoCopy(1, keys);
        while (s->executeStep()) {
            out.emplace_back(s->getColumn(0).getInt64(), s->getColumn(1).getInt64());
        }
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
}

} // namespace vern::store
