// RawStatement: a prepared statement read through SQLite's C API, for the scan's hot loops.
// SQLiteCpp's Column holds a shared_ptr to its statement: an atomic increment and decrement for
// every value read, ~8 % of a 10 M-record `vern status`. Errors are thrown as SQLite::Exception,
// so SqliteStore::fail maps them as it maps SQLiteCpp's.
#pragma once

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace vern::store {

class RawStatement {
  public:
    RawStatement(sqlite3* db, const std::string& sql) : m_db(db) {
        const int rc = sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()),
                                          SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
        if (rc != SQLITE_OK) throw SQLite::Exception(db, rc);
    }
    ~RawStatement() { sqlite3_finalize(m_stmt); }
    RawStatement(const RawStatement&) = delete;
    RawStatement& operator=(const RawStatement&) = delete;

    // Ends a run of step() (releases the read) and forgets the bindings.
    void reset() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    void bind(int index, std::int64_t value) { check(sqlite3_bind_int64(m_stmt, index, value)); }
    void bind(int index, const std::string& value) {
        check(sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()),
                                SQLITE_TRANSIENT));
    }

    // True with a row to read; false at the end.
    bool step() {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        const int code = sqlite3_reset(m_stmt); // the statement's own error code
        throw SQLite::Exception(m_db, code != SQLITE_OK ? code : rc);
    }

    bool is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
    std::int64_t int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
    // NULL reads as "". Valid until the next step() or reset().
    std::string_view text(int column) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
        if (!p) return {};
        return {p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
    }
    std::string string(int column) const { return std::string(text(column)); }

  private:
    void check(int rc) const {
        if (rc != SQLITE_OK) throw SQLite::Exception(m_db, rc);
    }

    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

} // namespace vern::store
