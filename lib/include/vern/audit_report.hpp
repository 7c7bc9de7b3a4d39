#pragma once
// The audit report (SPEC section 7, `vern audit report`): what vern did in a period, read from the
// audit log, and what is overdue or coming, from the store evaluated under the current policy.
// This is what a privacy officer shows the supervisory authority and what monitoring watches.
//
// The report holds no personal data: the audit log has none, requests are listed by id and kind,
// and records only as counts per category.
//
// Entries are read by the command/action names the writers document (engine.hpp purge,
// rights.hpp, requests.hpp, cli hold): purge "delete"/"anonymize"/"remove_subject", ingest
// "ingest", erase "erase"/"erase_subject", consent "withdraw"/"delete", access "access",
// hold "hold_place"/"hold_release", request "request_open"/"request_extend"/"request_close".

#include "vern/policy.hpp"
#include "vern/outbox.hpp"
#include "vern/status.hpp"
#include "vern/store.hpp"
#include "vern/time.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vern {

struct ReportPeriod {
    Instant since{};            // inclusive
    Instant until{};            // exclusive, unless include_until
    bool include_until = false; // the default period ends at now, inclusive
    bool contains(Instant t) const {
        return since <= t && (t < until || (include_until && t == until));
    }
};

// Records changed by one rule in one category (purge entries).
struct RuleActivity {
    std::string rule;
    std::string category;
    std::string action; // "delete" | "anonymize"
    std::int64_t records = 0;
};

struct CategoryCount {
    std::string category;
    std::int64_t records = 0;
};

struct PurposeCount {
    std::string purpose;
    std::int64_t withdrawals = 0;
};

// One policy version (digest) seen in the period's audit entries.
struct PolicyVersion {
    std::string digest; // "" for entries written without a policy
    Instant first_seen{};
    Instant last_seen{};
    std::int64_t entries = 0;
};

struct ReportRequest {
    std::int64_t id = 0;
    std::string kind;
    Instant received{};
    Instant due{};              // effective due time
    std::int64_t days_left = 0; // negative when overdue
};

// Deletion notices of one system in the period (audit log: notify, acknowledge,
// delivery_failed entries).
struct SystemNotices {
    std::string system;
    std::int64_t notified = 0;
    std::int64_t acknowledged = 0;
    std::int64_t failed_deliveries = 0; // notices in batches that failed
};

struct AuditReport {
    ReportPeriod period;
    Instant now{};
    Zone zone = nullptr;
    std::string policy_digest; // the policy given now
    std::int64_t entries = 0;  // audit entries in the period

    // purge
    std::vector<RuleActivity> purged; // sorted by rule, category
    std::int64_t deleted = 0;
    std::int64_t anonymized = 0;
    std::int64_t subjects_removed = 0;
    std::int64_t purge_runs = 0; // distinct (time, user) of purge entries
    // ingest
    std::vector<CategoryCount> ingested; // records ingested per category
    // erasure
    std::int64_t erasures = 0; // erase runs (distinct subject and time)
    std::int64_t erased_records = 0;
    std::int64_t erased_subjects = 0; // subjects removed by erasure
    std::vector<CategoryCount> erased_by_category;
    // consent withdrawals
    std::int64_t withdrawals = 0;
    std::vector<PurposeCount> withdrawals_by_purpose;
    std::int64_t withdrawal_deleted = 0; // records deleted because of withdrawals
    std::vector<CategoryCount> withdrawal_deleted_by_category;
    // access
    std::int64_t access_reports = 0; // distinct (subject, time) of access entries
    std::int64_t records_disclosed = 0;
    // holds
    std::int64_t holds_placed = 0;
    std::int64_t holds_released = 0;
    std::int64_t holds_active = 0; // at now
    // policy versions in force, by first_seen
    std::vector<PolicyVersion> policy_versions;
    // requests (from the store's requests)
    std::int64_t requests_opened = 0;            // received in the period
    std::int64_t requests_extended = 0;          // extensions in the period (audit log)
    std::int64_t requests_answered_in_time = 0;  // closed in the period, by the effective due
    std::int64_t requests_answered_late = 0;     // closed in the period, after it
    std::int64_t requests_open = 0;              // open at now
    std::vector<ReportRequest> overdue_requests; // open at now and past due, by due
    // retention outlook at now under the current policy
    RetentionOutlook outlook;
    // deletion notices: per system in the period (by system id), and the outbox at now
    std::vector<SystemNotices> notices;
    std::vector<SystemOutbox> outbox;

    // Anything to fail on with --fail-on-overdue: an overdue record, request or deletion notice
    // (not acknowledged within its system's confirm_within).
    bool overdue() const {
        return outlook.overdue_total > 0 || !overdue_requests.empty() ||
               overdue_notices(outbox) > 0;
    }
};

// Builds the report from the audit entries in the period (ReportPeriod::contains), the store's
// requests and holds, and the store evaluated under `policy` at `now`. Reads only, in one
// snapshot.
AuditReport build_audit_report(Store& store, const Policy& policy, const ReportPeriod& period,
                               Instant now);

// The renderings. Text: for a terminal or a letter, times in the policy zone. JSON: schema
// "vern-audit-report-1", times RFC 3339 UTC (man vern(1), AUDIT REPORT JSON). CSV: one table,
// header "section,item,category,rule,count,first,last" (RFC 4180 quoting, CRLF-free: lines end
// with \n), times RFC 3339 UTC.
// NOTE: the JSON fields and the CSV columns and section names are formats users rely on.
std::string render_audit_report_text(const AuditReport& report);
nlohmann::json audit_report_json(const AuditReport& report);
std::string render_audit_report_csv(const AuditReport& report);

// One CSV field: quoted when it holds a comma, a double quote, CR or LF; quotes doubled.
std::string csv_field(std::string_view text);

} // namespace vern
