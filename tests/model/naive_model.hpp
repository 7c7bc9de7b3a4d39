#pragma once
// The naive model of SPEC 3.5: a second evaluator that shares no code with vern's engine or
// time code. It reads the policy TOML itself (toml++), walks the event list of a World literally
// and does the wall-clock arithmetic with date/tz directly. Slow and obvious on purpose.

#include "world.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace model {

struct ModelRule {
    std::string id;
    std::vector<std::string> categories; // empty with all = true
    bool all = false;
    std::string after;                   // "created", "event:K", "global:K", "last_activity"
    std::string keep;                    // as written: "30d", "P12W", ...
    std::string round;                   // "" or end_of_day / end_of_week / end_of_month / end_of_year
    std::string action;                  // "delete" | "anonymize"
    std::map<std::string, nlohmann::json> where;
    std::vector<std::string> activity;
    std::string if_consent;
    std::string unless_consent;
};

struct ModelPolicy {
    std::string zone;
    std::vector<ModelRule> rules;
};

// Reads the rules of a policy TOML text; throws std::runtime_error on what it does not know.
ModelPolicy read_model_policy(const std::string& toml_text);

// The model's decision for every record of the world at `now`.
Outcomes model_evaluate(const ModelPolicy& policy, const World& world, Seconds now);

// round(anchor + keep) by the model's own arithmetic (used by the generator to aim `now` at
// boundaries).
Seconds model_due(const ModelPolicy& policy, const ModelRule& rule, Seconds anchor);

} // namespace model
