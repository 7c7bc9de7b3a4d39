// vern store copy SOURCE DESTINATION: copies a whole store, audit log included, e.g. from an
// SQLite file to a PostgreSQL database when an organisation outgrows one file (and back).

#include "commands.hpp"

#include "vern/store.hpp"
#include "vern/store_copy.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <memory>

namespace vern::cli {
namespace {

struct StoreCopyOptions {
    std::string source;
    std::string destination;
    int lock_timeout = 30;
};

void run_store_copy(Context& ctx, const StoreCopyOptions& opts) {
    ctx.format(); // reject an unsupported --format before touching a store
    StoreOptions read;
    read.read_only = true;
    auto source = open_store(opts.source, read);
    StoreOptions write;
    write.create = true; // like `vern init`: the destination is created if it does not exist
    write.lock_timeout = opts.lock_timeout;
    auto destination = open_store(opts.destination, write);
    for (const std::string& w : destination->open_report().warnings) {
        note(ctx, "vern: warning: " + w);
    }

    const CopyResult result = copy_store(*source, *destination);
    if (ctx.json()) {
        nlohmann::json tables = nlohmann::json::object();
        for (const CopiedTable& t : result.tables) tables[t.table] = t.rows;
        print_json({{"source", source->path()},
                    {"source_backend", source->backend()},
                    {"destination", destination->path()},
                    {"destination_backend", destination->backend()},
                    {"tables", tables},
                    {"audit_head", {{"seq", result.audit_seq}, {"hash", result.audit_hash}}}});
        return;
    }
    fmt::print("copied store '{}' ({}) to '{}' ({})\n", printable(source->path()),
               source->backend(), printable(destination->path()), destination->backend());
    for (const CopiedTable& t : result.tables) fmt::print("  {:<12} {:>10}\n", t.table, t.rows);
    fmt::print("audit head  {} {} (the same on both stores)\n", result.audit_seq,
               result.audit_hash);
}

} // namespace

void setup_store(CLI::App& app, Context& ctx) {
    app.require_subcommand(1);
    auto opts = std::make_shared<StoreCopyOptions>();
    CLI::App* copy = app.add_subcommand(
        "copy", "Copy a whole store, audit log included, into a new empty store (SQLite file or "
                "PostgreSQL)");
    copy->add_option("SOURCE", opts->source, "The store to copy (read only)")->required();
    copy->add_option("DESTINATION", opts->destination,
                     "The store to copy into: created if missing, must be empty")
        ->required();
    copy->add_option("--lock-timeout", opts->lock_timeout,
                     "Seconds to wait for another vern run to release the destination (default 30)")
        ->check(non_negative_count());
    copy->callback([&ctx, opts] { run_store_copy(ctx, *opts); });
}

} // namespace vern::cli
