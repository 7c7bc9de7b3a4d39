#pragma once
// The state of a store at a glance (`vern status`), and the retention outlook it shares with
// `vern audit report`: records that are overdue (due under the current policy but still present:
// the nightly purge did not run) and records that fall due soon.
//
// Nothing here prints personal data: requests and holds are listed by id and kind, never by the
// subject's ref or a hold's free-text reason, so the output can go to monitoring systems.
// Everything reads only and throws vern::Error (store errors).

#include "vern/outbox.hpp"
#include "vern/policy.hpp"
#include "vern/store.hpp"
#include "vern/time.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vern {

// ---- retention outlook -----------------------------------------------------------------------

// Records of one category with a due time in some range.
struct CategoryDue {
    std::string category;
    std::int64_t records = 0;
    Instant earliest{}; // the oldest due time (overdue) or the next one (upcoming)
};

struct RetentionOutlook {
    Instant now{};
    Instant horizon{}; // the end of the upcoming window
    std::string policy_digest;
    // Records whose decision at now is delete or anonymize (engine.hpp RecordEvaluation::overdue),
    // per category (sorted by id) with the oldest due time of the deciding rule.
    std::vector<CategoryDue> overdue;
    std::int64_t overdue_total = 0;
    // Records whose next_due lies in (now, horizon], per category with the earliest of them.
    std::vector<CategoryDue> upcoming;
    std::int64_t upcoming_total = 0;
    std::int64_t held = 0; // records with a due action blocked by an active hold
    // Records not evaluated because the quiet table vouched for their subjects (0 without it).
    std::int64_t passed_over = 0;
};

// Told how many records have been evaluated so far (after each batch, from the evaluating
// thread), e.g. for a progress bar.
using EvaluatedCount = std::function<void(std::int64_t evaluated)>;

// Evaluates every record at `now`, streaming: batches, and the subjects' event histories held
// up to k_history_preload_limit groups (engine.hpp). Call it inside a ReadTransaction (status
// and the audit report do): the histories are read once, before the first batch.
// horizon = now + `window` on the policy zone's calendar (default 30 days).
// With `quiet` and a store that keeps a quiet table (SQLite, store_types.hpp QuietTable): the
// subjects whose row says nothing of theirs is due, held or falling due by the horizon are
// passed over (they add nothing to the outlook), and `quiet` gets the rows to write for the
// subjects evaluated without a usable row; give it to Store::save_quiet after the transaction.
// `progress` then counts the records passed over as evaluated.
RetentionOutlook retention_outlook(Store& store, const Policy& policy, Instant now,
                                   const Duration& window = Duration{0, 0, 30, "30d"},
                                   const EvaluatedCount& progress = {},
                                   QuietUpdate* quiet = nullptr);

// ---- status ----------------------------------------------------------------------------------

struct StatusRequest {
    std::int64_t id = 0;
    std::string kind;
    Instant received{};
    Instant due{}; // the effective due time (after an extension)
    bool extended = false;
    std::int64_t days_left = 0; // negative when overdue (requests.hpp request_days_left)
    bool overdue = false;
};

struct StatusHold {
    std::int64_t id = 0;
    std::string scope;    // "subject" | "category"
    std::string category; // category holds
    Instant placed{};
};

// The last `vern purge` that changed something, from the audit log. NOTE: a purge that found
// nothing due writes no audit entry, so it does not show here.
struct LastPurge {
    Instant at{}; // the run's now
    std::string user;
    std::string policy_digest;
    std::int64_t deleted = 0;          // sum of its "delete" entries
    std::int64_t anonymized = 0;       // sum of its "anonymize" entries
    std::int64_t subjects_removed = 0; // its "remove_subject" entries
};

struct StoreStatus {
    Instant now{};
    std::string store_path;
    std::string backend;         // "sqlite" | "postgresql" (Store::backend)
    // SQLite: the database file (0 for an in-memory store); PostgreSQL: the schema's tables and
    // indexes (Store::size_bytes).
    std::int64_t file_bytes = 0;
    std::int64_t wal_bytes = 0;  // SQLite: its -wal file, if any; PostgreSQL: 0
    int schema_version = 0;
    std::int64_t subjects = 0;
    std::int64_t records = 0;
    std::map<std::string, std::int64_t> records_by_category;
    std::int64_t audit_entries = 0;
    std::string audit_head; // the last entry's hash (Store::audit_head), to keep elsewhere
    // A writing run could not checkpoint (a reader held the store): since when deleted content
    // has been waiting to be written out of the store's files (Store::checkpoint_pending).
    std::optional<Instant> checkpoint_pending;
    std::vector<StatusRequest> open_requests; // by effective due time
    std::vector<StatusHold> active_holds;     // by id
    std::optional<LastPurge> last_purge;
    std::optional<RetentionOutlook> outlook; // only with a policy
    // Deletion notices per system with `deliver` (outbox.hpp); only with a policy (it names the
    // systems and their confirm_within).
    std::optional<std::vector<SystemOutbox>> outbox;
};

// Reads the state of `store` at `now` in one snapshot. With a policy, also its retention outlook;
// request deadlines are counted in days (whole days left, rounded down). With a policy and an
// SQLite store, the outlook uses the quiet table, and writes the rows it learnt afterwards when
// it can (Store::save_quiet: never waits, never fails the status).

// `progress` gets (records evaluated, records in the store) during the outlook.
StoreStatus store_status(Store& store, const Policy* policy, Instant now,
                         const std::function<void(std::int64_t, std::int64_t)>& progress = {});

// The last purge run in the audit log, or nullopt. Reads the whole log.
std::optional<LastPurge> find_last_purge(Store& store);

} // namespace vern
