// The libpq layer of the PostgreSQL store (pg_connection.hpp).

#include "pg_connection.hpp"

#include <fmt/core.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace vern::store::pg {
namespace {

constexpr std::string_view k_default_schema = "vern";

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool is_uri(std::string_view s) {
    return starts_with(s, "postgresql://") || starts_with(s, "postgres://");
}

// One `keyword = value` of a key/value string, with the span of text it came from.
struct KeyValue {
    std::string key;
    std::string value; // unquoted
    std::size_t begin = 0, end = 0;
};

// Tokenises a libpq key/value string (keyword = value, values bare or 'single quoted' with
// backslash escapes). Returns nullopt when it is not one.
std::optional<std::vector<KeyValue>> split_key_values(std::string_view s) {
    std::vector<KeyValue> out;
    std::size_t i = 0;
    auto skip_space = [&] {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    };
    while (true) {
        skip_space();
        if (i >= s.size()) break;
        KeyValue kv;
        kv.begin = i;
        while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) {
            kv.key += s[i++];
        }
        if (kv.key.empty()) return std::nullopt;
        skip_space();
        if (i >= s.size() || s[i] != '=') return std::nullopt;
        ++i;
        skip_space();
        if (i < s.size() && s[i] == '\'') {
            ++i;
            bool closed = false;
            while (i < s.size()) {
                if (s[i] == '\\' && i + 1 < s.size()) {
                    kv.value += s[i + 1];
                    i += 2;
                } else if (s[i] == '\'') {
                    ++i;
                    closed = true;
                    break;
                } else {
                    kv.value += s[i++];
                }
            }
            if (!closed) return std::nullopt;
        } else {
            while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                kv.value += s[i++];
            }
        }
        kv.end = i;
        out.push_back(std::move(kv));
    }
    return out;
}

// The store string with any password replaced by "***" (for messages about malformed strings).
std::string redact(std::string_view s) {
    if (is_uri(s)) {
        std::string out(s);
        // postgresql://user:secret@host -> postgresql://user:***@host
        const std::size_t scheme_end = out.find("://") + 3;
        const std::size_t at = out.find('@', scheme_end);
        const std::size_t slash = out.find('/', scheme_end);
        if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
            const std::size_t colon = out.find(':', scheme_end);
            if (colon != std::string::npos && colon < at) {
                out.replace(colon + 1, at - colon - 1, "***");
            }
        }
        // ...?password=secret -> ?password=***
        const std::size_t q = out.find('?');
        if (q != std::string::npos) {
            std::size_t p = q;
            while ((p = out.find("password=", p)) != std::string::npos) {
                if (out[p - 1] != '?' && out[p - 1] != '&') {
                    p += 9;
                    continue;
                }
                const std::size_t end = out.find('&', p);
                out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
                p += 12;
            }
        }
        return out;
    }
    auto kvs = split_key_values(s);
    if (!kvs) {
        // Not parseable: say nothing about its content beyond the keywords we can see.
        return "(an unparseable connection string)";
    }
    std::string out;
    for (const KeyValue& kv : *kvs) {
        if (!out.empty()) out += ' ';
        if (kv.key == "password") {
            out += "password=***";
        } else {
            out += std::string(s.substr(kv.begin, kv.end - kv.begin));
        }
    }
    return out;
}

bool valid_schema_name(std::string_view name) {
    if (name.empty() || name.size() > 63) return false;
    if (!(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
    for (char c : name) {
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
              c == '_')) {
            return false;
        }
    }
    return !starts_with(name, "pg_");
}

std::string trimmed(const char* message) {
    std::string m = message ? message : "";
    while (!m.empty() && std::isspace(static_cast<unsigned char>(m.back()))) m.pop_back();
    // libpq's connection errors come as "connection to server at ... failed: FATAL:  ...".
    return m;
}

} // namespace

bool is_postgres_store(std::string_view store) {
    if (is_uri(store)) return true;
    // A key/value string starts with "keyword=" (a file name never does in practice; a file
    // really named like that can be given as ./name).
    std::size_t i = 0;
    while (i < store.size() && std::isspace(static_cast<unsigned char>(store[i]))) ++i;
    const std::size_t key_start = i;
    while (i < store.size() && (std::isalnum(static_cast<unsigned char>(store[i])) || store[i] == '_')) ++i;
    if (i == key_start) return false;
    while (i < store.size() && store[i] == ' ') ++i;
    return i < store.size() && store[i] == '=';
}

StoreName parse_store_name(const std::string& store) {
    StoreName name;
    name.display = redact(store);
    name.schema = std::string(k_default_schema);
    if (is_uri(store)) {
        // Take `schema` out of the query part; libpq refuses parameters it does not know.
        const std::size_t q = store.find('?');
        name.conninfo = store.substr(0, q);
        if (q != std::string::npos) {
            std::string rest;
            std::size_t p = q + 1;
            while (p <= store.size()) {
                std::size_t end = store.find('&', p);
                if (end == std::string::npos) end = store.size();
                std::string_view item(store.data() + p, end - p);
                if (starts_with(item, "schema=")) {
                    name.schema = std::string(item.substr(7));
                } else if (!item.empty()) {
                    rest += rest.empty() ? "?" : "&";
                    rest += item;
                }
                p = end + 1;
            }
            name.conninfo += rest;
        }
    } else {
        auto kvs = split_key_values(store);
        if (!kvs) {
            throw Error(Code::io, fmt::format("store {}: not a valid PostgreSQL connection "
                                              "string (expected keyword=value pairs or a "
                                              "postgresql:// URI)", name.display));
        }
        for (const KeyValue& kv : *kvs) {
            if (kv.key == "schema") {
                name.schema = kv.value;
                continue;
            }
            if (!name.conninfo.empty()) name.conninfo += ' ';
            name.conninfo += store.substr(kv.begin, kv.end - kv.begin);
        }
    }
    if (!valid_schema_name(name.schema)) {
        throw Error(Code::usage, fmt::format("store '{}': schema '{}' is not a valid schema name "
                                             "(lower-case letters, digits and _, not starting "
                                             "with a digit or pg_)", name.display, name.schema));
    }
    char* err = nullptr;
    PQconninfoOption* options = PQconninfoParse(name.conninfo.c_str(), &err);
    if (!options) {
        std::string why = trimmed(err);
        PQfreemem(err);
        throw Error(Code::io, fmt::format("store '{}': not a valid PostgreSQL connection string: "
                                          "{}", name.display, why));
    }
    bool has_password = false;
    for (PQconninfoOption* o = options; o->keyword; ++o) {
        if (std::strcmp(o->keyword, "password") == 0 && o->val && *o->val) has_password = true;
    }
    PQconninfoFree(options);
    if (has_password) {
        throw Error(Code::permission,
                    fmt::format("store '{}': the connection string holds a password; vern refuses "
                                "it (it would show in the process list, shell history and cron "
                                "mail). Remove it and give the password through ~/.pgpass, "
                                "PGPASSFILE, PGSERVICE or PGPASSWORD", name.display));
    }
    return name;
}

std::string array_literal(std::span<const std::string> values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char c : values[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

std::string array_literal(std::span<const std::int64_t> values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(values[i]);
    }
    out += '}';
    return out;
}

std::string quote_identifier(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

Result& Result::operator=(Result&& o) noexcept {
    if (this != &o) {
        PQclear(m_r);
        m_r = o.m_r;
        o.m_r = nullptr;
    }
    return *this;
}

std::string Result::text(int row, int col) const {
    if (PQgetisnull(m_r, row, col)) return {};
    return std::string(PQgetvalue(m_r, row, col), PQgetlength(m_r, row, col));
}

std::int64_t Result::int64(int row, int col) const {
    if (PQgetisnull(m_r, row, col)) return 0;
    return std::strtoll(PQgetvalue(m_r, row, col), nullptr, 10);
}

std::optional<std::int64_t> Result::opt_int64(int row, int col) const {
    if (PQgetisnull(m_r, row, col)) return std::nullopt;
    return std::strtoll(PQgetvalue(m_r, row, col), nullptr, 10);
}

std::int64_t Result::affected() const {
    const char* n = m_r ? PQcmdTuples(m_r) : "";
    return *n ? std::strtoll(n, nullptr, 10) : 0;
}

Connection::Connection(const StoreName& name) : m_display(name.display) {
    const char* keys[] = {"dbname", "fallback_application_name", "client_encoding", nullptr};
    const char* values[] = {name.conninfo.c_str(), "vern", "UTF8", nullptr};
    m_conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (!m_conn) throw Error(Code::io, fmt::format("store '{}': out of memory", m_display));
    if (PQstatus(m_conn) != CONNECTION_OK) {
        const std::string why = trimmed(PQerrorMessage(m_conn));
        PQfinish(m_conn);
        m_conn = nullptr;
        Code code = Code::io;
        std::string hint = "check that the server runs and the host, port and database are right";
        if (why.find("password authentication failed") != std::string::npos ||
            why.find("no password supplied") != std::string::npos ||
            why.find("authentication failed") != std::string::npos ||
            why.find("permission denied") != std::string::npos ||
            why.find("not permitted to log in") != std::string::npos ||
            why.find("no pg_hba.conf entry") != std::string::npos) {
            code = Code::permission;
            hint = "check the role and its password (~/.pgpass, PGPASSFILE, PGPASSWORD, "
                   "PGSERVICE) and pg_hba.conf";
        } else if (why.find("does not exist") != std::string::npos &&
                   why.find("database") != std::string::npos) {
            code = Code::no_input;
            hint = "create the database first (createdb), then run 'vern init'";
        }
        throw Error(code, fmt::format("cannot connect to store '{}': {}; {}", m_display, why,
                                      hint));
    }
    // vern reads every value as text; UTC and a fixed date style keep the server's settings out
    // of results.
    exec_script("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO'; SET standard_conforming_strings = on");
}

Connection::~Connection() {
    if (m_conn) PQfinish(m_conn);
}

[[noreturn]] void Connection::fail(PGresult* r, std::string_view what) {
    // Only the primary message: DETAIL may quote row values (a unique violation prints the key),
    // and those can be personal data.
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string message =
        trimmed(r && PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                    ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                    : PQerrorMessage(m_conn));
    const std::string sqlstate = state ? state : "";
    PQclear(r);
    Code code = Code::io;
    if (sqlstate == "55P03" || sqlstate == "40P01" || sqlstate == "40001") {
        code = Code::locked;
    } else if (sqlstate == "42501" || sqlstate == "25006") {
        code = Code::permission;
    }
    if (PQstatus(m_conn) != CONNECTION_OK) {
        throw Error(Code::io, fmt::format("store '{}': the connection to the server was lost "
                                          "({}: {}); what was not committed is rolled back, run "
                                          "the command again", m_display, what, message));
    }
    throw Error(code, fmt::format("store '{}': {}: {}{}", m_display, what, message,
                                  sqlstate.empty() ? "" : fmt::format(" (SQLSTATE {})", sqlstate)));
}

Result Connection::check(PGresult* r, std::string_view what) {
    const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN) return Result(r);
    fail(r, what);
}

void Connection::exec_script(const std::string& sql) {
    check(PQexec(m_conn, sql.c_str()), "query failed");
}

Result Connection::query(const char* sql, std::initializer_list<Param> params) {
    return query(sql, std::span<const Param>(params.begin(), params.size()));
}

namespace {
// libpq takes parameters as C strings: a NUL inside a value would silently cut it short. JSON
// lets one through ("\u0000"); refuse it rather than store something else than was given.
void refuse_nul(std::span<const Param> params, const std::string& store) {
    for (const Param& p : params) {
        if (p && p->find('\0') != std::string::npos) {
            throw Error(Code::data, fmt::format("store '{}': a value contains a NUL character "
                                                "(\\u0000), which PostgreSQL cannot store; "
                                                "remove it from the input", store));
        }
    }
}
} // namespace

Result Connection::query(const char* sql, std::span<const Param> params) {
    refuse_nul(params, m_display);
    auto it = m_prepared.find(sql);
    if (it == m_prepared.end()) {
        std::string name = "vern_" + std::to_string(m_prepared.size() + 1);
        check(PQprepare(m_conn, name.c_str(), sql, 0, nullptr), "cannot prepare a statement");
        it = m_prepared.emplace(sql, std::move(name)).first;
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
    return check(PQexecPrepared(m_conn, it->second.c_str(), static_cast<int>(values.size()),
                                values.data(), nullptr, nullptr, 0),
                 "query failed");
}

Result Connection::query_dynamic(const std::string& sql, std::span<const Param> params) {
    refuse_nul(params, m_display);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
    return check(PQexecParams(m_conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), nullptr, nullptr, 0),
                 "query failed");
}

void Connection::copy_begin(const std::string& copy_sql) {
    check(PQexec(m_conn, copy_sql.c_str()), "cannot start COPY");
}

void Connection::copy_put(std::string_view data) {
    if (PQputCopyData(m_conn, data.data(), static_cast<int>(data.size())) != 1) {
        fail(nullptr, "COPY failed");
    }
}

void Connection::copy_end() {
    if (PQputCopyEnd(m_conn, nullptr) != 1) fail(nullptr, "COPY failed");
    Result last;
    while (PGresult* r = PQgetResult(m_conn)) last = check(r, "COPY failed");
}

} // namespace vern::store::pg
