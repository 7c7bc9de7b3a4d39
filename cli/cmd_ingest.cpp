// vern ingest [FILE...|-] [--lock-timeout SECONDS]: adds subjects, records, events and consents
// from JSON Lines (man vern-ingest(5)), all-or-nothing, and prints what it added.

#include "commands.hpp"

#include "vern/ingest.hpp"
#include "vern/store.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <memory>

namespace vern::cli {
namespace {

struct IngestCliOptions {
    std::vector<std::string> files;
    int lock_timeout = 30;
};

std::string plural(std::int64_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

void run_ingest(Context& ctx, const IngestCliOptions& opts) {
    ctx.format();
    const Policy& policy = ctx.policy();
    IngestOptions io;
    io.now = ctx.now();

    std::vector<std::string> files = opts.files.empty() ? std::vector<std::string>{"-"} : opts.files;
    std::vector<IngestSource> sources;
    for (const std::string& f : files) sources.push_back(file_source(f));

    StoreOptions so;
    so.lock_timeout = opts.lock_timeout;
    auto store = open_store(ctx.opts.store, so);
    for (const std::string& w : store->open_report().warnings) note(ctx, "vern: warning: " + w);

    IngestSummary s = ingest(*store, policy, sources, io);
    // Replaced records and withdrawals leave old values behind: on SQLite in the WAL, on
    // PostgreSQL in dead row versions. Write them out now rather than at some later run.
    if (s.records_deleted_by_withdrawal > 0 || s.records_replaced > 0) store->checkpoint();
    if (ctx.json()) {
        print_json({{"store", ctx.opts.store},
                    {"files", files},
                    {"lines", s.lines},
                    {"subjects_created", s.subjects_created},
                    {"records_inserted", s.records_inserted},
                    {"records_replaced", s.records_replaced},
                    {"events_added", s.events_added},
                    {"events_duplicate", s.events_duplicate},
                    {"consents_added", s.consents_added},
                    {"consents_duplicate", s.consents_duplicate},
                    {"records_deleted_by_withdrawal", s.records_deleted_by_withdrawal},
                    {"records_by_category", s.records_by_category},
                    {"audit_head", audit_head_hash(*store)}});
        return;
    }
    fmt::print("ingested into '{}':\n", printable(ctx.opts.store));
    fmt::print("  subjects: {} new\n", s.subjects_created);
    fmt::print("  records:  {} inserted, {} replaced\n", s.records_inserted, s.records_replaced);
    fmt::print("  events:   {} added, {} already stored\n", s.events_added, s.events_duplicate);
    fmt::print("  consents: {} added, {} already stored\n", s.consents_added,
               s.consents_duplicate);
    if (s.records_deleted_by_withdrawal > 0) {
        fmt::print("  deleted:  {} resting on a withdrawn consent\n",
                   plural(s.records_deleted_by_withdrawal, "record", "records"));
    }
    for (const auto& [category, n] : s.records_by_category) {
        detail(ctx, fmt::format("  {}: {}", category, plural(n, "record", "records")));
    }
    note_audit_head(ctx, *store);
}

} // namespace

void setup_ingest(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<IngestCliOptions>();
    app.add_option("FILE", opts->files, "JSON Lines files to read; '-' or none: standard input");
    app.add_option("--lock-timeout", opts->lock_timeout,
                   "Seconds to wait for another vern run to release the store (default 30)")
        ->check(non_negative_count());
    app.callback([&ctx, opts] { run_ingest(ctx, *opts); });
}

} // namespace vern::cli
