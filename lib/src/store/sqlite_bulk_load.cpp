// SqliteStore: the first load into an empty store builds its secondary indexes after the rows.
//
// Maintaining an index row by row costs a B-tree descent to a random leaf per row and index;
// at a million records that was 61 % of an ingest (bench/README.md, issue 15). Building an
// index from the finished table is one sort and one sequential write. So an ingest into a store
// without records drops the non-unique indexes of records, identifiers and events inside its
// transaction and creates them again before COMMIT (or before a method of the transaction that
// reads through them). An index never changes an answer, only speed, and a rollback restores
// the schema with everything else. The UNIQUE indexes stay: the upsert and the event
// de-duplication (ON CONFLICT) rest on them.
//
// The index build sorts more than fits in memory at ten million records; with temp_store =
// MEMORY the sort would hold the whole index in RAM. For the bulk transaction only, SQLite
// sorts in temporary files instead, in the store's own directory (the same disk and access
// rights as the store and its WAL, not a shared /tmp), created mode 0600 and unlinked at once
// by SQLite; temp_store returns to MEMORY when the transaction ends (man vern-store(5)).

#include "sqlite_store.hpp"

#include <sqlite3.h>

#include <filesystem>

namespace vern::store {
namespace {

// The index build's temporary files go beside the store. SQLite reads this process-wide
// setting when it creates a temporary file; vern opens one store per process.
void sort_files_beside(const std::string& store_path) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(store_path, ec).parent_path();
    if (ec || dir.empty()) return; // SQLite's default directory then
    char* previous = sqlite3_temp_directory;
    sqlite3_temp_directory = sqlite3_mprintf("%s", dir.c_str());
    sqlite3_free(previous);
}

} // namespace

bool SqliteStore::prepare_bulk_load() {
    if (m_in_transaction || m_options.read_only || m_path == ":memory:") return false;
    try {
        if (m_db->execAndGet("SELECT EXISTS (SELECT 1 FROM records)").getInt() != 0) return false;
        sort_files_beside(m_path);
        // Outside a transaction: SQLite refuses to change temp_store inside one.
        m_db->exec("PRAGMA temp_store = FILE");
    } catch (const std::exception& e) {
        fail(e);
    }
    m_bulk_armed = true;
    return true;
}

// In the bulk load's transaction, right after BEGIN (the writer lock excludes other vern runs;
// the store is checked for records again in case another program wrote it in between).
void SqliteStore::start_bulk_load() {
    if (m_db->execAndGet("SELECT EXISTS (SELECT 1 FROM records)").getInt() != 0) return;
    std::vector<DroppedIndex> indexes;
    {
        // The quiet table's triggers go too: with no records there is nothing quiet to keep
        // (the table is emptied), and a trigger run per loaded row costs more than the row.
        SQLite::Statement q(*m_db, "SELECT name, sql, type FROM sqlite_schema WHERE sql IS NOT "
                                   "NULL AND ((type = 'index' AND tbl_name IN ('records', "
                                   "'identifiers', 'events') AND sql NOT LIKE 'CREATE UNIQUE%') "
                                   "OR (type = 'trigger' AND name LIKE 'quiet!_%' ESCAPE '!')) "
                                   "ORDER BY name");
        while (q.executeStep()) {
            indexes.push_back(DroppedIndex{q.getColumn(0).getString(), q.getColumn(1).getString(),
                                           q.getColumn(2).getString() == "trigger"});
        }
    }
    m_db->exec("DELETE FROM quiet");
    for (const DroppedIndex& index : indexes) {
        m_db->exec((index.trigger ? "DROP TRIGGER \"" : "DROP INDEX \"") + index.name + "\"");
    }
    m_dropped_indexes = std::move(indexes);
}

void SqliteStore::restore_indexes() {
    if (m_dropped_indexes.empty()) return;
    try {
        // DDL wants no statement of this connection in progress; cached ones are only reset.
        for (auto& [sql, s] : m_statements) s->tryReset();
        flush_identifiers();
        // The sorter may hold as much as the page cache in memory before it spills to a file;
        // with the cache at its usual 64 MiB the build would need twice that. 16 MiB while
        // building keeps the load's peak near an ordinary ingest's (measured at 1 M records:
        // 113 MiB against 161 MiB, and no slower). No sorter threads: on a small machine they
        // cost memory (a buffer each) and gained nothing measurable.
        m_db->exec("PRAGMA cache_size = -16384");
        for (const DroppedIndex& index : m_dropped_indexes) m_db->exec(index.sql);
        m_db->exec("PRAGMA cache_size = -65536");
    } catch (const std::exception& e) {
        fail(e);
    }
    m_dropped_indexes.clear();
}

void SqliteStore::end_bulk_load() noexcept {
    if (!m_bulk_armed) return;
    m_bulk_armed = false;
    m_dropped_indexes.clear();
    m_db->tryExec("PRAGMA temp_store = MEMORY");
}

} // namespace vern::store
