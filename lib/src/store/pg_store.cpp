// PgStore: the secret key, transactions and their locks, pseudonyms, the erased table and
// maintenance (VACUUM of what deletions left behind).

#include "pg_store.hpp"
#include "store_common.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace vern::store {
namespace {

// Every table of the current schema (vacuum()).
constexpr const char* k_tables[] = {"meta",     "subjects", "records", "events",      "consents",
                                    "holds",    "requests", "erased",  "identifiers", "audit"};

} // namespace

PgStore::PgStore(pg::StoreName name, std::unique_ptr<pg::Connection> conn,
                 const StoreOptions& options, OpenReport report)
    : m_name(std::move(name)), m_conn(std::move(conn)), m_options(options),
      m_report(std::move(report)) {
    auto r = db().query("SELECT value FROM meta WHERE key = 'secret_key'");
    if (r.empty()) {
        throw Error(Code::io, fmt::format("store '{}' has no secret key in its meta table",
                                          m_name.display));
    }
    m_secret = decode_secret_key(r.text(0, 0), m_name.display);
}

void PgStore::require_write(const char* what) const {
    if (!m_writing) {
        throw Error(Code::io, fmt::format("internal error: {} outside a write transaction", what));
    }
}

void PgStore::touched(const char* table) {
    if (std::find(m_touched_in_tx.begin(), m_touched_in_tx.end(), table) == m_touched_in_tx.end()) {
        m_touched_in_tx.emplace_back(table);
    }
}

void PgStore::begin_write() {
    if (m_options.read_only) {
        throw Error(Code::io, fmt::format("store '{}' was opened read-only", m_name.display));
    }
    if (m_in_transaction) throw Error(Code::io, "internal error: nested transaction");
    // The append lock is held for one transaction at a time: by another run's batch, an access
    // report's audit entry (shared writers), another program. A run that holds the writer lock
    // (the only kind that --lock-timeout 0 asks not to wait for) therefore still waits a few
    // seconds for it, rather than fail a nightly purge with 75 because a privacy officer wrote
    // an access report at that moment.
    const int timeout = std::max(k_append_wait_floor_seconds, m_options.lock_timeout);
    db().exec_script("BEGIN ISOLATION LEVEL READ COMMITTED");
    m_in_transaction = true;
    m_writing = true;
    try {
        // The append lock: one write transaction of this store at a time, across hosts; it
        // chains the audit entries of concurrent runs one after the other (pg_store.hpp).
        // lock_timeout also bounds the waits for row locks of other programs writing the store,
        // as SQLite's busy timeout does.
        db().exec_script(fmt::format("SET LOCAL lock_timeout = '{}s'", timeout));
        db().query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))",
                   {pg::param(std::int64_t{k_lock_class_append}), pg::param(m_name.schema)});
    } catch (const Error& e) {
        rollback();
        if (e.code() == Code::locked) { // lock_timeout (55P03)
            throw Error(Code::locked,
                        fmt::format("the store '{}' is locked by another vern run (waited {} s); "
                                    "try again later", m_name.display, timeout));
        }
        throw;
    }
}

void PgStore::begin_read() {
    if (m_in_transaction) throw Error(Code::io, "internal error: nested transaction");
    db().exec_script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    m_in_transaction = true;
    m_writing = false;
    try {
        // Take the snapshot now rather than at the first read.
        db().query("SELECT count(*) FROM meta");
    } catch (...) {
        rollback();
        throw;
    }
}

void PgStore::commit() {
    if (!m_in_transaction) throw Error(Code::io, "internal error: commit without a transaction");
    try {
        flush_identifiers();
        // COMMIT of a transaction an earlier error aborted would roll it back without an error:
        // say so instead of reporting success.
        if (PQtransactionStatus(db().handle()) == PQTRANS_INERROR) {
            throw Error(Code::io, fmt::format("store '{}': the transaction failed earlier and was "
                                              "rolled back; nothing of it was written",
                                              m_name.display));
        }
        db().exec_script("COMMIT");
    } catch (...) {
        rollback();
        throw;
    }
    for (std::string& table : m_touched_in_tx) {
        if (std::find(m_touched.begin(), m_touched.end(), table) == m_touched.end()) {
            m_touched.push_back(std::move(table));
        }
    }
    m_touched_in_tx.clear();
    m_in_transaction = false;
    m_writing = false;
}

void PgStore::rollback() noexcept {
    if (!m_in_transaction) return;
    m_pending_identifiers.clear();
    m_touched_in_tx.clear();
    m_in_transaction = false;
    m_writing = false;
    // Only when the server has a transaction open (a ROLLBACK without one draws a warning).
    if (m_conn && !m_conn->broken() && PQtransactionStatus(m_conn->handle()) != PQTRANS_IDLE) {
        try {
            m_conn->exec_script("ROLLBACK");
        } catch (...) {
            // The server rolls back what a lost connection left open.
        }
    }
}

std::string PgStore::pseudonym(std::string_view ref) const { return keyed_pseudonym(m_secret, ref); }

void PgStore::add_erased(std::string_view pseudonym, Instant at) {
    require_write("add_erased");
    db().query("INSERT INTO erased(pseudonym, at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
               {pg::param(pseudonym), pg::param(to_db(at))});
}

bool PgStore::has_erased() { return !db().query("SELECT 1 FROM erased LIMIT 1").empty(); }

bool PgStore::is_erased(std::string_view pseudonym) {
    return !db().query("SELECT 1 FROM erased WHERE pseudonym = $1", {pg::param(pseudonym)}).empty();
}

std::optional<Instant> PgStore::checkpoint_pending() {
    // Never set by this backend (checkpoint() does not fail for a reader); read like SQLite's
    // in case a store copied from SQLite brought one along.
    auto r = db().query("SELECT value FROM meta WHERE key = 'checkpoint_pending'");
    if (r.empty()) return std::nullopt;
    try {
        return from_db(std::stoll(r.text(0, 0)));
    } catch (const std::invalid_argument&) {
        return from_db(0);
    } catch (const std::out_of_range&) {
        return from_db(0);
    }
}

bool PgStore::checkpoint() {
    if (m_in_transaction) throw Error(Code::io, "internal error: checkpoint inside a transaction");
    if (m_options.read_only) return true;
    // This backend never sets the flag; one that came with a store copied from SQLite is
    // settled by this checkpoint (best effort, as SQLite's clearing).
    if (checkpoint_pending()) {
        try {
            begin_write();
            db().query("DELETE FROM meta WHERE key = 'checkpoint_pending'");
            commit();
        } catch (const std::exception&) {
            rollback();
        }
    }
    // Deleted and overwritten rows stay in the table and index files as dead tuples until a
    // VACUUM frees them; INDEX_CLEANUP ON so that the indexes are cleaned too, however few rows
    // went. VACUUM cannot run inside a transaction block: one statement each. A snapshot that
    // another session still holds keeps what it can see until it ends (autovacuum then).
    while (!m_touched.empty()) {
        const std::string table = m_touched.back();
        db().exec_script(fmt::format("VACUUM (ANALYZE, INDEX_CLEANUP ON) {}.{}",
                                     pg::quote_identifier(m_name.schema),
                                     pg::quote_identifier(table)));
        m_touched.pop_back();
    }
    return true;
}

bool PgStore::vacuum() {
    if (m_in_transaction) throw Error(Code::io, "internal error: vacuum inside a transaction");
    if (m_options.read_only) return true;
    for (const char* table : k_tables) {
        db().exec_script(fmt::format("VACUUM FULL {}.{}", pg::quote_identifier(m_name.schema),
                                     pg::quote_identifier(table)));
    }
    return checkpoint();
}

std::int64_t PgStore::size_bytes() {
    auto r = db().query("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = $1 AND c.relkind = 'r'",
                        {pg::param(m_name.schema)});
    return r.int64(0, 0);
}

} // namespace vern::store
