#pragma once
// What every subcommand shares: the global options and lazily loaded policy, store path and now.

#include "vern/clock.hpp"
#include "vern/policy.hpp"
#include "vern/store.hpp"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vern::cli {

struct GlobalOptions {
    std::string store = "vern.db";    // --store / VERN_STORE
    std::vector<std::string> policy;  // --policy / VERN_POLICY (repeatable)
    std::string now;                  // --now / VERN_NOW; empty: the system clock
    std::string format;               // --format; empty: text
    bool json = false;                // --json
    int quiet = 0;                    // -q (count)
    int verbose = 0;                  // -v (count)
    bool no_progress = false;         // --no-progress
};

class Context {
  public:
    GlobalOptions opts;
    int exit_code = 0; // set by a command that ran but found a problem

    // The output format, checked against what the command supports ("text" first = default).
    // Throws Error(usage) for an unsupported one.
    std::string format(std::initializer_list<const char*> allowed = {"text", "json"}) const;
    bool json() const { return format() == "json"; }

    // The valid policy from --policy / VERN_POLICY (throws Error(usage) if none was given,
    // Error(data) listing diagnostics if it has errors). Loaded once.
    const Policy& policy();
    bool has_policy_option() const { return !opts.policy.empty(); }

    // The clock: fixed at --now (a date means 00:00 in the policy time zone, or UTC when the
    // command has no policy), else the system clock.
    const Clock& clock();
    Instant now() { return clock().now(); }
    Zone zone(); // the policy's zone if a policy was given, else UTC

  private:
    std::optional<Policy> m_policy;
    std::unique_ptr<Clock> m_clock;
};

// Prints a JSON document on stdout (pretty, 2-space indent, trailing newline).
void print_json(const nlohmann::json& doc);

// Messages on stderr that respect -q / -v.
void note(const Context& ctx, const std::string& message);  // hidden by -q
void detail(const Context& ctx, const std::string& message); // shown with -v only
// The warning for a change committed while a reader kept the WAL alive (Store::checkpoint).
void warn_wal_kept(const Context& ctx);

// The audit log's head (the last entry's hash) after a writing run, for keeping outside the
// store and checking later with `audit verify --expect-head`. JSON output carries it as
// "audit_head"; text output names it on stderr ("vern: audit head HASH (entry N)"), so that
// standard output stays as it was.
std::string audit_head_hash(Store& store);
void note_audit_head(const Context& ctx, Store& store);

} // namespace vern::cli
