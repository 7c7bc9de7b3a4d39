// vern plan [--within DURATION] [--list]: what a purge at --now would do (the same code as
// `purge --dry-run`), read-only: the store file is left byte for byte as it was.

#include "commands.hpp"
#include "purge_report.hpp"

#include "vern/engine.hpp"
#include "vern/store.hpp"

#include <memory>

namespace vern::cli {
namespace {

struct PlanOptions {
    std::string within;
    bool list = false;
    std::size_t batch_size = 10000;
};

void run_plan(Context& ctx, const PlanOptions& opts) {
    ctx.format();
    const Policy& policy = ctx.policy();
    PurgeOptions po;
    po.now = ctx.now();
    po.dry_run = true;
    po.list = opts.list;
    po.batch_size = opts.batch_size;
    if (!opts.within.empty()) {
        po.within = parse_within(opts.within);
    }
    StoreOptions so;
    so.read_only = true;
    auto store = open_store(ctx.opts.store, so);
    po.progress = progress_bar(ctx, "plan");
    PurgeResult result = purge(*store, policy, po);
    if (po.progress) {
        end_progress_bar(ctx);
    }
    print_purge_result(ctx, result, opts.list, po.within);
}

} // namespace

void setup_plan(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<PlanOptions>();
    app.add_option("--within", opts->within,
                   "Also show what becomes due in this period after --now (e.g. 30d)");
    app.add_flag("--list", opts->list, "List every record concerned");
    app.add_option("--batch-size", opts->batch_size, "Records read per batch (default 10000)")
        ->check(positive_count());
    app.callback([&ctx, opts] { run_plan(ctx, *opts); });
}

} // namespace vern::cli
