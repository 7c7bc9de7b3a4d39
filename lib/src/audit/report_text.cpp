// The audit report as text, for a terminal or a letter to the supervisory authority.

#include "vern/audit_report.hpp"

#include <fmt/core.h>

namespace vern {
namespace {

// "1 record", "2 records"; "1 entry", "2 entries".
std::string count(std::int64_t n, std::string_view one, std::string_view many = {}) {
    if (n == 1) {
        return fmt::format("1 {}", one);
    }
    return many.empty() ? fmt::format("{} {}s", n, one) : fmt::format("{} {}", n, many);
}

class TextReport {
  public:
    explicit TextReport(const AuditReport& r) : m_r(r) {}

    std::string render() {
        header();
        purge();
        rights();
        requests();
        policies();
        outlook();
        notices();
        return std::move(m_out);
    }

  private:
    template <typename... Args> void line(fmt::format_string<Args...> f, Args&&... args) {
        m_out += fmt::format(f, std::forward<Args>(args)...);
        m_out += '\n';
    }

    std::string local(Instant t) const { return format_local(t, m_r.zone); }

    void header() {
        line("Audit report {} to {}", local(m_r.period.since), local(m_r.period.until));
        line("Generated {}; {} in the period.", local(m_r.now),
             count(m_r.entries, "audit entry", "audit entries"));
    }

    void purge() {
        line("");
        line("Retention (purge): {}; {} deleted, {} anonymised; {} removed",
             count(m_r.purge_runs, "run"), count(m_r.deleted, "record"), m_r.anonymized,
             count(m_r.subjects_removed, "subject"));
        if (!m_r.purged.empty()) {
            line("  {:<24} {:<16} {:<10} {:>8}", "rule", "category", "action", "records");
        }
        for (const RuleActivity& a : m_r.purged) {
            line("  {:<24} {:<16} {:<10} {:>8}", a.rule, a.category, a.action, a.records);
        }
        std::int64_t ingested = 0;
        for (const CategoryCount& c : m_r.ingested)
            ingested += c.records;
        line("Ingested: {}", count(ingested, "record"));
        counts(m_r.ingested);
    }

    void counts(const std::vector<CategoryCount>& list) {
        for (const CategoryCount& c : list) {
            line("  {:<24} {:>8}", c.category, c.records);
        }
    }

    void rights() {
        line("");
        line("Erasures: {}; {} erased, {} removed", m_r.erasures,
             count(m_r.erased_records, "record"), count(m_r.erased_subjects, "subject"));
        counts(m_r.erased_by_category);
        line("Consent withdrawals: {}; {} deleted", m_r.withdrawals,
             count(m_r.withdrawal_deleted, "record"));
        for (const PurposeCount& p : m_r.withdrawals_by_purpose) {
            line("  purpose {:<16} {:>8}", p.purpose, p.withdrawals);
        }
        counts(m_r.withdrawal_deleted_by_category);
        line("Access reports: {}; {} disclosed", m_r.access_reports,
             count(m_r.records_disclosed, "record"));
        line("Holds: {} placed, {} released; {} active now", m_r.holds_placed, m_r.holds_released,
             m_r.holds_active);
    }

    void requests() {
        line("");
        line("Requests: {} opened, {} extended, {} answered in time, {} answered late; {} open, "
             "{} overdue",
             m_r.requests_opened, m_r.requests_extended, m_r.requests_answered_in_time,
             m_r.requests_answered_late, m_r.requests_open, m_r.overdue_requests.size());
        for (const ReportRequest& q : m_r.overdue_requests) {
            line("  OVERDUE request {} ({}): received {}, due {}, {} late", q.id, q.kind,
                 local(q.received), local(q.due), count(-q.days_left, "day"));
        }
    }

    void policies() {
        line("");
        line("Policy versions in the period:");
        for (const PolicyVersion& v : m_r.policy_versions) {
            line("  {}  {} to {} ({})", v.digest.empty() ? "(no policy)" : v.digest,
                 local(v.first_seen), local(v.last_seen), count(v.entries, "entry", "entries"));
        }
        line("Current policy: {}", m_r.policy_digest);
    }

    void outlook() {
        const RetentionOutlook& o = m_r.outlook;
        line("");
        line("Overdue records (due under the current policy, still present): {}", o.overdue_total);
        for (const CategoryDue& c : o.overdue) {
            line("  OVERDUE {:<16} {:>8}  oldest due {}", c.category, c.records, local(c.earliest));
        }
        if (o.held > 0) {
            line("Records held (due, blocked by a legal hold): {}", o.held);
        }
        line("Due by {}: {}", local(o.horizon), o.upcoming_total);
        for (const CategoryDue& c : o.upcoming) {
            line("  {:<24} {:>8}  first due {}", c.category, c.records, local(c.earliest));
        }
    }

    // Deletion notices to the systems that hold copies (GDPR art. 17(2), 19).
    void notices() {
        if (m_r.notices.empty() && m_r.outbox.empty()) return;
        line("");
        line("Deletion notices to systems holding copies:");
        for (const SystemNotices& n : m_r.notices) {
            line("  {:<20} {:>8} notified, {:>8} acknowledged, {} in failed deliveries",
                 n.system, n.notified, n.acknowledged, n.failed_deliveries);
        }
        for (const SystemOutbox& s : m_r.outbox) {
            std::string text = fmt::format("  {:<20} {:>8} pending now", s.system, s.stats.pending);
            if (s.stats.overdue > 0) {
                text += fmt::format(", OVERDUE {} (not confirmed within {})", s.stats.overdue,
                                    s.confirm_within.text);
            }
            if (s.stats.oldest_pending) text += ", oldest " + local(*s.stats.oldest_pending);
            line("{}", text);
        }
    }

    const AuditReport& m_r;
    std::string m_out;
};

} // namespace

std::string render_audit_report_text(const AuditReport& report) {
    return TextReport(report).render();
}

} // namespace vern
