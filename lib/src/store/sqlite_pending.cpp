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
        // Each subject with its creation time, as [[sid, created], ...]: a sid SQLite gives to a
        // new subject after this one went is not taken for it (pending_subjects).
        const std::string keys =
            nlohmann::json(std::vector<RowId>(subjects.begin(), subjects.end())).dump();
        auto s = stmt("INSERT INTO meta(key, value) SELECT printf('pending_subjects.%012d', "
                      "(SELECT count(*) FROM meta WHERE" VERN_PENDING_KEYS ") + 1), "
                      "json_group_array(json_array(sid, created)) FROM subjects "
                      "WHERE sid IN (SELECT value FROM json_each(?1))");
        s->bindNoCopy(1, keys);
        s->exec();
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::vector<RowId> SqliteStore::pending_subjects() {
    std::vector<RowId> out;
    try {
        auto s = stmt("SELECT DISTINCT s.sid FROM meta m, json_each(m.value) j, subjects s "
                      "WHERE m.key >= 'pending_subjects.' AND m.key < 'pending_subjects/' "
                      "AND s.sid = json_extract(j.value, '$[0]') "
                      "AND s.created = json_extract(j.value, '$[1]') AND s.emptied IS NULL "
                      "ORDER BY s.sid");
        while (s->executeStep()) out.push_back(s->getColumn(0).getInt64());
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
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
