#pragma once
// What an erasure leaves behind in the store, shared by `erase` and `erase --replay`.

#include "vern/store.hpp"

#include <string>
#include <vector>

namespace vern::rights {

// A hold placed on the subject itself is active (then the subject is never removed).
bool subject_hold_active(Store& store, RowId subject_rowid);

// The subject stays after an erasure (a record was retained): marks it as kept on purpose and
// records keyed keys of the erased records, so that ingest refuses them from now on (SPEC 4).
// REQUIRES a write transaction.
void remember_erased_records(Store& store, const Subject& subject,
                             const std::vector<std::string>& record_ids, Instant at);

} // namespace vern::rights
