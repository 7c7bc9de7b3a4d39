// vern consent give|withdraw --subject REF --purpose P [--at TIME]; vern consent list --subject
// REF. A withdrawal deletes, in the same transaction, the records that rested on that consent.

#include "commands.hpp"

#include "vern/outbox.hpp"
#include "rights_options.hpp"

#include "vern/rights.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <memory>

namespace vern::cli {
namespace {

struct ConsentCliOptions {
    std::string subject;
    std::string purpose;
    std::string at;
    int lock_timeout = 30;
};

Instant consent_time(Context& ctx, const ConsentCliOptions& opts) {
    if (opts.at.empty()) return ctx.now();
    auto t = parse_time(opts.at, ctx.zone());
    if (!t) throw Error(Code::data, "--at: " + t.error());
    return *t;
}

void print_change(Context& ctx, const ConsentResult& r, const std::string& audit_head) {
    if (ctx.json()) {
        nlohmann::json doc = {{"subject", r.subject},
                              {"purpose", r.purpose},
                              {"given", r.given},
                              {"at", format_utc(r.at)},
                              {"recorded", r.recorded},
                              {"subject_created", r.subject_created},
                              {"deleted", r.deleted},
                              {"deleted_total", r.deleted_total},
                              {"held", r.held},
                              {"audit_head", audit_head}};
        if (!r.given && notifies_any(ctx.policy())) doc["notified"] = r.notified;
        print_json(doc);
        return;
    }
    fmt::print("consent of {} to \"{}\" {} at {}{}\n", printable(r.subject), r.purpose,
               r.given ? "given" : "withdrawn", format_local(r.at, ctx.zone()),
               r.recorded ? "" : " (already recorded)");
    if (r.given) return;
    for (const auto& [category, n] : r.deleted) {
        fmt::print("  deleted {} record{} in {}\n", n, n == 1 ? "" : "s", category);
    }
    fmt::print("{} record{} deleted", r.deleted_total, r.deleted_total == 1 ? "" : "s");
    if (r.held) fmt::print(", {} kept under an active legal hold", r.held);
    fmt::print("\n");
    for (const auto& [system, n] : r.notified) {
        fmt::print("  {} notice{} for {} in the outbox\n", n, n == 1 ? "" : "s", system);
    }
}

void run_change(Context& ctx, const ConsentCliOptions& opts, bool give) {
    ctx.format();
    const Policy& policy = ctx.policy();
    const Instant at = consent_time(ctx, opts);
    auto store = open_rights_store(ctx, opts.lock_timeout);
    const Instant now = ctx.now();
    const ConsentResult r =
        give ? give_consent(*store, policy, opts.subject, opts.purpose, at, now)
             : withdraw_consent(*store, policy, opts.subject, opts.purpose, at, now);
    if (!r.wal_truncated) warn_wal_kept(ctx);
    print_change(ctx, r, audit_head_hash(*store));
    if (!ctx.json()) note_audit_head(ctx, *store);
}

void run_list(Context& ctx, const ConsentCliOptions& opts) {
    ctx.format();
    StoreOptions so;
    so.read_only = true;
    auto store = open_store(ctx.opts.store, so);
    const Instant now = ctx.now();
    const ConsentStatus s = list_consents(*store, opts.subject, now);
    if (ctx.json()) {
        nlohmann::json history = nlohmann::json::array();
        for (const auto& c : s.history) {
            history.push_back(
                {{"purpose", c.purpose}, {"given", c.given}, {"at", format_utc(c.at)}});
        }
        print_json({{"subject", s.subject},
                    {"now", format_utc(now)},
                    {"history", history},
                    {"active", s.active}});
        return;
    }
    if (s.history.empty()) fmt::print("no consents recorded for {}\n", printable(s.subject));
    for (const auto& c : s.history) {
        fmt::print("{}  {:<20} {}{}\n", format_local(c.at, ctx.zone()), c.purpose,
                   c.given ? "given" : "withdrawn", c.at > now ? " (after --now)" : "");
    }
    for (const auto& [purpose, active] : s.active) {
        fmt::print("{:<20} {} now\n", purpose, active ? "active" : "not active");
    }
}

} // namespace

void setup_consent(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ConsentCliOptions>();
    app.require_subcommand(1);
    for (const char* name : {"give", "withdraw"}) {
        const bool give = std::string(name) == "give";
        CLI::App* sub = app.add_subcommand(
            name, give ? "Record a consent" : "Record a withdrawal and delete what rested on it");
        sub->add_option("--subject", opts->subject, "The subject's ref")->required();
        sub->add_option("--purpose", opts->purpose, "The consent purpose")->required();
        sub->add_option("--at", opts->at, "When (RFC 3339 or a date; default now)");
        sub->add_option("--lock-timeout", opts->lock_timeout,
                        "Seconds to wait for another vern run (default 30)")
            ->check(non_negative_count());
        sub->callback([&ctx, opts, give] { run_change(ctx, *opts, give); });
    }
    CLI::App* list = app.add_subcommand("list", "A subject's consent history and current state");
    list->add_option("--subject", opts->subject, "The subject's ref")->required();
    list->callback([&ctx, opts] { run_list(ctx, *opts); });
}

} // namespace vern::cli
