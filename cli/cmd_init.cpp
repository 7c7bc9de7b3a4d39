// vern init [--lock-timeout SECONDS]: creates the store (mode 0600), or migrates an existing one
// to the current schema, or says it is ready. Never loses data.

#include "commands.hpp"

#include "vern/store.hpp"

#include <fmt/core.h>

#include <memory>

namespace vern::cli {
namespace {

struct InitOptions {
    int lock_timeout = 30;
};

void run_init(Context& ctx, const InitOptions& opts) {
    ctx.format(); // reject an unsupported --format before touching the store
    StoreOptions so;
    so.create = true;
    so.lock_timeout = opts.lock_timeout;
    auto store = open_store(ctx.opts.store, so);
    const OpenReport& r = store->open_report();
    for (const std::string& w : r.warnings) note(ctx, "vern: warning: " + w);

    const char* status = r.created                                 ? "created"
                         : r.schema_before < r.schema_version ? "migrated"
                                                                   : "ready";
    if (ctx.json()) {
        print_json({{"store", ctx.opts.store},
                    {"status", status},
                    {"schema_before", r.schema_before},
                    {"schema_version", r.schema_version},
                    {"warnings", r.warnings}});
        return;
    }
    if (r.created && std::string_view(store->backend()) == "postgresql") {
        fmt::print("created store '{}' (schema version {}, PostgreSQL)\n", store->path(),
                   r.schema_version);
    } else if (r.created) {
        fmt::print("created store '{}' (schema version {}, mode 0600)\n", ctx.opts.store,
                    r.schema_version);
    } else if (r.schema_before < r.schema_version) {
        fmt::print("migrated store '{}' from schema version {} to {}\n", ctx.opts.store,
                   r.schema_before, r.schema_version);
    } else {
        fmt::print("store '{}' is ready (schema version {})\n", ctx.opts.store, r.schema_version);
    }
}

} // namespace

void setup_init(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<InitOptions>();
    app.add_option("--lock-timeout", opts->lock_timeout,
                   "Seconds to wait for another vern run to release the store (default 30)")
        ->check(non_negative_count());
    app.callback([&ctx, opts] { run_init(ctx, *opts); });
}

} // namespace vern::cli
