// SqliteStore: whole tables for `vern store copy` (store.hpp, dump_table/load_rows), and the
// store's size for `vern status`.

#include "sqlite_store.hpp"

#include <fmt/core.h>

#include <filesystem>

namespace vern::store {
namespace {

// "a", "b" -> "\"a\", \"b\"" (`user` is a keyword in PostgreSQL and quoted alike here).
std::string column_list(const StoreTable& table) {
    std::string out;
    for (const char* c : table.columns) {
        if (!out.empty()) out += ", ";
        out += fmt::format("\"{}\"", c);
    }
    return out;
}

std::int64_t file_size(const std::string& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    return ec ? 0 : static_cast<std::int64_t>(size);
}

} // namespace

std::int64_t SqliteStore::size_bytes() {
    if (m_path == ":memory:") return 0;
    return file_size(m_path) + file_size(m_path + "-wal");
}

void SqliteStore::dump_table(const StoreTable& table,
                             const std::function<void(const TableRow&)>& on_row) {
    try {
        flush_identifiers();
        // `identifiers` has no key of its own: its rowid gives the order rows were written in.
        const std::string order = std::string(table.name) == "identifiers" ? "rowid"
                                                                           : table.columns[0];
        SQLite::Statement s(*m_db, fmt::format("SELECT {} FROM \"{}\" ORDER BY {}",
                                               column_list(table), table.name, order));
        TableRow row(table.columns.size());
        while (s.executeStep()) {
            for (int i = 0; i < static_cast<int>(table.columns.size()); ++i) {
                const SQLite::Column c = s.getColumn(i);
                if (c.isNull()) {
                    row[i].reset();
                } else {
                    row[i] = c.getString();
                }
            }
            on_row(row);
        }
    } catch (const std::exception& e) {
        fail(e);
    }
}

void SqliteStore::load_rows(const StoreTable& table, std::span<const TableRow> rows) {
    require_write("load_rows");
    try {
        if (std::string(table.name) == "meta") {
            // The copied meta (secret key, creation time) replaces the new store's own.
            for (const TableRow& row : rows) {
                SQLite::Statement s(*m_db, "INSERT INTO meta(key, value) VALUES (?, ?) ON "
                                           "CONFLICT(key) DO UPDATE SET value = excluded.value");
                s.bind(1, row.at(0).value_or(""));
                s.bind(2, row.at(1).value_or(""));
                s.exec();
                // Pseudonyms from now on are the source's (the rows that follow carry them).
                if (row.at(0) == "secret_key" && row.at(1)) {
                    m_secret = decode_secret_key(*row.at(1), m_path);
                }
            }
            return;
        }
        std::string marks;
        for (std::size_t i = 0; i < table.columns.size(); ++i) marks += i ? ", ?" : "?";
        SQLite::Statement s(*m_db, fmt::format("INSERT INTO \"{}\"({}) VALUES ({})", table.name,
                                               column_list(table), marks));
        // Values are bound as text: the INTEGER columns' affinity stores decimal text as
        // integers, so a copied row is typed exactly like one vern wrote.
        for (const TableRow& row : rows) {
            s.reset();
            s.clearBindings();
            for (std::size_t i = 0; i < row.size(); ++i) {
                const int index = static_cast<int>(i) + 1;
                if (!row[i]) {
                    s.bind(index);
                } else {
                    s.bind(index, *row[i]);
                }
            }
            s.exec();
        }
    } catch (const std::exception& e) {
        fail(e);
    }
}

void SqliteStore::finish_load() {
    // INTEGER PRIMARY KEY continues after the largest key by itself.
}

} // namespace vern::store
