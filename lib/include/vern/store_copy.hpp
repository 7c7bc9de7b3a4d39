#pragma once
// Copying a whole store to another, audit log included (`vern store copy SRC DST`): from SQLite
// to PostgreSQL when an organisation outgrows one file, and back. Rows move as they are (keys,
// pseudonyms, the secret key that keys them, the audit chain), so the copy gives the same
// answers, refuses the same erased subjects and verifies to the same audit head.

#include "vern/store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vern {

struct CopiedTable {
    std::string table;
    std::int64_t rows = 0;
};

struct CopyResult {
    std::vector<CopiedTable> tables; // in copy order (store_tables())
    std::int64_t audit_seq = 0;      // the audit head, the same on both stores after the copy
    std::string audit_hash;
};

// Copies every row of `source` (read in one snapshot) into `destination` in one write
// transaction: all or nothing. REQUIRES the destination to be empty (a store just created with
// `vern init`; nothing in any table but its meta): Error(data) naming the table otherwise.
// Afterwards checks that both stores have the same audit head and row counts (Error(io) if not;
// the transaction is then rolled back).
CopyResult copy_store(Store& source, Store& destination);

} // namespace vern
