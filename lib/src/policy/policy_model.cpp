// The small pieces of the policy model: names of enums, lookups and diagnostic formatting.

#include "vern/policy.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vern {

const char* legal_basis_name(LegalBasis b) {
    switch (b) {
    case LegalBasis::consent: return "consent";
    case LegalBasis::contract: return "contract";
    case LegalBasis::legal_obligation: return "legal_obligation";
    case LegalBasis::vital_interests: return "vital_interests";
    case LegalBasis::public_task: return "public_task";
    case LegalBasis::legitimate_interests: return "legitimate_interests";
    }
    return "public_task";
}

const char* action_name(Action a) {
    return a == Action::erase ? "delete" : "anonymize";
}

std::string Anchor::text() const {
    switch (kind) {
    case AnchorKind::created: return "created";
    case AnchorKind::event: return "event:" + event_kind;
    case AnchorKind::global: return "global:" + event_kind;
    case AnchorKind::last_activity: return "last_activity";
    }
    return "created";
}

bool Rule::covers(const std::string& category_id) const {
    return all_categories ||
           std::find(categories.begin(), categories.end(), category_id) != categories.end();
}

const Category* Policy::find_category(const std::string& id) const {
    for (const auto& c : categories) {
        if (c.id == id) {
            return &c;
        }
    }
    return nullptr;
}

const char* recipient_role_name(RecipientRole r) {
    switch (r) {
    case RecipientRole::processor: return "processor";
    case RecipientRole::sub_processor: return "sub_processor";
    case RecipientRole::controller: return "controller";
    case RecipientRole::source: return "source";
    }
    return "processor";
}

const char* safeguard_name(Safeguard s) {
    switch (s) {
    case Safeguard::none: return "";
    case Safeguard::adequacy_decision: return "adequacy_decision";
    case Safeguard::standard_contractual_clauses: return "standard_contractual_clauses";
    case Safeguard::binding_corporate_rules: return "binding_corporate_rules";
    case Safeguard::derogation: return "derogation";
    }
    return "";
}

const char* delivery_name(Delivery d) {
    switch (d) {
    case Delivery::none: return "";
    case Delivery::exec: return "exec";
    case Delivery::pull: return "pull";
    }
    return "";
}

bool Recipient::holds(const std::string& category_id) const {
    return std::find(categories.begin(), categories.end(), category_id) != categories.end();
}

const Recipient* Policy::find_recipient(const std::string& id) const {
    for (const auto& r : recipients) {
        if (r.id == id) {
            return &r;
        }
    }
    return nullptr;
}

std::string Policy::field_label(const std::string& category_id, const std::string& field,
                                const std::string& language) const {
    auto label_in = [&](const std::map<std::string, FieldLabels>& labels) -> const std::string* {
        auto lang = labels.find(language);
        if (lang == labels.end()) return nullptr;
        auto it = lang->second.find(field);
        return it == lang->second.end() ? nullptr : &it->second;
    };
    if (const Category* c = find_category(category_id)) {
        if (const std::string* l = label_in(c->labels)) return *l;
    }
    if (const std::string* l = label_in(labels)) return *l;
    return field;
}

bool PolicyLoad::has_errors() const {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::error; });
}

bool PolicyLoad::has_warnings() const {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::warning; });
}

std::string format_diagnostic(const Diagnostic& d) {
    const char* severity = d.severity == Severity::error ? "error" : "warning";
    if (d.pos.line <= 0) {
        return fmt::format("{}: {}: {}", d.pos.file, severity, d.message);
    }
    return fmt::format("{}:{}:{}: {}: {}", d.pos.file, d.pos.line, d.pos.column, severity,
                       d.message);
}

const char* change_kind_name(PolicyChange::Kind k) {
    switch (k) {
    case PolicyChange::Kind::category_added: return "category_added";
    case PolicyChange::Kind::category_removed: return "category_removed";
    case PolicyChange::Kind::rule_added: return "rule_added";
    case PolicyChange::Kind::rule_removed: return "rule_removed";
    case PolicyChange::Kind::longer: return "longer";
    case PolicyChange::Kind::shorter: return "shorter";
    case PolicyChange::Kind::changed: return "changed";
    }
    return "changed";
}

} // namespace vern
