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
            {"records", std::move(records)}};
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
            {"request", report.request ? nlohmann::json(*report.request) : nullptr}};
}

} // namespace vern
