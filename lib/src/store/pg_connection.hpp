#pragma once
// A thin RAII layer over libpq for the PostgreSQL store: the store string (URI or key/value,
// plus vern's own `schema` parameter), one connection, prepared statements cached by their SQL
// text, text-format parameters and results, and SQLSTATE-based errors as vern::Error.
//
// Why libpq and not libpqxx: libpq is PostgreSQL's own client library (every other client is
// built on it), Debian ships it with the server, and vern needs only a handful of its calls; a
// wrapper of our own of this size keeps the error mapping (which message may name what: never
// a password) in one place.

#include "vern/error.hpp"

#include <libpq-fe.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vern::store::pg {

// True if `store` names a PostgreSQL store: a postgresql:// or postgres:// URI, or a libpq
// key/value string (it starts with `keyword =`).
bool is_postgres_store(std::string_view store);

// A parsed store string.
struct StoreName {
    std::string conninfo; // for libpq: the string without vern's `schema` parameter
    std::string schema;   // the PostgreSQL schema holding vern's tables ("vern" by default)
    std::string display;  // for messages: the string as given (it holds no password)
};

// Splits off `schema`, validates it (a lower-case SQL identifier) and refuses a password in the
// string (it would show in `ps`, shell history and cron mails): Error(permission) naming the
// string without the password. Malformed strings: Error(io).
StoreName parse_store_name(const std::string& store);

// A query parameter in text format; nullopt is SQL NULL.
using Param = std::optional<std::string>;
inline Param param(std::int64_t v) { return std::to_string(v); }
inline Param param(std::string_view v) { return std::string(v); }
inline Param param(const std::string& v) { return v; }
inline Param param(const char* v) { return std::string(v); }
inline Param null_param() { return std::nullopt; }
// A text[] / bigint[] literal ({"a","b"}) for `= ANY($1::text[])`.
std::string array_literal(std::span<const std::string> values);
std::string array_literal(std::span<const std::int64_t> values);

class Result {
  public:
    Result() = default;
    explicit Result(PGresult* r) : m_r(r) {}
    Result(Result&& o) noexcept : m_r(o.m_r) { o.m_r = nullptr; }
    Result& operator=(Result&& o) noexcept;
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    ~Result() { PQclear(m_r); }

    int rows() const { return m_r ? PQntuples(m_r) : 0; }
    bool empty() const { return rows() == 0; }
    bool null(int row, int col) const { return PQgetisnull(m_r, row, col) != 0; }
    std::string text(int row, int col) const;           // "" for NULL
    std::int64_t int64(int row, int col) const;          // 0 for NULL
    std::optional<std::int64_t> opt_int64(int row, int col) const;
    std::int64_t affected() const;                       // rows changed by INSERT/UPDATE/DELETE

  private:
    PGresult* m_r = nullptr;
};

class Connection {
  public:
    // Connects; errors name `name.display` and never a password:
    //   authentication failed: Error(permission); database missing: Error(no_input);
    //   anything else (server down, bad host, malformed string): Error(io).
    explicit Connection(const StoreName& name);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    // A statement without parameters (may hold several, e.g. DDL).
    void exec_script(const std::string& sql);
    // A cached prepared statement. `sql` must be a string literal: the cache is keyed by its
    // address.
    Result query(const char* sql, std::initializer_list<Param> params = {});
    Result query(const char* sql, std::span<const Param> params);
    // A one-off statement (dynamic SQL), not prepared.
    Result query_dynamic(const std::string& sql, std::span<const Param> params);

    // COPY FROM STDIN: `copy_sql` is the COPY statement; each call of put() sends data in COPY
    // text format; end() finishes it.
    void copy_begin(const std::string& copy_sql);
    void copy_put(std::string_view data);
    void copy_end();

    bool broken() const { return PQstatus(m_conn) != CONNECTION_OK; }
    const std::string& display() const { return m_display; }
    // Forgets the prepared statements (after the server lost them, e.g. a failed reconnect).
    PGconn* handle() { return m_conn; }

  private:
    Result check(PGresult* r, std::string_view what);
    [[noreturn]] void fail(PGresult* r, std::string_view what);

    PGconn* m_conn = nullptr;
    std::string m_display;
    std::unordered_map<const char*, std::string> m_prepared; // sql address -> statement name
};

// "a'b" -> "\"a'b\"": an identifier quoted for SQL (schema names).
std::string quote_identifier(std::string_view name);

} // namespace vern::store::pg
