#pragma once
// Rendering of a purge or plan result (SPEC section 5), shared by `vern purge` and `vern plan`,
// and the progress bar.

#include "context.hpp"

#include "vern/engine.hpp"

namespace vern::cli {

// Prints the result as text (tables in the policy time zone) or as the JSON document of SPEC 5,
// with "audit_head" when `audit_head` is given (a run that wrote).
// NOTE: the JSON keys are a format users rely on.
void print_purge_result(Context& ctx, const PurgeResult& result, bool list,
                        const std::optional<Duration>& within,
                        const std::string& audit_head = {});

// A progress callback drawing a bar on stderr, or an empty function when stderr is not a
// terminal, or -q / --no-progress was given.
std::function<void(const PurgeProgress&)> progress_bar(const Context& ctx, const char* label);
// The same for a count of records `done` of `total` (vern status: "records evaluated").
std::function<void(std::int64_t done, std::int64_t total)> count_progress_bar(const Context& ctx,
                                                                              const char* label,
                                                                              const char* what);
void end_progress_bar(const Context& ctx);

// Parses --within (a policy duration); throws Error(usage).
Duration parse_within(const std::string& text);

} // namespace vern::cli
