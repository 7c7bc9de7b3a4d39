// SqliteStore: the quiet table, which lets vern status pass over subjects that have nothing due
// for a while (store_types.hpp QuietTable). The table is written by status, read-mostly, and
// emptied row by row by the schema's triggers (sqlite_schema.cpp, version 8) whenever anything
// an evaluation reads changes, by vern or by any other program.

#include "sqlite_store.hpp"

#include "vern/error.hpp"

#include <sqlite3.h>

namespace vern::store {

std::optional<QuietTable> SqliteStore::read_quiet(std::string_view key, Instant now,
                                                  Instant horizon) {
    QuietTable table;
    try {
        SQLite::Statement subjects(*m_db, "SELECT ifnull(max(sid), 0), count(*) FROM subjects");
        subjects.executeStep();
        table.max_sid = subjects.getColumn(0).getInt64();
        table.subjects = subjects.getColumn(1).getInt64();
        SQLite::Statement policy(*m_db, "SELECT value FROM meta WHERE key = 'quiet_policy'");
        if (!policy.executeStep() || policy.getColumn(0).getString() != key) {
            return table; // not current: every subject is evaluated, and the table rewritten
        }
        table.current = true;
        SQLite::Statement rows(*m_db, "SELECT sid FROM quiet WHERE since <= ?1 AND until > ?2 "
                                      "ORDER BY sid");
        rows.bind(1, to_db(now));
        rows.bind(2, to_db(horizon));
        while (rows.executeStep()) table.quiet.push_back(rows.getColumn(0).getInt64());
    } catch (const std::exception& e) {
        fail(e);
    }
    return table;
}

std::vector<std::pair<RowId, Instant>> SqliteStore::facts_after(Instant now) {
    std::vector<std::pair<RowId, Instant>> facts;
    // CROSS JOIN keeps the events first: the few record events after now, then their records
    // by rowid (the planner would otherwise seek every record's events: 0.9 s at 2 M records).
    try {
        SQLite::Statement q(*m_db, R"sql(
SELECT sid, min(at) FROM events WHERE sid IS NOT NULL AND at > ?1 GROUP BY sid
UNION ALL
SELECT r.sid, min(e.at) FROM events e CROSS JOIN records r ON r.rid = e.rid
 WHERE e.rid IS NOT NULL AND e.at > ?1 AND r.sid IS NOT NULL GROUP BY r.sid
UNION ALL
SELECT sid, min(at) FROM consents WHERE at > ?1 GROUP BY sid
UNION ALL
SELECT 0, min(at) FROM events WHERE scope = 'global' AND at > ?1 HAVING min(at) IS NOT NULL
)sql");
        q.bind(1, to_db(now));
        while (q.executeStep()) {
            facts.emplace_back(q.getColumn(0).getInt64(), from_db(q.getColumn(1).getInt64()));
        }
    } catch (const std::exception& e) {
        fail(e);
    }
    return facts;
}

// Whether no other connection has committed since the last read snapshot began. A look in a
// read transaction of its own: cheap, and it takes no lock.
bool SqliteStore::unchanged_since_snapshot() {
    try {
        m_db->exec("BEGIN DEFERRED");
        m_db->execAndGet("SELECT count(*) FROM meta");
        const bool same = m_db->execAndGet("PRAGMA data_version").getInt64() == m_snapshot_version;
        m_db->exec("ROLLBACK");
        return same;
    } catch (const std::exception&) {
        m_db->tryExec("ROLLBACK");
        return false;
    }
}

bool SqliteStore::save_quiet(const QuietUpdate& update) {
    if (m_in_transaction) throw Error(Code::io, "internal error: save_quiet inside a transaction");
    if (m_snapshot_version < 0) return false; // no snapshot read the rows' data
    if (!unchanged_since_snapshot()) return false; // (before taking any lock)
    if (m_options.read_only) {
        if (!m_options.save_quiet) return false;
        // A status run holds no writer lock: take it if it is free, and keep it until the
        // connection closes (closing its descriptor earlier would drop SQLite's POSIX locks).
        if (!m_writer_lock.held()) {
            try {
                m_writer_lock = WriterLock(m_path, 0);
            } catch (const Error&) {
                return false; // a purge or ingest is running: the rows can wait for a later run
            }
        }
    }
    sqlite3* const handle = m_db->getHandle();
    sqlite3_busy_timeout(handle, 0); // another program writing: never wait for it
    const int rc = sqlite3_exec(handle, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    sqlite3_busy_timeout(handle, sqlite_write_wait_seconds(m_options.lock_timeout) * 1000);
    if (rc != SQLITE_OK) return false;
    // Best effort: the status it belongs to is already computed, and a row not written costs
    // only time on the next run.
    try {
        m_db->execAndGet("SELECT count(*) FROM meta");
        if (m_db->execAndGet("PRAGMA data_version").getInt64() != m_snapshot_version) {
            m_db->exec("ROLLBACK");
            return false; // something was committed since: the rows may describe older data
        }
        if (update.replace_all) m_db->exec("DELETE FROM quiet");
        SQLite::Statement insert(*m_db, "INSERT OR REPLACE INTO quiet(sid, since, until) "
                                        "VALUES (?1, ?2, ?3)");
        const std::int64_t since = to_db(update.since);
        for (const auto& [sid, until] : update.rows) {
            insert.reset();
            insert.bind(1, sid);
            insert.bind(2, since);
            insert.bind(3, to_db(until));
            insert.exec();
        }
        SQLite::Statement policy(*m_db, "INSERT INTO meta(key, value) VALUES ('quiet_policy', ?1) "
                                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        policy.bind(1, update.policy_digest);
        policy.exec();
        m_db->exec("COMMIT");
        m_snapshot_version = -1;
        return true;
    } catch (const std::exception&) {
        m_db->tryExec("ROLLBACK");
        return false;
    }
}

} // namespace vern::store
