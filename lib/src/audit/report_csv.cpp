// The audit report as one CSV table: section,item,category,rule,count,first,last.
// NOTE: the columns and section names are a format users rely on (man vern(1)).

#include "vern/audit_report.hpp"

#include <fmt/core.h>

namespace vern {

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(text);
    }
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

namespace {

class CsvTable {
  public:
    CsvTable() { m_out = "section,item,category,rule,count,first,last\n"; }

    void row(std::string_view section, std::string_view item, std::string_view category,
             std::string_view rule, std::int64_t count, std::string_view first = {},
             std::string_view last = {}) {
        m_out += fmt::format("{},{},{},{},{},{},{}\n", csv_field(section), csv_field(item),
                             csv_field(category), csv_field(rule), count, csv_field(first),
                             csv_field(last));
    }

    std::string take() { return std::move(m_out); }

  private:
    std::string m_out;
};

void outlook_rows(CsvTable& t, const AuditReport& r) {
    t.row("overdue_records", "total", "", "", r.outlook.overdue_total);
    for (const CategoryDue& c : r.outlook.overdue) {
        t.row("overdue_records", "category", c.category, "", c.records, format_utc(c.earliest));
    }
    t.row("held_records", "total", "", "", r.outlook.held);
    t.row("due_soon", "total", "", "", r.outlook.upcoming_total, format_utc(r.outlook.now),
          format_utc(r.outlook.horizon));
    for (const CategoryDue& c : r.outlook.upcoming) {
        t.row("due_soon", "category", c.category, "", c.records, format_utc(c.earliest));
    }
}

void request_rows(CsvTable& t, const AuditReport& r) {
    t.row("requests", "opened", "", "", r.requests_opened);
    t.row("requests", "extended", "", "", r.requests_extended);
    t.row("requests", "answered_in_time", "", "", r.requests_answered_in_time);
    t.row("requests", "answered_late", "", "", r.requests_answered_late);
    t.row("requests", "open", "", "", r.requests_open);
    t.row("requests", "overdue", "", "", static_cast<std::int64_t>(r.overdue_requests.size()));
    for (const ReportRequest& q : r.overdue_requests) {
        t.row("overdue_request", std::to_string(q.id), "", q.kind, q.days_left,
              format_utc(q.received), format_utc(q.due));
    }
}

} // namespace

std::string render_audit_report_csv(const AuditReport& r) {
    CsvTable t;
    t.row("period", "", "", "", r.entries, format_utc(r.period.since), format_utc(r.period.until));
    t.row("policy", r.policy_digest, "", "", 0, format_utc(r.now));
    for (const PolicyVersion& v : r.policy_versions) {
        t.row("policy_version", v.digest, "", "", v.entries, format_utc(v.first_seen),
              format_utc(v.last_seen));
    }
    t.row("purge", "runs", "", "", r.purge_runs);
    t.row("purge", "subjects_removed", "", "", r.subjects_removed);
    for (const RuleActivity& a : r.purged) {
        t.row("purge", a.action, a.category, a.rule, a.records);
    }
    for (const CategoryCount& c : r.ingested) {
        t.row("ingest", "records", c.category, "", c.records);
    }
    t.row("erasures", "erasures", "", "", r.erasures);
    t.row("erasures", "subjects_removed", "", "", r.erased_subjects);
    for (const CategoryCount& c : r.erased_by_category) {
        t.row("erasures", "records", c.category, "", c.records);
    }
    t.row("consent_withdrawals", "withdrawals", "", "", r.withdrawals);
    for (const PurposeCount& p : r.withdrawals_by_purpose) {
        t.row("consent_withdrawals", "purpose", "", p.purpose, p.withdrawals);
    }
    for (const CategoryCount& c : r.withdrawal_deleted_by_category) {
        t.row("consent_withdrawals", "records_deleted", c.category, "", c.records);
    }
    t.row("access_reports", "reports", "", "", r.access_reports);
    t.row("access_reports", "records", "", "", r.records_disclosed);
    t.row("holds", "placed", "", "", r.holds_placed);
    t.row("holds", "released", "", "", r.holds_released);
    t.row("holds", "active", "", "", r.holds_active);
    request_rows(t, r);
    outlook_rows(t, r);
    for (const SystemNotices& n : r.notices) {
        const std::string rule = "system:" + n.system;
        t.row("notices", "notified", "", rule, n.notified);
        t.row("notices", "acknowledged", "", rule, n.acknowledged);
        t.row("notices", "failed_deliveries", "", rule, n.failed_deliveries);
    }
    for (const SystemOutbox& s : r.outbox) {
        const std::string rule = "system:" + s.system;
        t.row("outbox", "pending", "", rule, s.stats.pending,
              s.stats.oldest_pending ? format_utc(*s.stats.oldest_pending) : std::string());
        t.row("outbox", "overdue", "", rule, s.stats.overdue);
    }
    return t.take();
}

} // namespace vern
