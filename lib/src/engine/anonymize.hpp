#pragma once
// Internal: applies an anonymize rule's field methods to a record's fields object.

#include "vern/engine.hpp"

namespace vern {

// Applies every method of `rule.fields` to `fields` (a JSON object); absent fields are left alone.
void anonymize_fields(nlohmann::json& fields, const Rule& rule);

} // namespace vern
