// The art. 15 access report: gathers a subject's records (with the engine's next due time),
// categories, events, consents and rights; record_access() audits the disclosure.

#include "vern/engine.hpp"
#include "vern/requests.hpp"
#include "vern/rights.hpp"

#include "report_texts.hpp"
#include "rights_audit.hpp"

#include <fmt/core.h>

#include <algorithm>
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
    for (const Recipient& rec : policy.recipients) {
        if (!rec.holds(id)) continue;
        // The controller's own source systems are not recipients (GDPR art. 4(9)), also when
        // the category names one in its `recipients` (that is how it comes to hold it).
        if (rec.role == RecipientRole::source) {
            c.recipients.erase(std::remove(c.recipients.begin(), c.recipients.end(), rec.id),
                               c.recipients.end());
            continue;
        }
        // A linked entry shows the recipient's name instead of its id, and says when the
        // recipient is not in use at present.
        const std::string name =
            rec.active ? rec.name
                       : fmt::format("{} ({})", rec.name, rights::report_texts(lang).inactive);
        auto it = std::find(c.recipients.begin(), c.recipients.end(), rec.id);
        if (it != c.recipients.end()) {
            *it = name;
        } else if (std::find(c.recipients.begin(), c.recipients.end(), rec.name) ==
                   c.recipients.end()) {
            c.recipients.push_back(name);
        }
    }
    if (cat->fields) {
        for (const auto& f : *cat->fields) {
            c.labels[f] = policy.field_label(id, f, language_name(lang));
        }
    }
    c.source = cat->source;
    c.special = cat->special;
    for (const Rule& rule : policy.rules) {
        if (!rule.covers(id)) continue;
        c.retention.push_back(describe_rule(rule, lang, [&](const std::string& key) {
            return policy.field_label(id, key, language_name(lang));
        }));
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
    report.organisation = policy.info.name;
    report.statement_title = policy.info.statement_title;
    report.statement_url = policy.info.statement_url;
    report.data_protection_officer = policy.info.data_protection_officer;
    report.storage = policy.info.storage;
    report.complaint_bodies = policy.info.complaint_bodies;
    report.include_special = options.include_special;
    report.request = options.request;
    report.selector_pseudonym = options.selector_pseudonym;
    return report;
}

} // namespace

std::vector<ReportRecipient> report_recipients(const Policy& policy,
                                               const std::vector<ReportCategory>& categories,
                                               Language lang) {
    std::vector<ReportRecipient> out;
    for (const Recipient& rec : policy.recipients) {
        if (rec.role == RecipientRole::source) continue; // the controller's own system
        ReportRecipient r;
        for (const auto& c : categories) {
            if (rec.holds(c.id)) {
                r.categories.push_back(c.id);
                r.category_titles.push_back(c.title);
            }
        }
        if (r.categories.empty()) continue;
        r.id = rec.id;
        r.name = rec.name;
        r.role = rec.role;
        r.role_text = rights::recipient_role_words(rec.role, lang);
        if (const Recipient* by = policy.find_recipient(rec.engaged_by)) r.engaged_by = by->name;
        r.purpose = rec.purpose;
        r.location = rec.location;
        r.third_country = rec.third_country;
        r.safeguard = rec.safeguard;
        r.safeguard_text = rights::safeguard_words(rec.safeguard, lang);
        r.safeguard_ref = rec.safeguard_ref;
        r.contact = rec.contact;
        r.active = rec.active;
        r.note = rec.note;
        out.push_back(std::move(r));
    }
    return out;
}

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
    std::map<std::string, std::set<std::string>> labels_seen; // category -> field keys shown
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
            // Not when held: the hold keeps it, the next purge does not touch it.
            if (e.overdue() && e.decided_by && e.decided_due) {
                r.due_since = e.decided_due;
                r.due_action = action_name(e.decided_by->action);
                r.due_rule = e.decided_by->id;
            }
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

    for (auto& [category, records] : by_category) {
        for (const auto& r : records) {
            for (const auto& [name, value] : r.fields.items()) {
                (void)value;
                labels_seen[category].insert(name);
            }
        }
    }
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
        ReportEvent ev{e.kind, policy.field_label("", e.kind, language_name(options.language)),
                       e.at, {}};
        if (e.scope == EventScope::record) {
            auto it = record_ids.find(e.record_rowid);
            if (it != record_ids.end()) ev.record = it->second;
        }
        report.events.push_back(std::move(ev));
    }
    std::set<std::string> purposes;
    for (const ConsentChange& c : store.consent_history(subject.rowid)) {
        if (c.at > now) continue;
        report.consents.push_back(
            {c.purpose, policy.field_label("", c.purpose, language_name(options.language)),
             c.given, c.at});
        purposes.insert(c.purpose);
    }
    for (const auto& p : purposes) {
        report.consent_state[p] = store.consent_active(subject.rowid, p, now);
    }
    for (auto& c : report.categories) {
        for (const auto& f : labels_seen[c.id]) {
            if (!c.labels.count(f)) c.labels[f] = policy.field_label(c.id, f, language_name(options.language));
        }
    }
    report.recipients = report_recipients(policy, report.categories, options.language);
    report.rights = rights::subject_rights(policy, options.language);
    for (const Notice& n : store.subject_notices(store.pseudonym(subject.ref))) {
        if (n.created > now) continue;
        ReportNotice r;
        r.system = n.system;
        const Recipient* rec = policy.find_recipient(n.system);
        r.name = rec ? rec->name : n.system;
        r.category = n.category;
        const Category* cat = policy.find_category(n.category);
        r.category_title = cat ? cat->title : n.category;
        r.action = n.action;
        r.created = n.created;
        if (n.acked && *n.acked <= now) r.acknowledged = n.acked;
        report.notices.push_back(std::move(r));
    }
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
