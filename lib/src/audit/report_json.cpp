// The audit report as JSON: schema "vern-audit-report-1" (man vern(1), AUDIT REPORT JSON).
// NOTE: a format users rely on; add fields, never rename or remove them.

#include "vern/audit_report.hpp"

namespace vern {
namespace {

using nlohmann::json;

json category_counts(const std::vector<CategoryCount>& list) {
    json a = json::array();
    for (const CategoryCount& c : list) {
        a.push_back({{"category", c.category}, {"records", c.records}});
    }
    return a;
}

json category_dues(const std::vector<CategoryDue>& list, const char* time_key) {
    json a = json::array();
    for (const CategoryDue& c : list) {
        a.push_back(
            {{"category", c.category}, {"records", c.records}, {time_key, format_utc(c.earliest)}});
    }
    return a;
}

json requests_json(const AuditReport& r) {
    json overdue = json::array();
    for (const ReportRequest& q : r.overdue_requests) {
        overdue.push_back({{"id", q.id},
                           {"kind", q.kind},
                           {"received", format_utc(q.received)},
                           {"due", format_utc(q.due)},
                           {"days_left", q.days_left}});
    }
    return {{"opened", r.requests_opened},
            {"extended", r.requests_extended},
            {"answered_in_time", r.requests_answered_in_time},
            {"answered_late", r.requests_answered_late},
            {"open", r.requests_open},
            {"overdue", static_cast<std::int64_t>(r.overdue_requests.size())},
            {"overdue_requests", overdue}};
}

} // namespace

nlohmann::json audit_report_json(const AuditReport& r) {
    nlohmann::json notices = nlohmann::json::array();
    for (const SystemNotices& n : r.notices) {
        notices.push_back({{"system", n.system},
                           {"notified", n.notified},
                           {"acknowledged", n.acknowledged},
                           {"failed_deliveries", n.failed_deliveries}});
    }
    json purged = json::array();
    for (const RuleActivity& a : r.purged) {
        purged.push_back({{"rule", a.rule},
                          {"category", a.category},
                          {"action", a.action},
                          {"records", a.records}});
    }
    json purposes = json::array();
    for (const PurposeCount& p : r.withdrawals_by_purpose) {
        purposes.push_back({{"purpose", p.purpose}, {"withdrawals", p.withdrawals}});
    }
    json versions = json::array();
    for (const PolicyVersion& v : r.policy_versions) {
        versions.push_back({{"digest", v.digest},
                            {"first_seen", format_utc(v.first_seen)},
                            {"last_seen", format_utc(v.last_seen)},
                            {"entries", v.entries}});
    }
    return {
        {"schema", "vern-audit-report-1"},
        {"now", format_utc(r.now)},
        {"since", format_utc(r.period.since)},
        {"until", format_utc(r.period.until)},
        {"policy_digest", r.policy_digest},
        {"entries", r.entries},
        {"purge",
         {{"runs", r.purge_runs},
          {"deleted", r.deleted},
          {"anonymized", r.anonymized},
          {"subjects_removed", r.subjects_removed},
          {"by_rule", purged}}},
        {"ingested", category_counts(r.ingested)},
        {"erasures",
         {{"erasures", r.erasures},
          {"records", r.erased_records},
          {"subjects_removed", r.erased_subjects},
          {"by_category", category_counts(r.erased_by_category)}}},
        {"consent_withdrawals",
         {{"withdrawals", r.withdrawals},
          {"by_purpose", purposes},
          {"records_deleted", r.withdrawal_deleted},
          {"by_category", category_counts(r.withdrawal_deleted_by_category)}}},
        {"access_reports", {{"reports", r.access_reports}, {"records", r.records_disclosed}}},
        {"holds",
         {{"placed", r.holds_placed}, {"released", r.holds_released}, {"active", r.holds_active}}},
        {"policy_versions", versions},
        {"requests", requests_json(r)},
        {"overdue_records",
         {{"total", r.outlook.overdue_total},
          {"by_category", category_dues(r.outlook.overdue, "oldest_due")}}},
        {"held_records", r.outlook.held},
        {"due_soon",
         {{"until", format_utc(r.outlook.horizon)},
          {"total", r.outlook.upcoming_total},
          {"by_category", category_dues(r.outlook.upcoming, "earliest_due")}}},
        {"notices", notices},
        {"outbox", outbox_json(r.outbox)},
        {"overdue", r.overdue()},
    };
}

} // namespace vern
