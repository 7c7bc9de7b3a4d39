#pragma once
// The table of subcommands: one file per subcommand, each defining its setup function, which
// adds the subcommand's options to `app` and sets a callback that runs it.

#include "context.hpp"

#include <CLI/CLI.hpp>

namespace vern::cli {

struct CommandSpec {
    const char* name;
    const char* description;
    void (*setup)(CLI::App& app, Context& ctx);
};

// Checks for counts and seconds whose messages say what is expected (CLI11's own say "Value 0
// not in range 0.000000 to 1.79769e+308").
CLI::Validator positive_count();    // 1, 2, 3, ...
CLI::Validator non_negative_count(); // 0, 1, 2, ...

void setup_check(CLI::App& app, Context& ctx);
void setup_init(CLI::App& app, Context& ctx);
void setup_ingest(CLI::App& app, Context& ctx);
void setup_test(CLI::App& app, Context& ctx);
void setup_plan(CLI::App& app, Context& ctx);
void setup_purge(CLI::App& app, Context& ctx);
void setup_explain(CLI::App& app, Context& ctx);
void setup_hold(CLI::App& app, Context& ctx);
void setup_access(CLI::App& app, Context& ctx);
void setup_erase(CLI::App& app, Context& ctx);
void setup_consent(CLI::App& app, Context& ctx);
void setup_request(CLI::App& app, Context& ctx);
void setup_audit(CLI::App& app, Context& ctx);
void setup_status(CLI::App& app, Context& ctx);
void setup_store(CLI::App& app, Context& ctx);
void setup_deliver(CLI::App& app, Context& ctx);
void setup_outbox(CLI::App& app, Context& ctx);

} // namespace vern::cli
