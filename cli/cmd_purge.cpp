// vern purge [--dry-run] [--batch-size N] [--lock-timeout SECONDS] [--max-delete N|P%] [--vacuum]
// [--list]: applies the policy at --now. Each batch commits with its audit entries; afterwards
// the WAL is checkpointed and truncated (and with --vacuum the file rebuilt), so deleted content
// does not survive on disk.

#include "commands.hpp"
#include "purge_report.hpp"

#include "vern/engine.hpp"
#include "vern/store.hpp"

#include <fmt/core.h>

#include <cstdlib>
#include <memory>

namespace vern::cli {
namespace {

struct PurgeCliOptions {
    bool dry_run = false;
    std::size_t batch_size = 10000;
    int lock_timeout = 0;
    std::string max_delete;
    bool vacuum = false;
    bool list = false;
    std::string within;
};

// "500" -> count 500; "2%" / "0.5%" -> percent.
void parse_max_delete(const std::string& text, PurgeOptions& po) {
    const bool percent = !text.empty() && text.back() == '%';
    const std::string number = percent ? text.substr(0, text.size() - 1) : text;
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    const bool whole = !number.empty() && end == number.c_str() + number.size() && value >= 0;
    if (!whole || (!percent && number.find_first_not_of("0123456789") != std::string::npos) ||
        (percent && value > 100)) {
        throw Error(Code::usage, fmt::format("--max-delete \"{}\": expected a number of records "
                                             "(500) or a percentage of the store (2%)",
                                             text));
    }
    if (percent) {
        po.max_delete_percent = value;
    } else {
        po.max_delete = static_cast<std::int64_t>(value);
    }
}

void run_purge(Context& ctx, const PurgeCliOptions& opts) {
    ctx.format();
    const Policy& policy = ctx.policy();
    PurgeOptions po;
    po.now = ctx.now();
    po.dry_run = opts.dry_run;
    po.list = opts.list;
    po.batch_size = opts.batch_size;
    if (!opts.max_delete.empty()) {
        parse_max_delete(opts.max_delete, po);
    }
    if (!opts.within.empty()) {
        po.within = parse_within(opts.within);
    }
    StoreOptions so;
    so.read_only = opts.dry_run;
    so.lock_timeout = opts.lock_timeout;
    auto store = open_store(ctx.opts.store, so);
    for (const std::string& w : store->open_report().warnings) {
        note(ctx, "vern: warning: " + w);
    }
    po.progress = progress_bar(ctx, opts.dry_run ? "plan" : "purge");
    PurgeResult result = purge(*store, policy, po);
    if (po.progress) {
        end_progress_bar(ctx);
    }
    std::string head;
    if (!opts.dry_run) {
        bool truncated = store->checkpoint();
        if (opts.vacuum) truncated = store->vacuum();
        if (!truncated) warn_wal_kept(ctx);
        head = audit_head_hash(*store);
    }
    if (result.fallbacks > 0) {
        note(ctx, fmt::format("vern: warning: {} field{} could not be anonymised by {} method "
                              "and {} replaced by \"[redacted]\" instead (listed in the output; "
                              "the {} went on)",
                              result.fallbacks, result.fallbacks == 1 ? "" : "s",
                              result.fallbacks == 1 ? "its" : "their",
                              opts.dry_run ? "would be" : (result.fallbacks == 1 ? "was" : "were"),
                              opts.dry_run ? "plan" : "purge"));
    }
    print_purge_result(ctx, result, opts.list, po.within, head);
    if (!opts.dry_run && !ctx.json()) note_audit_head(ctx, *store);
}

} // namespace

void setup_purge(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<PurgeCliOptions>();
    app.add_flag("--dry-run", opts->dry_run, "Change nothing: show what would be done (= plan)");
    app.add_option("--batch-size", opts->batch_size,
                   "Records per batch, each committed with its audit entries (default 10000)")
        ->check(positive_count());
    app.add_option("--lock-timeout", opts->lock_timeout,
                   "Seconds to wait for another vern run to release the store (default 0)")
        ->check(non_negative_count());
    app.add_option("--max-delete", opts->max_delete,
                   "Refuse the run (exit 1, nothing changed) if it would delete more than N "
                   "records or P% of the store");
    app.add_flag("--vacuum", opts->vacuum, "Also rebuild the store file so it shrinks");
    app.add_flag("--list", opts->list, "List every record deleted or anonymised");
    app.add_option("--within", opts->within,
                   "Also show what becomes due in this period after --now (e.g. 30d)");
    app.callback([&ctx, opts] { run_purge(ctx, *opts); });
}

} // namespace vern::cli
