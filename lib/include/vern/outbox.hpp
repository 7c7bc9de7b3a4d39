#pragma once
// Deletion reaching every copy: the outbox of deletion notices (man vern(1) "deliver",
// man vern-policy(5) "Systems that hold copies", man vern-store(5) table `outbox`).
//
// Every deletion, erasure, consent withdrawal and anonymisation of a record in a category that a
// notified system holds (a [[recipient]] with `deliver`, in use) adds a notice for that system,
// in the same transaction as the change. Exec systems get their notices from `vern deliver`,
// which runs their command with JSON Lines on standard input and acknowledges a batch when the
// command exits 0; pull systems fetch them with `vern outbox list` and acknowledge them with
// `vern outbox ack`. Delivery is at least once; the notice id lets a system ignore repeats.
// Acknowledgements are audited; an acknowledged notice keeps no identifier.
//
// Nothing here prints or exits; errors are vern::Error.

#include "vern/policy.hpp"
#include "vern/store.hpp"
#include "vern/time.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vern {

// The notice as a system sees it (one line of JSON Lines on an exec command's standard input,
// one entry of `outbox list --json`): {"notice", "system", "action", "category", "cause",
// "record" (if the system identifies by record), "subject" (if by subject), "fields" and
// "unlink" (anonymize), "created" (RFC 3339 UTC)}. NOTE: a format other programs rely on.
nlohmann::json notice_json(const Notice& notice);

// Whether any system of the policy is told of deletions (has `deliver` and is in use). The JSON
// documents of purge, erase and consent carry "notified" only then, so that a policy without
// systems gets exactly the documents SPEC section 5 and 6 describe.
bool notifies_any(const Policy& policy);

// Collects the notices of one transaction's changes and writes them with their audit entries.
// Used by purge, erase, consent withdrawal and erasure replay inside their write transaction.
class NoticeWriter {
  public:
    NoticeWriter(Store& store, const Policy& policy, Instant now);
    // Whether any system is notified of changes in `category` (cheap: skip the rest if not).
    bool wanted(const std::string& category) const;
    // `cause`: "rule:ID", "erasure" or "consent:PURPOSE". `record` as it was before the change.
    void deleted(const StoredRecord& record, const std::string& cause);
    void anonymized(const StoredRecord& record, const Rule& rule, bool unlink);
    // Stores the collected notices (Store::add_notices) and appends one audit entry per system
    // and category: `base` with action "notify", rule "system:ID", category and count. Returns
    // the notices added per system. REQUIRES the caller's write transaction.
    std::map<std::string, std::int64_t> flush(const AuditEntry& base);

  private:
    void add(const StoredRecord& record, const std::string& action, const std::string& cause,
             const std::string& detail);

    Store& m_store;
    const Policy& m_policy;
    Instant m_now;
    std::map<std::string, std::vector<const Recipient*>> m_by_category;
    std::vector<Notice> m_notices;
};

// ---- vern deliver ----------------------------------------------------------------------------

struct DeliverOptions {
    Instant now{};
    std::vector<std::string> systems;  // empty: every notified system
    std::optional<std::size_t> batch_size; // overrides the systems' batch_size
    std::string user;                  // for the audit log; empty: current_os_user()
};

struct SystemDelivery {
    std::string system;
    Delivery deliver = Delivery::none;
    std::int64_t delivered = 0;        // notices acknowledged by the command in this run
    std::int64_t batches = 0;          // batches acknowledged
    std::int64_t pending = 0;          // left after the run
    bool failed = false;               // a batch failed; the system's remaining notices wait
    std::string error;                 // why ("exit status 3", "timed out after 60 s", ...)
};

struct DeliverResult {
    Instant now{};
    std::vector<SystemDelivery> systems; // policy order
    bool any_failed() const;
};

// Runs each exec system's command with its pending notices, batch by batch, in order: a batch is
// acknowledged (with its audit entries, one transaction) when the command exits 0 within the
// timeout; otherwise its notices stay pending with the attempt recorded, and the system's later
// batches wait for the next run. Pull systems are only counted. Throws Error(data) for a
// --system that is no notified system of the policy.
DeliverResult deliver(Store& store, const Policy& policy, const DeliverOptions& options);

// ---- vern outbox list / ack ------------------------------------------------------------------

// One notice id to acknowledge and where it came from (for messages).
struct AckItem {
    std::size_t line = 0;
    std::string notice;
};

// Reads notice ids, one per line: a bare id, or a JSON object with a string "notice" (a line of
// `outbox list --json-lines` or of an exec command's input). Blank lines are skipped. Throws
// Error(data, "SOURCE:LINE: ...") for a line that is neither.
std::vector<AckItem> read_ack_items(std::istream& in, const std::string& source);

struct AckResult {
    std::string system;
    std::int64_t acknowledged = 0;     // pending notices acknowledged now
    std::int64_t already = 0;          // acknowledged before (a repeat is not an error)
};

// Acknowledges notices of `system`, all or nothing: every id must be a notice of that system, or
// nothing is acknowledged and Error(data) names the first bad line (unknown id, another
// system's notice). Audited: action "acknowledge", rule "system:ID", per category.
AckResult acknowledge(Store& store, const Policy& policy, const std::string& system,
                      std::span<const AckItem> items, const std::string& source, Instant now,
                      const std::string& user = {});

// ---- knowing it happened ---------------------------------------------------------------------

struct SystemOutbox {
    std::string system;
    std::string name;
    Delivery deliver = Delivery::none;
    Duration confirm_within;
    OutboxStats stats;                 // overdue: pending longer than confirm_within at now
};

// Every system of the policy with `deliver` (policy order) with its counts at `now`.
std::vector<SystemOutbox> outbox_overview(Store& store, const Policy& policy, Instant now);
// As `status` and `audit report` show it: [{"system", "name", "deliver", "confirm_within",
// "pending", "overdue", "oldest_pending", "acked", "last_acked", "failed", "last_error"}].
nlohmann::json outbox_json(const std::vector<SystemOutbox>& systems);
std::int64_t overdue_notices(const std::vector<SystemOutbox>& systems);

} // namespace vern
