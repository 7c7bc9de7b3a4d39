// vern status: one screen about the store: its size, records per category, overdue records and
// what falls due next (with --policy), open requests with their days left, active holds and the
// last purge. Without a policy, the parts that need one are left out (JSON: "outlook": null).

#include "commands.hpp"
#include "purge_report.hpp"

#include "vern/status.hpp"
#include "vern/store.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <memory>

namespace vern::cli {
namespace {

using nlohmann::json;

std::string human_size(std::int64_t bytes) {
    if (bytes < 1024)
        return fmt::format("{} B", bytes);
    const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes) / 1024.0;
    int u = 0;
    while (v >= 1024.0 && u < 3) {
        v /= 1024.0;
        ++u;
    }
    return fmt::format("{:.1f} {}", v, units[u]);
}

// "1 record", "2 records".
std::string records(std::int64_t n) {
    return fmt::format("{} record{}", n, n == 1 ? "" : "s");
}

json dues_json(const std::vector<CategoryDue>& list, const char* time_key) {
    json a = json::array();
    for (const CategoryDue& c : list) {
        a.push_back(
            {{"category", c.category}, {"records", c.records}, {time_key, format_utc(c.earliest)}});
    }
    return a;
}

json outlook_json(const std::optional<RetentionOutlook>& o) {
    if (!o)
        return nullptr;
    return {{"policy_digest", o->policy_digest},
            {"overdue", o->overdue_total},
            {"overdue_by_category", dues_json(o->overdue, "oldest_due")},
            {"held", o->held},
            {"due_until", format_utc(o->horizon)},
            {"due_soon", o->upcoming_total},
            {"due_soon_by_category", dues_json(o->upcoming, "earliest_due")}};
}

json status_json(const StoreStatus& s) {
    json requests = json::array();
    for (const StatusRequest& r : s.open_requests) {
        requests.push_back({{"id", r.id},
                            {"kind", r.kind},
                            {"received", format_utc(r.received)},
                            {"due", format_utc(r.due)},
                            {"extended", r.extended},
                            {"days_left", r.days_left},
                            {"overdue", r.overdue}});
    }
    json holds = json::array();
    for (const StatusHold& h : s.active_holds) {
        holds.push_back({{"id", h.id},
                         {"scope", h.scope},
                         {"category", h.category.empty() ? json() : json(h.category)},
                         {"placed", format_utc(h.placed)}});
    }
    json purge = nullptr;
    if (s.last_purge) {
        purge = {{"at", format_utc(s.last_purge->at)},
                 {"user", s.last_purge->user},
                 {"policy_digest", s.last_purge->policy_digest},
                 {"deleted", s.last_purge->deleted},
                 {"anonymized", s.last_purge->anonymized},
                 {"subjects_removed", s.last_purge->subjects_removed}};
    }
    return {{"now", format_utc(s.now)},
            {"store",
             {{"path", s.store_path},
              {"backend", s.backend},
              {"file_bytes", s.file_bytes},
              {"wal_bytes", s.wal_bytes},
              {"schema_version", s.schema_version},
              {"checkpoint_pending",
               s.checkpoint_pending ? json(format_utc(*s.checkpoint_pending)) : json()}}},
            {"subjects", s.subjects},
            {"records", s.records},
            {"records_by_category", s.records_by_category},
            {"audit_entries", s.audit_entries},
            {"audit_head", s.audit_head},
            {"open_requests", requests},
            {"active_holds", holds},
            {"last_purge", purge},
            {"outlook", outlook_json(s.outlook)},
            {"outbox", s.outbox ? outbox_json(*s.outbox) : json()}};
}

// One line per system with `deliver`: what waits for it, since when, and what went wrong.
void print_outbox(const std::optional<std::vector<SystemOutbox>>& systems, Zone zone) {
    if (!systems || systems->empty()) return;
    std::int64_t pending = 0;
    for (const SystemOutbox& s : *systems) pending += s.stats.pending;
    const std::int64_t overdue = overdue_notices(*systems);
    fmt::print("outbox      {} notice{} pending{}\n", pending, pending == 1 ? "" : "s",
               overdue > 0 ? fmt::format(", {} OVERDUE (not confirmed in time)", overdue) : "");
    for (const SystemOutbox& s : *systems) {
        std::string line = fmt::format("  {:<20} {:<4} {:>8} pending", s.system,
                                       delivery_name(s.deliver), s.stats.pending);
        if (s.stats.overdue > 0) {
            line += fmt::format(", {} OVERDUE (confirm within {})", s.stats.overdue,
                                s.confirm_within.text);
        }
        if (s.stats.oldest_pending) {
            line += ", oldest " + format_local(*s.stats.oldest_pending, zone);
        }
        line += fmt::format(", {} acknowledged", s.stats.acked);
        if (s.stats.failed > 0) {
            line += fmt::format(", {} failed delivery: {}", s.stats.failed,
                                printable(s.stats.last_error));
        }
        fmt::print("{}\n", line);
    }
}

void print_outlook(const std::optional<RetentionOutlook>& o, Zone zone) {
    if (!o) {
        fmt::print("overdue     unknown: give --policy to evaluate the records\n");
        return;
    }
    fmt::print("overdue     {}{}\n", records(o->overdue_total),
               o->overdue_total > 0 ? " (due but still present: has the nightly purge run?)" : "");
    for (const CategoryDue& c : o->overdue) {
        fmt::print("  {:<20} {:>8}  oldest due {}\n", c.category, c.records,
                   format_local(c.earliest, zone));
    }
    if (o->held > 0) {
        fmt::print("held        {} due but under a legal hold\n", records(o->held));
    }
    fmt::print("next due    {} by {}\n", records(o->upcoming_total),
               format_local(o->horizon, zone));
    for (const CategoryDue& c : o->upcoming) {
        fmt::print("  {:<20} {:>8}  first {}\n", c.category, c.records,
                   format_local(c.earliest, zone));
    }
}

void print_text(const StoreStatus& s, Zone zone) {
    if (s.backend == "sqlite") {
        fmt::print("store       {} ({}, WAL {}), schema {}\n", printable(s.store_path),
                   human_size(s.file_bytes), human_size(s.wal_bytes), s.schema_version);
    } else {
        fmt::print("store       {} ({}, {}), schema {}\n", printable(s.store_path), s.backend,
                   human_size(s.file_bytes), s.schema_version);
    }
    if (s.checkpoint_pending) {
        fmt::print("            WAITING: deleted content has been on disk since {}, because a "
                   "reader kept the store open when it was deleted; the next vern run that "
                   "changes the store (e.g. the nightly purge) writes it out\n",
                   format_local(*s.checkpoint_pending, zone));
    }
    fmt::print("now         {}\n", format_local(s.now, zone));
    fmt::print("subjects    {}\nrecords     {}\n", s.subjects, s.records);
    for (const auto& [category, n] : s.records_by_category) {
        fmt::print("  {:<20} {:>8}\n", category, n);
    }
    print_outlook(s.outlook, zone);
    fmt::print("requests    {} open\n", s.open_requests.size());
    for (const StatusRequest& r : s.open_requests) {
        fmt::print(
            "  {:>4} {:<14} due {}  {}\n", r.id, r.kind, format_local(r.due, zone),
            r.overdue
                ? fmt::format("OVERDUE by {} day{}", -r.days_left, r.days_left == -1 ? "" : "s")
                : fmt::format("{} day{} left", r.days_left, r.days_left == 1 ? "" : "s"));
    }
    fmt::print("holds       {} active\n", s.active_holds.size());
    for (const StatusHold& h : s.active_holds) {
        fmt::print("  {:>4} {:<8} {:<20} since {}\n", h.id, h.scope,
                   h.category.empty() ? "-" : h.category, format_local(h.placed, zone));
    }
    print_outbox(s.outbox, zone);
    if (s.last_purge) {
        const LastPurge& p = *s.last_purge;
        fmt::print("last purge  {} by {}: {} deleted, {} anonymised, {} subjects removed\n",
                   format_local(p.at, zone), p.user, p.deleted, p.anonymized, p.subjects_removed);
    } else {
        fmt::print("last purge  none that changed anything\n");
    }
    fmt::print("audit log   {} entries\n", s.audit_entries);
    fmt::print("audit head  {}\n", s.audit_head);
}

void run_status(Context& ctx) {
    const std::string format = ctx.format();
    const Policy* policy = ctx.has_policy_option() ? &ctx.policy() : nullptr;
    const Instant now = ctx.now();
    StoreOptions so;
    so.read_only = true;
    so.save_quiet = policy != nullptr; // its quiet table (store_types.hpp), when the lock is free
    auto store = open_store(ctx.opts.store, so);
    for (const std::string& w : store->open_report().warnings) {
        note(ctx, "vern: warning: " + w);
    }
    // Evaluating every record takes seconds on a large store: a bar on a terminal meanwhile.
    const auto progress = policy ? count_progress_bar(ctx, "status", "records evaluated")
                                 : std::function<void(std::int64_t, std::int64_t)>();
    const StoreStatus status = store_status(*store, policy, now, progress);
    if (progress) {
        end_progress_bar(ctx);
    }
    if (format == "json") {
        print_json(status_json(status));
    } else {
        print_text(status, ctx.zone());
    }
}

} // namespace

void setup_status(CLI::App& app, Context& ctx) {
    app.callback([&ctx] { run_status(ctx); });
}

} // namespace vern::cli
