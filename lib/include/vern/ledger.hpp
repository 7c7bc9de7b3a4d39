#pragma once
// The erasure ledger: every erasure and consent withdrawal, as keyed pseudonyms, so that a store
// restored from an older backup can be brought back in line (`vern erase --replay LEDGER`):
// a restore must never bring erased people back (SPEC section 2).
//
// Format: JSON Lines, one object per line, in the order the audit log recorded them:
//   {"type":"erasure","subject":"<pseudonym>","at":"2026-03-01T10:00:00Z",
//    "categories":["chat","booking"],"complete":true}
//   {"type":"consent_withdrawal","subject":"<pseudonym>","purpose":"survey",
//    "at":"2026-03-01T10:00:00Z"}
// "subject" is Store::pseudonym(ref): the ledger holds no personal data, and it is only useful
// with a store that has the same secret key (a backup of the same store). "complete": the
// subject itself was removed (nothing was retained); replaying it removes every record of the
// subject not under an active hold, then the subject, and records the pseudonym as erased.
// Otherwise only the listed categories are erased again.
// NOTE: this is a file format users keep beside their backups; add keys, never rename or change
// the meaning of existing ones.
//
// The ledger is derived from the audit log (rights.hpp lists the entries it reads): erase entries
// of one command run (same pseudonym and time) become one "erasure"; consent "withdraw" entries
// become "consent_withdrawal". Identical lines (same type, subject, categories/purpose) are
// written once, so replays recorded in the log do not grow the ledger.

#include "vern/policy.hpp"
#include "vern/store.hpp"

#include <cstdint>
#include <istream>
#include <ostream>
#include <map>
#include <string>
#include <vector>

namespace vern {

struct LedgerExport {
    std::int64_t erasures = 0;
    std::int64_t consent_withdrawals = 0;
};

// Writes the ledger of `store` to `out`. Reads only.
LedgerExport export_erasure_ledger(Store& store, std::ostream& out);

struct ReplayedEntry {
    std::int64_t line = 0;
    std::string type;       // "erasure" | "consent_withdrawal"
    std::string subject;    // the subject's ref in this store ("" when not present)
    std::string purpose;    // consent_withdrawal
    std::int64_t deleted = 0;
    std::int64_t held = 0;  // records kept because of an active hold
    bool subject_removed = false;
    // consent_withdrawal: the store shows the consent given again after the withdrawal (and
    // at or before now), so the records resting on it are the new consent's and stay.
    bool given_again = false;
};

struct ReplayResult {
    std::int64_t entries = 0;          // ledger lines read
    std::int64_t subjects_found = 0;   // entries whose subject is in this store
    std::int64_t deleted = 0;
    std::int64_t subjects_removed = 0;
    std::int64_t withdrawals_added = 0;
    std::vector<ReplayedEntry> applied; // entries that found their subject
    bool wal_truncated = true;          // as in ErasureResult
    // Deletion notices added per system (outbox.hpp). A notice still in the restored outbox,
    // pending or acknowledged, has the same id and is not added again.
    std::map<std::string, std::int64_t> notified;
};

// Applies every entry of a ledger again, in ONE write transaction with its audit entries
// (command "erase", the actions of rights.hpp). Subjects are found by pseudonym among the
// subjects that have records. Complete erasures also record the pseudonym as erased (so that
// ingest refuses the subject), whether or not the subject is present. Consent withdrawals are
// stored again and delete the subject's records in the purpose's categories. A malformed line
// throws Error(data, "LEDGER:LINE: message") and nothing is changed.
ReplayResult replay_erasure_ledger(Store& store, const Policy& policy, std::istream& in,
                                   const std::string& name, Instant now, bool dry_run = false);

} // namespace vern
