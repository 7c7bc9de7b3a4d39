#pragma once
// Internal to the policy loader: the parsers of the policy's tables (SPEC 3.1-3.4, 3.6) and the
// checks that need the whole policy. Each reports problems to the Reporter and keeps going.

#include "reader.hpp"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace vern::policy_detail {

// What the parsers share during one load.
struct LoadState {
    LoadState(Policy& p, Reporter& r) : policy(p), reporter(r) {}

    Policy& policy;
    Reporter& reporter;
    // The zone for parsing the times of [[test]] tables: the policy's, or UTC if it is invalid.
    Zone zone = nullptr;
    // False when a file had TOML syntax errors: checks that refer across tables (unknown
    // categories, kept forever, unused things) would then only add noise.
    bool check_references = true;
    std::map<std::string, SourcePos> category_ids;
    std::set<std::string> duplicate_categories; // their fields are not checked (which one?)
    std::map<std::string, SourcePos> rule_ids;
    std::map<std::string, SourcePos> recipient_ids;
    SourcePos labels_pos; // line 0 while no [labels] was read
    // if_consent / unless_consent purposes as used by rules, with their positions.
    std::vector<std::pair<std::string, SourcePos>> consent_uses;
    SourcePos identifiers_pos; // line 0 while no [identifiers] was read
};

// [policy] (3.1) and [identifiers] (3.2).
void parse_policy_info(const toml::table& table, const std::string& file, LoadState& state);
void parse_identifiers(const toml::table& table, const std::string& file, LoadState& state);

// [labels] with [labels.nb] / [labels.en]: field key -> label, policy-wide.
void parse_labels(const toml::table& table, const std::string& file, LoadState& state);
// Reads `field = "label"` pairs of one language into `out`; `context` names the table.
void read_field_labels(const toml::table& table, const std::string& file,
                       const std::string& context, FieldLabels& out, LoadState& state);

// One [[recipient]], appended to state.policy.recipients; needs every category parsed already.
// Links from categories' `recipients` and the checks across recipients are in check_policy.
void parse_recipient(const toml::table& table, const std::string& file, LoadState& state);

// One [[category]] (3.3), appended to state.policy.categories.
void parse_category(const toml::table& table, const std::string& file, LoadState& state);

// One [[rule]] (3.4), appended to state.policy.rules; needs every category parsed already.
void parse_rule(const toml::table& table, const std::string& file, LoadState& state);

// One [[test]] (3.6), appended to state.policy.tests; needs categories and the zone.
void parse_test(const toml::table& table, const std::string& file, LoadState& state);

// Checks across the whole policy: every category has a delete or unlinking rule, consent
// purposes used by rules exist, identifier fields exist.
void check_policy(LoadState& state);

// A single anonymisation method ("drop_last:4"), or the reason it is invalid.
Expected<AnonMethod> parse_anon_method(std::string_view text);

// An anchor ("created", "event:KIND", "global:KIND", "last_activity").
Expected<Anchor> parse_anchor(std::string_view text);

// Category ids: [a-z][a-z0-9_]*.
bool is_valid_category_id(std::string_view id);

} // namespace vern::policy_detail
