// vern deliver [--system ID]... [--batch-size N] [--lock-timeout S]: tells the systems that hold
// copies about deletions. Runs each exec system's command with its pending notices (JSON Lines
// on standard input), batch by batch; exit 0 acknowledges a batch, anything else leaves it
// pending for the next run. Pull systems are only counted. Exit 1 if a batch failed.

#include "commands.hpp"

#include "vern/outbox.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <memory>

namespace vern::cli {
namespace {

struct DeliverCliOptions {
    std::vector<std::string> systems;
    std::size_t batch_size = 0;
    int lock_timeout = 30;
};

void run_deliver(Context& ctx, const DeliverCliOptions& opts) {
    ctx.format();
    const Policy& policy = ctx.policy();
    StoreOptions so;
    so.lock_timeout = opts.lock_timeout;
    auto store = open_store(ctx.opts.store, so);
    for (const std::string& w : store->open_report().warnings) note(ctx, "vern: warning: " + w);
    DeliverOptions o;
    o.now = ctx.now();
    o.systems = opts.systems;
    if (opts.batch_size > 0) o.batch_size = opts.batch_size;
    const DeliverResult result = deliver(*store, policy, o);
    if (result.any_failed()) ctx.exit_code = 1;
    if (ctx.json()) {
        nlohmann::json systems = nlohmann::json::array();
        for (const SystemDelivery& d : result.systems) {
            systems.push_back({{"system", d.system},
                               {"deliver", delivery_name(d.deliver)},
                               {"delivered", d.delivered},
                               {"batches", d.batches},
                               {"pending", d.pending},
                               {"failed", d.failed},
                               {"error", d.failed ? nlohmann::json(d.error) : nlohmann::json()}});
        }
        print_json({{"now", format_utc(result.now)},
                    {"systems", systems},
                    {"audit_head", audit_head_hash(*store)}});
        return;
    }
    if (result.systems.empty()) {
        fmt::print("no system with `deliver` in the policy: nothing to deliver\n");
    }
    for (const SystemDelivery& d : result.systems) {
        if (d.deliver == Delivery::pull) {
            fmt::print("{} (pull): {} pending; its own job fetches them with 'vern outbox list "
                       "--system {} --json-lines'\n",
                       d.system, d.pending, d.system);
        } else if (d.failed) {
            fmt::print("{} (exec): FAILED: {}; delivered {} before; {} pending, retried next run\n",
                       d.system, printable(d.error), d.delivered, d.pending);
        } else {
            fmt::print("{} (exec): delivered {} notice{} in {} batch{}; {} pending\n", d.system,
                       d.delivered, d.delivered == 1 ? "" : "s", d.batches,
                       d.batches == 1 ? "" : "es", d.pending);
        }
    }
    note_audit_head(ctx, *store);
}

} // namespace

void setup_deliver(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<DeliverCliOptions>();
    app.add_option("--system", opts->systems,
                   "Only this system (a [[recipient]] id with `deliver`); repeatable");
    app.add_option("--batch-size", opts->batch_size,
                   "Notices per run of a command (default: the system's batch_size, 1000)")
        ->check(positive_count());
    app.add_option("--lock-timeout", opts->lock_timeout,
                   "Seconds to wait for another vern run (default 30)")
        ->check(non_negative_count());
    app.callback([&ctx, opts] { run_deliver(ctx, *opts); });
}

} // namespace vern::cli
