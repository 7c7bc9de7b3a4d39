// TEMPORARY, until `vern store copy` lands (pg_copy.cpp, sqlite_copy.cpp on the store-copy
// branch): the whole-table hooks of both backends, and SqliteStore::size_bytes, so that the
// binary links. Delete this file when merging that branch.

#include "pg_store.hpp"
#include "sqlite_store.hpp"

namespace vern::store {

void PgStore::dump_table(const StoreTable&, const std::function<void(const TableRow&)>&) {
    throw Error(Code::io, "store copy to/from PostgreSQL: not built yet");
}

void PgStore::load_rows(const StoreTable&, std::span<const TableRow>) {
    throw Error(Code::io, "store copy to/from PostgreSQL: not built yet");
}

void PgStore::finish_load() {
    throw Error(Code::io, "store copy to/from PostgreSQL: not built yet");
}

// sqlite_copy.cpp (store-copy branch) defines these four.
std::int64_t SqliteStore::size_bytes() {
    throw Error(Code::io, "store size: not built yet");
}

void SqliteStore::dump_table(const StoreTable&, const std::function<void(const TableRow&)>&) {
    throw Error(Code::io, "store copy: not built yet");
}

void SqliteStore::load_rows(const StoreTable&, std::span<const TableRow>) {
    throw Error(Code::io, "store copy: not built yet");
}

void SqliteStore::finish_load() { throw Error(Code::io, "store copy: not built yet"); }

} // namespace vern::store
