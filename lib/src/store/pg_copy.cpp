// PgStore: whole tables for `vern store copy` (store.hpp, dump_table/load_rows): a server-side
// cursor to read, COPY FROM STDIN to write.

#include "pg_store.hpp"
#include "store_common.hpp"

#include <fmt/core.h>

namespace vern::store {
namespace {

constexpr int k_fetch_rows = 10000;

std::string column_list(const StoreTable& table) {
    std::string out;
    for (const char* c : table.columns) {
        if (!out.empty()) out += ", ";
        out += pg::quote_identifier(c);
    }
    return out;
}

// A value in COPY's text format: NULL is \N; backslash, tab, newline and carriage return escaped.
void append_copy_value(std::string& out, const std::optional<std::string>& value) {
    if (!value) {
        out += "\\N";
        return;
    }
    for (char c : *value) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out += c;
        }
    }
}

// The identity column of each table that has one (its sequence continues after a load).
const char* identity_column(std::string_view table) {
    if (table == "subjects") return "sid";
    if (table == "records") return "rid";
    if (table == "events") return "eid";
    if (table == "consents") return "cid";
    if (table == "holds") return "hid";
    if (table == "requests") return "qid";
    if (table == "outbox") return "seq";
    return nullptr;
}

} // namespace

void PgStore::dump_table(const StoreTable& table,
                         const std::function<void(const TableRow&)>& on_row) {
    // A cursor needs a transaction; a dump outside one reads in a snapshot of its own.
    const bool own_snapshot = !m_in_transaction;
    if (own_snapshot) begin_read();
    try {
        flush_identifiers();
        const std::string order = std::string(table.name) == "identifiers" ? "rid, kind, value"
                                                                           : table.columns[0];
        db().exec_script(fmt::format("DECLARE vern_dump NO SCROLL CURSOR FOR SELECT {} FROM {} "
                                     "ORDER BY {}",
                                     column_list(table), pg::quote_identifier(table.name), order));
        TableRow row(table.columns.size());
        const std::string fetch = fmt::format("FETCH {} FROM vern_dump", k_fetch_rows);
        while (true) {
            pg::Result r = db().query_dynamic(fetch, {});
            for (int i = 0; i < r.rows(); ++i) {
                for (int c = 0; c < static_cast<int>(table.columns.size()); ++c) {
                    if (r.null(i, c)) {
                        row[c].reset();
                    } else {
                        row[c] = r.text(i, c);
                    }
                }
                on_row(row);
            }
            if (r.rows() < k_fetch_rows) break;
        }
        db().exec_script("CLOSE vern_dump");
    } catch (...) {
        // The callback may stop the dump by throwing; the cursor goes with the transaction.
        if (own_snapshot) {
            rollback();
        } else if (!db().broken()) {
            try {
                db().exec_script("CLOSE vern_dump");
            } catch (...) {
            }
        }
        throw;
    }
    if (own_snapshot) rollback();
}

void PgStore::load_rows(const StoreTable& table, std::span<const TableRow> rows) {
    require_write("load_rows");
    if (std::string(table.name) == "meta") {
        // The copied meta (secret key, creation time) replaces the new store's own.
        for (const TableRow& row : rows) {
            db().query("INSERT INTO meta(key, value) VALUES ($1, $2) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       {row.at(0), row.at(1)});
            // Pseudonyms from now on are the source's (the rows that follow carry them).
            if (row.at(0) == "secret_key" && row.at(1)) {
                m_secret = decode_secret_key(*row.at(1), m_name.display);
            }
        }
        return;
    }
    db().copy_begin(fmt::format("COPY {}({}) FROM STDIN", pg::quote_identifier(table.name),
                                column_list(table)));
    std::string buffer;
    for (const TableRow& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i) buffer += '\t';
            append_copy_value(buffer, row[i]);
        }
        buffer += '\n';
        if (buffer.size() > (1u << 20)) {
            db().copy_put(buffer);
            buffer.clear();
        }
    }
    if (!buffer.empty()) db().copy_put(buffer);
    db().copy_end();
    touched(table.name);
}

void PgStore::finish_load() {
    require_write("finish_load");
    for (const StoreTable& table : store_tables()) {
        const char* column = identity_column(table.name);
        if (!column) continue;
        const std::string qualified =
            pg::quote_identifier(m_name.schema) + "." + pg::quote_identifier(table.name);
        db().query_dynamic(
            fmt::format("SELECT setval(pg_get_serial_sequence($1, $2), "
                        "coalesce(max({}), 0) + 1, false) FROM {}",
                        pg::quote_identifier(column), pg::quote_identifier(table.name)),
            std::vector<pg::Param>{qualified, std::string(column)});
    }
}

} // namespace vern::store
