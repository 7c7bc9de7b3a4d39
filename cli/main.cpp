// vern: keeps personal-data records within the retention limits of a privacy policy.
// main() builds the command line from the table of subcommands and maps errors to exit codes.

#include "commands.hpp"

#include "vern/error.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <iostream>

namespace {

using namespace vern::cli;

const CommandSpec k_commands[] = {
    {"init", "Create the store, or migrate it to the current schema", setup_init},
    {"check", "Validate policy files", setup_check},
    {"ingest", "Add subjects, records, events and consents from JSON Lines", setup_ingest},
    {"test", "Run the policy's own [[test]] cases", setup_test},
    {"plan", "Show what a purge at --now would do", setup_plan},
    {"purge", "Delete and anonymise what the policy says is due", setup_purge},
    {"explain", "Show every rule's anchor, due time and status for records", setup_explain},
    {"hold", "Place, release and list legal holds", setup_hold},
    {"access", "The GDPR art. 15 access report of one subject", setup_access},
    {"erase", "GDPR art. 17 erasure of one subject, or --replay an erasure ledger", setup_erase},
    {"consent", "Record, withdraw and list consents", setup_consent},
    {"request", "Track data-subject requests and their deadlines", setup_request},
    {"audit", "Verify the audit log, report on it, export the erasure ledger", setup_audit},
    {"status", "One screen: records, overdue, next due, requests, holds, last purge", setup_status},
    {"store", "Copy a whole store (SQLite <-> PostgreSQL)", setup_store},
    {"deliver", "Tell the systems that hold copies about deletions (exec systems)", setup_deliver},
    {"outbox", "List and acknowledge deletion notices (pull systems)", setup_outbox},
};

void add_global_options(CLI::App& app, Context& ctx) {
    app.add_option("--store", ctx.opts.store, "The record store (default ./vern.db)")
        ->envname("VERN_STORE");
    app.add_option("--policy", ctx.opts.policy,
                   "A policy file, or a directory of *.toml files; repeatable")
        ->envname("VERN_POLICY")
        ->delimiter(':')
        ->allow_extra_args(false);
    app.add_option("--now", ctx.opts.now, "Act as if the time were TIME (RFC 3339 or a date)")
        ->envname("VERN_NOW");
    app.add_option("--format", ctx.opts.format, "Output format: text or json (some commands: html, csv)");
    app.add_flag("--json", ctx.opts.json, "Same as --format json");
    app.add_flag("-q,--quiet", ctx.opts.quiet, "Less output on stderr");
    app.add_flag("-v,--verbose", ctx.opts.verbose, "More detail on stderr");
    app.add_flag("--no-progress", ctx.opts.no_progress, "Never draw a progress bar");
}

} // namespace

int main(int argc, char** argv) {
    Context ctx;
    CLI::App app{"vern: keep personal data within the retention limits your privacy policy promises",
                 "vern"};
    app.fallthrough(); // global options may also follow the subcommand
    app.require_subcommand(1);
    app.set_version_flag("--version", "vern 0.1.0");
    add_global_options(app, ctx);
    for (const auto& cmd : k_commands) {
        CLI::App* sub = app.add_subcommand(cmd.name, cmd.description);
        cmd.setup(*sub, ctx);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "vern: usage error: {}\nRun 'vern --help' for usage.\n",
                   vern::printable_lines(e.what()));
        return vern::exit_status(vern::Code::usage);
    } catch (const vern::Error& e) {
        // Messages quote refs, ids and input: never let them drive the terminal.
        fmt::print(stderr, "vern: error: {}\n", vern::printable_lines(e.what()));
        return vern::exit_status(e.code());
    } catch (const std::exception& e) {
        fmt::print(stderr, "vern: error: {}\n", vern::printable_lines(e.what()));
        return vern::exit_status(vern::Code::io);
    }
    return ctx.exit_code;
}
