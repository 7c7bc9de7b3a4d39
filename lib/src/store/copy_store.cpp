// copy_store(): a whole store into an empty one, table by table, in one transaction.

#include "vern/store_copy.hpp"

#include "vern/error.hpp"

#include <fmt/core.h>

namespace vern {
namespace {

// Rows buffered per load_rows call: large enough for COPY/prepared inserts to run at speed,
// small enough that a store of any size copies in bounded memory.
constexpr std::size_t k_chunk_rows = 5000;

struct NotEmpty {};

void require_empty(Store& destination) {
    for (const StoreTable& table : store_tables()) {
        if (std::string(table.name) == "meta") continue;
        try {
            destination.dump_table(table, [](const TableRow&) { throw NotEmpty{}; });
        } catch (const NotEmpty&) {
            throw Error(Code::data,
                        fmt::format("the destination store '{}' is not empty (its table '{}' has "
                                    "rows); copy into a store just created with 'vern init'",
                                    destination.path(), table.name));
        }
    }
}

} // namespace

CopyResult copy_store(Store& source, Store& destination) {
    if (source.path() == destination.path() && source.backend() == destination.backend()) {
        throw Error(Code::usage, fmt::format("store copy: source and destination are the same "
                                             "store '{}'", source.path()));
    }
    CopyResult result;
    ReadTransaction snapshot(source);
    WriteTransaction tx(destination);
    require_empty(destination);
    for (const StoreTable& table : store_tables()) {
        CopiedTable copied{table.name, 0};
        std::vector<TableRow> chunk;
        chunk.reserve(k_chunk_rows);
        source.dump_table(table, [&](const TableRow& row) {
            chunk.push_back(row);
            if (chunk.size() == k_chunk_rows) {
                destination.load_rows(table, chunk);
                copied.rows += static_cast<std::int64_t>(chunk.size());
                chunk.clear();
            }
        });
        if (!chunk.empty()) {
            destination.load_rows(table, chunk);
            copied.rows += static_cast<std::int64_t>(chunk.size());
        }
        result.tables.push_back(std::move(copied));
    }
    destination.finish_load();

    // The copy must be the same store: the same audit head, the same counts.
    const auto source_head = source.audit_head();
    const auto destination_head = destination.audit_head();
    if (source_head != destination_head || source.count_records() != destination.count_records() ||
        source.count_subjects() != destination.count_subjects()) {
        throw Error(Code::io, fmt::format("store copy: the copy in '{}' does not match '{}' "
                                          "(audit head {} vs {}); nothing was copied",
                                          destination.path(), source.path(),
                                          destination_head.first, source_head.first));
    }
    tx.commit();
    result.audit_seq = source_head.first;
    result.audit_hash = source_head.second;
    return result;
}

} // namespace vern
