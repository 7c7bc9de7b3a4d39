#pragma once
// Internal: applies an anonymize rule's field methods to a record's fields object.

#include "vern/engine.hpp"

#include <string>
#include <utility>
#include <vector>

namespace vern {

// A field whose method could not be applied and that was replaced by "[redacted]" instead:
// (field name, reason for people, never the value).
using FieldFallback = std::pair<std::string, std::string>;

// One method applied to one value: the new value (nullopt for `remove`), and, when the method
// could not handle the value and it was redacted instead, why (empty otherwise).
struct AnonOutcome {
    std::optional<nlohmann::json> value;
    std::string fallback_reason;
};
AnonOutcome anonymize_value_checked(const nlohmann::json& value, const AnonMethod& m);

// Applies every method of `rule.fields` to `fields` (a JSON object); absent fields are left
// alone. Never throws for a value: a value its method cannot handle is redacted and listed in
// `fallbacks`.
void anonymize_fields(nlohmann::json& fields, const Rule& rule,
                      std::vector<FieldFallback>& fallbacks);

} // namespace vern
