// Building the audit report (`vern audit report`) from the audit log, the requests, the holds and
// the store evaluated under the current policy.

#include "vern/audit_report.hpp"
#include "vern/requests.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

namespace vern {
namespace {

// Sums the period's audit entries into `report`.
class EntryTally {
  public:
    explicit EntryTally(AuditReport& report) : m_report(report) {}

    void add(const AuditEntry& e) {
        ++m_report.entries;
        note_policy(e);
        const std::string& a = e.action;
        if (a == "delete" && (e.command == "consent" || e.command == "erase")) {
            m_withdrawal_deleted[e.category] += e.count; // records a withdrawal deleted
            m_report.withdrawal_deleted += e.count;
        } else if (a == "delete" || a == "anonymize" || a == "remove_subject") {
            purge(e);
        } else if (a == "erase" || a == "erase_subject") {
            erase(e);
        } else if (a == "withdraw") {
            withdraw(e);
        } else if (a == "access") {
            m_access_runs.insert(run_of(e, e.subject));
            m_report.records_disclosed += e.count;
        } else if (a == "hold_place") {
            ++m_report.holds_placed;
        } else if (a == "hold_release") {
            ++m_report.holds_released;
        } else if (a == "request_extend") {
            ++m_report.requests_extended;
        } else if (a == "ingest") {
            m_ingested[e.category] += e.count;
        } else if (a == "notify" || a == "acknowledge" || a == "delivery_failed") {
            const std::string prefix = "system:";
            const std::string system =
                e.rule.rfind(prefix, 0) == 0 ? e.rule.substr(prefix.size()) : e.rule;
            SystemNotices& n = m_notices[system];
            (a == "notify" ? n.notified : a == "acknowledge" ? n.acknowledged
                                                              : n.failed_deliveries) += e.count;
        }
    }

    void finish() {
        for (auto& [key, records] : m_purged) {
            const auto& [rule, category, action] = key;
            m_report.purged.push_back(RuleActivity{rule, category, action, records});
        }
        m_report.ingested = to_list(m_ingested);
        for (auto& [system, n] : m_notices) {
            n.system = system;
            m_report.notices.push_back(n);
        }
        m_report.erased_by_category = to_list(m_erased);
        m_report.withdrawal_deleted_by_category = to_list(m_withdrawal_deleted);
        for (const auto& [purpose, n] : m_purposes) {
            m_report.withdrawals_by_purpose.push_back(PurposeCount{purpose, n});
        }
        m_report.purge_runs = static_cast<std::int64_t>(m_purge_runs.size());
        m_report.erasures = static_cast<std::int64_t>(m_erase_runs.size());
        m_report.access_reports = static_cast<std::int64_t>(m_access_runs.size());
        for (auto& v : m_versions) {
            m_report.policy_versions.push_back(std::move(v.second));
        }
        std::stable_sort(m_report.policy_versions.begin(), m_report.policy_versions.end(),
                         [](const PolicyVersion& a, const PolicyVersion& b) {
                             return a.first_seen < b.first_seen;
                         });
    }

  private:
    using Run = std::pair<std::int64_t, std::string>; // (time, user or subject pseudonym)

    static std::vector<CategoryCount> to_list(const std::map<std::string, std::int64_t>& counts) {
        std::vector<CategoryCount> list;
        for (const auto& [category, n] : counts) {
            list.push_back(CategoryCount{category, n});
        }
        return list;
    }

    static Run run_of(const AuditEntry& e, const std::string& who) {
        return {e.at.time_since_epoch().count(), who};
    }

    void note_policy(const AuditEntry& e) {
        auto [it, inserted] = m_versions.try_emplace(e.policy_digest);
        PolicyVersion& v = it->second;
        if (inserted) {
            v.digest = e.policy_digest;
            v.first_seen = e.at;
            v.last_seen = e.at;
        }
        v.first_seen = std::min(v.first_seen, e.at);
        v.last_seen = std::max(v.last_seen, e.at);
        ++v.entries;
    }

    void purge(const AuditEntry& e) {
        m_purge_runs.insert(run_of(e, e.user));
        if (e.action == "run") {
            return; // marks the start of a run; its counts follow in other entries
        }
        if (e.action == "remove_subject") {
            m_report.subjects_removed += e.count;
            return;
        }
        m_purged[{e.rule, e.category, e.action}] += e.count;
        (e.action == "delete" ? m_report.deleted : m_report.anonymized) += e.count;
    }

    void erase(const AuditEntry& e) {
        m_erase_runs.insert(run_of(e, e.subject));
        if (e.action == "erase_subject") {
            ++m_report.erased_subjects;
        } else if (!e.category.empty()) {
            m_erased[e.category] += e.count;
            m_report.erased_records += e.count;
        }
    }

    void withdraw(const AuditEntry& e) {
        ++m_report.withdrawals;
        const std::string prefix = "consent:";
        ++m_purposes[e.rule.rfind(prefix, 0) == 0 ? e.rule.substr(prefix.size()) : e.rule];
    }

    std::map<std::string, SystemNotices> m_notices;
    AuditReport& m_report;
    std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> m_purged;
    std::map<std::string, std::int64_t> m_ingested;
    std::map<std::string, std::int64_t> m_erased;
    std::map<std::string, std::int64_t> m_withdrawal_deleted;
    std::map<std::string, std::int64_t> m_purposes;
    std::set<Run> m_purge_runs;
    std::set<Run> m_erase_runs;
    std::set<Run> m_access_runs;
    std::map<std::string, PolicyVersion> m_versions;
};

void tally_requests(Store& store, const ReportPeriod& period, Instant now, AuditReport& report) {
    for (const Request& r : store.list_requests()) {
        if (period.contains(r.received)) {
            ++report.requests_opened;
        }
        if (r.closed) {
            if (period.contains(*r.closed)) {
                ++(*r.closed > r.effective_due() ? report.requests_answered_late
                                                 : report.requests_answered_in_time);
            }
            continue;
        }
        ++report.requests_open;
        if (request_status(r, now) == RequestStatus::overdue) {
            report.overdue_requests.push_back(ReportRequest{
                r.id, r.kind, r.received, r.effective_due(), request_days_left(r, now)});
        }
    }
    std::stable_sort(report.overdue_requests.begin(), report.overdue_requests.end(),
                     [](const ReportRequest& a, const ReportRequest& b) { return a.due < b.due; });
}

} // namespace

AuditReport build_audit_report(Store& store, const Policy& policy, const ReportPeriod& period,
                               Instant now) {
    AuditReport report;
    report.period = period;
    report.now = now;
    report.zone = policy.info.zone;
    report.policy_digest = policy.digest;
    ReadTransaction snapshot(store);
    EntryTally tally(report);
    store.read_audit(0, [&](const StoredAuditEntry& s) {
        if (period.contains(s.entry.at)) {
            tally.add(s.entry);
        }
        return true;
    });
    tally.finish();
    tally_requests(store, period, now, report);
    for (const Hold& h : store.list_holds()) {
        if (h.active()) {
            ++report.holds_active;
        }
    }
    report.outlook = retention_outlook(store, policy, now);
    report.outbox = outbox_overview(store, policy, now);
    return report;
}

} // namespace vern
