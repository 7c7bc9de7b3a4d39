// SqliteStore: the connection, transactions, the statement cache, pseudonyms and maintenance.

#include "sqlite_store.hpp"

#include <sqlite3.h>

#include <fmt/core.h>

#include <unistd.h>

namespace vern::store {

namespace {

// The directory holding the store file ("." for a bare name).
std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

[[noreturn]] void throw_sqlite_error(const std::string& path, const std::exception& e) {
    if (const auto* se = dynamic_cast<const SQLite::Exception*>(&e)) {
        int code = se->getErrorCode();
        if (code == SQLITE_PERM || code == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
            code == SQLITE_AUTH) {
            // SQLite keeps a -wal and a -shm file beside the store (write-ahead logging) and
            // must create them, even to read, when they are not there: a directory this user
            // cannot write is the usual cause of "attempt to write a readonly database".
            const std::string dir = directory_of(path);
            if (path != ":memory:" && ::access(dir.c_str(), W_OK | X_OK) != 0) {
                throw Error(Code::permission,
                            fmt::format("store '{}': the directory '{}' is not writable by this "
                                        "user, and SQLite must create '{}-wal' and '{}-shm' "
                                        "there, even to read the store; make the directory "
                                        "writable for this user (chmod u+w '{}' as its owner) or "
                                        "run vern as the user that owns the store ({})",
                                        path, dir, path, path, dir, e.what()));
            }
            throw Error(Code::permission, fmt::format("store '{}': {}", path, e.what()));
        }
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
            throw Error(Code::locked, fmt::format("the store '{}' is locked by another vern run; "
                                                  "try again later ({})", path, e.what()));
        }
        if (code == SQLITE_NOTADB) {
            throw Error(Code::io, fmt::format("'{}' is not a vern store (not an SQLite database)",
                                              path));
        }
    }
    throw Error(Code::io, fmt::format("store '{}': {}", path, e.what()));
}

SqliteStore::SqliteStore(std::string path, WriterLock lock, std::unique_ptr<SQLite::Database> db,
                         const StoreOptions& options, OpenReport report)
    : m_path(std::move(path)), m_writer_lock(std::move(lock)), m_db(std::move(db)),
      m_options(options),
      m_report(std::move(report)) {
    try {
        SQLite::Statement s(*m_db, "SELECT value FROM meta WHERE key = 'secret_key'");
        if (!s.executeStep()) {
            throw Error(Code::io, fmt::format("store '{}' has no secret key in its meta table",
                                              m_path));
        }
        m_secret = decode_secret_key(s.getColumn(0).getString(), m_path);
        if (!m_options.read_only && m_path != ":memory:") {
            m_checkpointer = std::make_unique<WalCheckpointer>(m_db->getHandle(), m_path);
        }
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw_sqlite_error(m_path, e);
    }
}

void SqliteStore::fail(const std::exception& e) const {
    if (const auto* ve = dynamic_cast<const Error*>(&e)) throw *ve;
    throw_sqlite_error(m_path, e);
}

void SqliteStore::require_write(const char* what) const {
    if (!m_writing) {
        throw Error(Code::io, fmt::format("internal error: {} outside a write transaction", what));
    }
}

StatementLease SqliteStore::stmt(const char* sql) {
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        it = m_statements.emplace(sql, std::make_unique<SQLite::Statement>(*m_db, sql)).first;
    } else {
        it->second->tryReset();
        it->second->clearBindings();
    }
    return StatementLease(*it->second);
}

void SqliteStore::begin_write() {
    if (m_options.read_only) {
        throw Error(Code::io, fmt::format("store '{}' was opened read-only", m_path));
    }
    if (m_in_transaction) throw Error(Code::io, "internal error: nested transaction");
    int rc = sqlite3_exec(m_db->getHandle(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) end_bulk_load();
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        throw Error(Code::locked,
                    fmt::format("the store '{}' is locked by another vern run (waited {} s); try "
                                "again later",
                                m_path, sqlite_write_wait_seconds(m_options.lock_timeout)));
    }
    if (rc != SQLITE_OK) {
        throw Error(rc == SQLITE_READONLY ? Code::permission : Code::io,
                    fmt::format("store '{}': cannot start a transaction: {}", m_path,
                                sqlite3_errmsg(m_db->getHandle())));
    }
    m_in_transaction = true;
    m_writing = true;
    if (m_bulk_armed) {
        try {
            start_bulk_load();
        } catch (const std::exception& e) {
            rollback();
            fail(e);
        }
    }
}

void SqliteStore::begin_read() {
    if (m_in_transaction) throw Error(Code::io, "internal error: nested transaction");
    try {
        m_db->exec("BEGIN DEFERRED");
        // Take the snapshot now rather than at the first read.
        m_db->execAndGet("SELECT count(*) FROM meta");
        m_snapshot_version = m_db->execAndGet("PRAGMA data_version").getInt64();
    } catch (const std::exception& e) {
        fail(e);
    }
    m_in_transaction = true;
    m_writing = false;
}

void SqliteStore::commit() {
    if (!m_in_transaction) throw Error(Code::io, "internal error: commit without a transaction");
    try {
        flush_identifiers();
        restore_indexes();
        m_db->exec("COMMIT");
    } catch (const std::exception& e) {
        rollback();
        fail(e);
    }
    m_in_transaction = false;
    m_writing = false;
    end_bulk_load();
}

void SqliteStore::rollback() noexcept {
    if (!m_in_transaction) return;
    for (auto& [sql, s] : m_statements) s->tryReset();
    for (auto& s : m_identifier_inserts) {
        if (s) s->tryReset();
    }
    m_pending_identifiers.clear();
    m_db->tryExec("ROLLBACK");
    m_in_transaction = false;
    m_writing = false;
    end_bulk_load();
}

std::string SqliteStore::pseudonym(std::string_view ref) const {
    return keyed_pseudonym(m_secret, ref);
}

void SqliteStore::add_erased(std::string_view pseudonym, Instant at) {
    require_write("add_erased");
    try {
        auto s = stmt("INSERT OR IGNORE INTO erased(pseudonym, at) VALUES (?, ?)");
        s->bind(1, std::string(pseudonym));
        s->bind(2, to_db(at));
        s->exec();
    } catch (const std::exception& e) {
        fail(e);
    }
}

bool SqliteStore::has_erased() {
    try {
        auto s = stmt("SELECT 1 FROM erased LIMIT 1");
        return s->executeStep();
    } catch (const std::exception& e) {
        fail(e);
    }
}

bool SqliteStore::is_erased(std::string_view pseudonym) {
    try {
        auto s = stmt("SELECT 1 FROM erased WHERE pseudonym = ?");
        s->bind(1, std::string(pseudonym));
        return s->executeStep();
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::optional<Instant> SqliteStore::checkpoint_pending() {
    try {
        auto s = stmt("SELECT value FROM meta WHERE key = 'checkpoint_pending'");
        if (!s->executeStep()) return std::nullopt;
        return from_db(std::stoll(s->getColumn(0).getString()));
    } catch (const std::invalid_argument&) {
        return from_db(0);
    } catch (const std::out_of_range&) {
        return from_db(0);
    } catch (const std::exception& e) {
        fail(e);
    }
}

void SqliteStore::set_checkpoint_pending(std::optional<Instant> since) {
    // Best effort: the change the checkpoint follows is committed, and a failure to note the
    // flag must not turn that into an error. The flag is only ever information for `status`.
    try {
        begin_write();
    } catch (const std::exception&) {
        return;
    }
    try {
        if (since) {
            auto s = stmt("INSERT INTO meta(key, value) VALUES ('checkpoint_pending', ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
            s->bind(1, std::to_string(to_db(*since)));
            s->exec();
        } else {
            auto s = stmt("DELETE FROM meta WHERE key = 'checkpoint_pending'");
            s->exec();
        }
        commit();
    } catch (const std::exception&) {
        rollback();
    }
}

bool SqliteStore::checkpoint() {
    if (m_in_transaction) throw Error(Code::io, "internal error: checkpoint inside a transaction");
    if (m_path == ":memory:" || m_options.read_only) return true;
    // A flag left by an earlier failed checkpoint is cleared first, so that the clearing itself
    // is checkpointed with the rest; it is set again below if this checkpoint fails too.
    if (m_checkpointer) m_checkpointer->wait_idle();
    const std::optional<Instant> pending = checkpoint_pending();
    if (pending) set_checkpoint_pending(std::nullopt);
    int log = 0;
    int done = 0;
    int rc = sqlite3_wal_checkpoint_v2(m_db->getHandle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                       &log, &done);
    // BUSY: a reader still uses the WAL (after the busy timeout). The changes are committed;
    // failing the command now would report an error for work that is done. Until a checkpoint
    // succeeds, the old content of the changed pages stays in the store file and the WAL.
    if (rc == SQLITE_BUSY) {
        // The time of the first failure is kept.
        set_checkpoint_pending(pending ? *pending
                                       : std::chrono::time_point_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now()));
        return false;
    }
    if (rc != SQLITE_OK) {
        throw Error(Code::io, fmt::format("store '{}': WAL checkpoint failed: {}", m_path,
                                          sqlite3_errmsg(m_db->getHandle())));
    }
    return true;
}

bool SqliteStore::vacuum() {
    if (m_in_transaction) throw Error(Code::io, "internal error: vacuum inside a transaction");
    if (m_checkpointer) m_checkpointer->wait_idle();
    m_statements.clear(); // VACUUM fails while statements are pending
    m_identifier_inserts.clear();
    try {
        m_db->exec("VACUUM");
    } catch (const std::exception& e) {
        fail(e);
    }
    return checkpoint();
}

} // namespace vern::store
