// The art. 15 access report: gathers a subject's records (with the engine's next due time),
// categories, events, consents and rights; record_access() audits the disclosure.

#include "vern/engine.hpp"
#include "vern/requests.hpp"
#include "vern/rights.hpp"

#include "report_texts.hpp"
#include "rights_audit.hpp"

#include <fmt/core.h>

#include <set>
#include <unordered_map>

namespace vern {
namespace {

ReportCategory describe_category(const Policy& policy, const std::string& id, Language lang) {
    ReportCategory c;
    c.id = id;
    const Category* cat = policy.find_category(id);
    if (!cat) {
        c.known = false;
        c.title = id;
        return c;
    }
    c.title = cat->title;
    c.purpose = cat->purpose;
    c.legal_basis = cat->legal_basis;
    c.legal_basis_text = describe_legal_basis(cat->legal_basis, lang);
    c.legal_ref = cat->legal_ref;
    c.role = cat->role;
    c.controller = cat->controller;
    c.recipients = cat->recipients;
    c.source = cat->source;
    c.special = cat->special;
    for (const Rule& rule : policy.rules) {
        if (rule.covers(id)) c.retention.push_back(describe_rule(rule, lang));
    }
    return c;
}

// The rule whose not_due time is the evaluation's next_due.
const RuleStatus* next_rule(const RecordEvaluation& e) {
    if (!e.next_due) return nullptr;
    for (const auto& s : e.rules) {
        if (s.status == RuleState::not_due && s.due == e.next_due) return &s;
    }
    return nullptr;
}

bool is_held(const std::vector<Hold>& holds, const StoredRecord& r) {
    for (const auto& h : holds) {
        if (!h.active()) continue;
        if ((h.subject_rowid != 0 && h.subject_rowid == r.subject_rowid) ||
            (!h.category.empty() && h.category == r.category)) {
            return true;
        }
    }
    return false;
}

// What every report has, whoever it is about: the controller, the options, the request.
AccessReport report_frame(const Policy& policy, Instant now, const AccessOptions& options) {
    AccessReport report;
    report.language = options.language;
    report.generated = now;
    report.zone = policy.info.zone;
    report.policy_name = policy.info.name;
    report.controller = policy.info.controller;
    report.contact = policy.info.contact;
    report.supervisory_authority = policy.info.supervisory_authority;
    report.include_special = options.include_special;
    report.request = options.request;
    report.selector_pseudonym = options.selector_pseudonym;
    return report;
}

} // namespace

AccessReport build_access_report(Store& store, const Policy& policy, const Subject& subject,
                                 Instant now, const AccessOptions& options) {
    AccessReport report = report_frame(policy, now, options);
    report.subject = subject.ref;
    report.pseudonym = store.pseudonym(subject.ref);
    if (options.request) {
        check_answering_request(store, *options.request, report.pseudonym,
                                {"access", "portability"}, report.selector_pseudonym);
    }

    ReadTransaction snapshot(store);
    const std::vector<Hold> holds = store.list_holds();
    std::map<std::string, std::vector<ReportRecord>> by_category;
    std::unordered_map<RowId, std::string> record_ids;
    EvaluationScope scope;
    scope.subject_rowid = subject.rowid;
    evaluate_records(store, policy, now, scope, [&](std::span<const RecordEvaluation> batch) {
        for (const auto& e : batch) {
            ReportRecord r;
            r.id = e.record.id;
            r.case_id = e.record.case_id;
            r.created = e.record.created;
            r.next_due = e.next_due;
            if (const RuleStatus* next = next_rule(e)) {
                r.next_action = action_name(next->rule->action);
                r.next_rule = next->rule->id;
            }
            r.held = is_held(holds, e.record);
            const Category* cat = policy.find_category(e.record.category);
            if (cat && cat->special && !options.include_special) {
                r.withheld = true;
                report.special_withheld = true;
            } else {
                r.fields = e.record.fields();
            }
            record_ids.emplace(e.record.rowid, e.record.id);
            by_category[e.record.category].push_back(std::move(r));
            ++report.record_count;
        }
        return true;
    });

    for (const Category& cat : policy.categories) {
        auto it = by_category.find(cat.id);
        if (it == by_category.end()) continue;
        ReportCategory c = describe_category(policy, cat.id, options.language);
        c.records = std::move(it->second);
        report.categories.push_back(std::move(c));
        by_category.erase(it);
    }
    for (auto& [id, records] : by_category) { // categories no longer in the policy
        ReportCategory c = describe_category(policy, id, options.language);
        c.records = std::move(records);
        report.categories.push_back(std::move(c));
    }

    for (const Event& e : store.subject_events(subject.rowid)) {
        if (e.at > now) continue;
        ReportEvent ev{e.kind, e.at, {}};
        if (e.scope == EventScope::record) {
            auto it = record_ids.find(e.record_rowid);
            if (it != record_ids.end()) ev.record = it->second;
        }
        report.events.push_back(std::move(ev));
    }
    std::set<std::string> purposes;
    for (const ConsentChange& c : store.consent_history(subject.rowid)) {
        if (c.at > now) continue;
        report.consents.push_back({c.purpose, c.given, c.at});
        purposes.insert(c.purpose);
    }
    for (const auto& p : purposes) {
        report.consent_state[p] = store.consent_active(subject.rowid, p, now);
    }
    report.rights = rights::subject_rights(policy, options.language);
    return report;
}

AccessReport build_unknown_person_report(Store& store, const Policy& policy,
                                         const Selector& selector, Instant now,
                                         const AccessOptions& options) {
    if (!options.request) throw Error(Code::problem, selector_problem(selector, {}));
    AccessReport report = report_frame(policy, now, options);
    report.selector = selector_kind_name(selector.kind);
    report.pseudonym = selector_pseudonym(store, selector);
    check_answering_request(store, *options.request, report.pseudonym, {"access", "portability"});
    report.rights = rights::subject_rights(policy, options.language);
    return report;
}

void record_access(Store& store, const Policy& policy, const AccessReport& report, Instant now,
                   const std::function<void()>& deliver) {
    WriteTransaction tx(store);
    std::optional<Request> request;
    if (report.request) {
        request = check_answering_request(store, *report.request, report.pseudonym,
                                          {"access", "portability"}, report.selector_pseudonym);
    }
    if (report.categories.empty()) {
        store.append_audit(rights::audit_entry(policy, now, "access", "access", report.pseudonym));
    }
    for (const auto& c : report.categories) {
        store.append_audit(rights::audit_entry(policy, now, "access", "access", report.pseudonym,
                                               c.id, static_cast<std::int64_t>(c.records.size())));
    }
    if (request) close_request_in_transaction(store, policy, *request, now, "access");
    if (deliver) deliver();
    tx.commit();
}

} // namespace vern
