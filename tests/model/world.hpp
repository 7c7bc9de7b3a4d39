#pragma once
// A random history ("world") for the model check: a policy text, records, events, consents and
// holds. Both sides read it: the naive model (naive_model.cpp) literally, the engine through a
// real in-memory store (engine_side.cpp).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace model {

using Seconds = std::chrono::sys_seconds;

struct Record {
    std::string id;
    std::string subject; // empty: unlinked (anonymised and detached earlier)
    std::string case_id;
    std::string category;
    Seconds created{};
    nlohmann::json fields = nlohmann::json::object();
    std::vector<std::string> applied; // anonymize rules already applied (sorted)
};

struct Event {
    enum class Scope { subject, record, global } scope = Scope::subject;
    std::string subject; // scope subject
    std::string record;  // scope record
    std::string case_id; // scope subject only
    std::string kind;
    Seconds at{};
};

struct Consent {
    std::string subject;
    std::string purpose;
    bool given = true;
    Seconds at{};
};

struct Hold {
    std::string subject;  // or
    std::string category;
    bool released = false;
};

struct World {
    std::string policy_text; // TOML
    std::string zone;        // the policy's time zone
    std::vector<Record> records;
    std::vector<Event> events;
    std::vector<Consent> consents;
    std::vector<Hold> holds;
};

// What one side decided for one record at one `now`.
struct RuleOutcome {
    std::string rule;
    std::string status;           // due | not_due | pending | not_applicable | held | already_applied
    std::optional<Seconds> due;   // when the anchor exists
    bool operator==(const RuleOutcome&) const = default;
};

struct Outcome {
    std::string decision;         // keep | delete | anonymize | held
    std::string decided_by;       // empty for keep
    std::vector<std::string> anonymize_rules;
    std::vector<RuleOutcome> rules; // policy order
    bool operator==(const Outcome&) const = default;
};

using Outcomes = std::map<std::string, Outcome>; // record id -> outcome

// "2026-03-29T01:00:00Z"
std::string utc(Seconds t);

// The world as JSON Lines in vern's ingest format (SPEC 4), plus '#' lines for what ingest
// cannot carry (holds, applied rules, unlinked records): for a failing case's report.
std::string to_jsonl(const World& w);

} // namespace model
