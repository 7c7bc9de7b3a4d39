// The access report as JSON: the art. 20 machine-readable export, schema "vern-access-1".
// NOTE: a format users rely on (man vern(1), ACCESS REPORT JSON); add keys, never rename.

#include "vern/rights.hpp"

namespace vern {
namespace {

nlohmann::json optional_text(const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

nlohmann::json record_json(const ReportRecord& r) {
    nlohmann::json j{{"id", r.id},
                     {"case", optional_text(r.case_id)},
                     {"created", format_utc(r.created)},
                     {"next_due", r.next_due ? nlohmann::json(format_utc(*r.next_due)) : nullptr},
                     {"next_action", optional_text(r.next_action)},
                     {"next_rule", optional_text(r.next_rule)},
                     {"due_since", r.due_since ? nlohmann::json(format_utc(*r.due_since)) : nullptr},
                     {"due_action", optional_text(r.due_action)},
                     {"due_rule", optional_text(r.due_rule)},
                     {"held", r.held},
                     {"withheld", r.withheld},
                     {"fields", r.withheld ? nlohmann::json(nullptr) : r.fields}};
    return j;
}

nlohmann::json category_json(const ReportCategory& c) {
    nlohmann::json records = nlohmann::json::array();
    for (const auto& r : c.records)
        records.push_back(record_json(r));
    return {{"id", c.id},
            {"known", c.known},
            {"title", c.title},
            {"purpose", optional_text(c.purpose)},
            {"legal_basis", c.known ? nlohmann::json(legal_basis_name(c.legal_basis)) : nullptr},
            {"legal_basis_text", optional_text(c.legal_basis_text)},
            {"legal_ref", optional_text(c.legal_ref)},
            {"role", c.role == Role::processor ? "processor" : "controller"},
            {"controller", optional_text(c.controller)},
            {"recipients", c.recipients},
            {"source", optional_text(c.source)},
            {"special", c.special},
            {"retention", c.retention},
            {"labels", c.labels},
            {"records", std::move(records)}};
}

nlohmann::json recipient_json(const ReportRecipient& r) {
    return {{"id", r.id},
            {"name", r.name},
            {"role", recipient_role_name(r.role)},
            {"role_text", r.role_text},
            {"engaged_by", optional_text(r.engaged_by)},
            {"categories", r.categories},
            {"purpose", optional_text(r.purpose)},
            {"location", optional_text(r.location)},
            {"third_country", r.third_country},
            {"safeguard", r.third_country ? nlohmann::json(safeguard_name(r.safeguard)) : nullptr},
            {"safeguard_text", optional_text(r.safeguard_text)},
            {"safeguard_ref", optional_text(r.safeguard_ref)},
            {"contact", optional_text(r.contact)},
            {"active", r.active},
            {"note", optional_text(r.note)}};
}

// Added in issue 14: the deletion notices about the subject's data.
nlohmann::json notices_json(const AccessReport& report) {
    nlohmann::json out = nlohmann::json::array();
    for (const ReportNotice& n : report.notices) {
        out.push_back({{"system", n.system},
                       {"name", n.name},
                       {"category", n.category},
                       {"action", n.action},
                       {"created", format_utc(n.created)},
                       {"acknowledged",
                        n.acknowledged ? nlohmann::json(format_utc(*n.acknowledged)) : nullptr}});
    }
    return out;
}

} // namespace

nlohmann::json access_report_json(const AccessReport& report) {
    nlohmann::json categories = nlohmann::json::array();
    for (const auto& c : report.categories)
        categories.push_back(category_json(c));
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : report.events) {
        events.push_back(
            {{"kind", e.kind}, {"at", format_utc(e.at)}, {"record", optional_text(e.record)}});
    }
    nlohmann::json history = nlohmann::json::array();
    for (const auto& c : report.consents) {
        history.push_back({{"purpose", c.purpose}, {"given", c.given}, {"at", format_utc(c.at)}});
    }
    nlohmann::json recipients = nlohmann::json::array();
    for (const auto& r : report.recipients)
        recipients.push_back(recipient_json(r));
    nlohmann::json rights = nlohmann::json::array();
    for (const auto& r : report.rights)
        rights.push_back({{"right", r.key}, {"text", r.text}});
    return {{"schema", "vern-access-1"},
            {"generated", format_utc(report.generated)},
            {"language", language_name(report.language)},
            {"controller",
             {{"name", report.controller},
              {"contact", report.contact},
              {"policy", report.policy_name}}},
            // Added in issue 12, beside "controller" (whose keys stay as they were).
            {"data_protection_officer", optional_text(report.data_protection_officer)},
            {"storage", optional_text(report.storage)},
            {"statement", report.statement_title.empty()
                              ? nlohmann::json(nullptr)
                              : nlohmann::json{{"title", report.statement_title},
                                               {"url", report.statement_url}}},
            {"complaint_bodies", report.complaint_bodies},
            {"recipients", std::move(recipients)},
            {"supervisory_authority", optional_text(report.supervisory_authority)},
            {"subject", report.selector.empty() ? nlohmann::json({{"ref", report.subject}})
                                                : nlohmann::json(nullptr)},
            {"selector", optional_text(report.selector)},
            {"include_special", report.include_special},
            {"special_withheld", report.special_withheld},
            {"record_count", report.record_count},
            {"categories", std::move(categories)},
            {"events", std::move(events)},
            {"consents", {{"history", std::move(history)}, {"active", report.consent_state}}},
            {"rights", std::move(rights)},
            {"request", report.request ? nlohmann::json(*report.request) : nullptr},
            {"notices", notices_json(report)}};
}

} // namespace vern
