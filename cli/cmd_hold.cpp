// vern hold place (--subject REF | --category C) --reason TEXT | hold release ID | hold list:
// legal holds. Nothing a hold covers is purged or erased while it is active. Placing and
// releasing are audited (a subject hold under the subject's pseudonym, never its ref).

#include "commands.hpp"

#include "vern/audit.hpp"
#include "vern/store.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <memory>

namespace vern::cli {
namespace {

struct HoldOptions {
    std::string subject;
    std::string category;
    std::string reason;
    std::int64_t id = 0;
    int lock_timeout = 30;
};

std::string digest_if_policy(Context& ctx) {
    return ctx.has_policy_option() ? ctx.policy().digest : std::string();
}

AuditEntry hold_audit(Context& ctx, Store& store, const char* action, const Hold& h) {
    AuditEntry e;
    e.at = ctx.now();
    e.user = current_os_user();
    e.command = "hold";
    e.action = action;
    e.category = h.category;
    e.policy_digest = digest_if_policy(ctx);
    if (!h.subject.empty()) {
        e.subject = store.pseudonym(h.subject);
    }
    return e;
}

std::unique_ptr<Store> open_for_write(Context& ctx, const HoldOptions& opts) {
    StoreOptions so;
    so.lock_timeout = opts.lock_timeout;
    auto store = open_store(ctx.opts.store, so);
    for (const std::string& w : store->open_report().warnings) {
        note(ctx, "vern: warning: " + w);
    }
    return store;
}

void run_place(Context& ctx, const HoldOptions& opts) {
    ctx.format();
    if (opts.subject.empty() == opts.category.empty()) {
        throw Error(Code::usage, "hold place needs exactly one of --subject REF or --category C");
    }
    if (ctx.has_policy_option() && !opts.category.empty() &&
        !ctx.policy().find_category(opts.category)) {
        throw Error(Code::data,
                    fmt::format("unknown category '{}' in the policy", opts.category));
    }
    auto store = open_for_write(ctx, opts);
    Hold h;
    h.category = opts.category;
    h.reason = opts.reason;
    h.placed = ctx.now();
    WriteTransaction tx(*store);
    if (!opts.subject.empty()) {
        auto s = store->find_subject(opts.subject);
        if (!s) {
            throw Error(Code::problem, fmt::format("no subject '{}' in the store '{}'",
                                                   excerpt(opts.subject), store->path()));
        }
        h.subject = s->ref;
        h.subject_rowid = s->rowid;
    }
    h.id = store->place_hold(h);
    store->append_audit(hold_audit(ctx, *store, "hold_place", h));
    tx.commit();
    if (ctx.json()) {
        print_json({{"id", h.id},
                    {"placed", format_utc(h.placed)},
                    {"audit_head", audit_head_hash(*store)}});
    } else {
        fmt::print("hold {} placed on {} {}\n", h.id, h.subject.empty() ? "category" : "subject",
                   printable(h.subject.empty() ? h.category : h.subject));
        note_audit_head(ctx, *store);
    }
}

void run_release(Context& ctx, const HoldOptions& opts) {
    ctx.format();
    auto store = open_for_write(ctx, opts);
    const Instant now = ctx.now();
    WriteTransaction tx(*store);
    std::optional<Hold> found;
    for (const Hold& h : store->list_holds()) {
        if (h.id == opts.id) {
            found = h;
        }
    }
    store->release_hold(opts.id, now); // throws for an unknown or already released id
    store->append_audit(hold_audit(ctx, *store, "hold_release", found.value_or(Hold{})));
    tx.commit();
    if (ctx.json()) {
        print_json({{"id", opts.id},
                    {"released", format_utc(now)},
                    {"audit_head", audit_head_hash(*store)}});
    } else {
        fmt::print("hold {} released\n", opts.id);
        note_audit_head(ctx, *store);
    }
}

void run_list(Context& ctx) {
    ctx.format();
    StoreOptions so;
    so.read_only = true;
    auto store = open_store(ctx.opts.store, so);
    const Zone zone = ctx.zone();
    const auto holds = store->list_holds();
    if (ctx.json()) {
        nlohmann::json list = nlohmann::json::array();
        for (const Hold& h : holds) {
            list.push_back(
                {{"id", h.id},
                 {"subject", h.subject.empty() ? nlohmann::json() : nlohmann::json(h.subject)},
                 {"category", h.category.empty() ? nlohmann::json() : nlohmann::json(h.category)},
                 {"reason", h.reason},
                 {"placed", format_utc(h.placed)},
                 {"released", h.released ? nlohmann::json(format_utc(*h.released))
                                         : nlohmann::json()},
                 {"active", h.active()}});
        }
        print_json({{"holds", list}});
        return;
    }
    if (holds.empty()) {
        fmt::print("no holds\n");
    }
    for (const Hold& h : holds) {
        fmt::print("{:>4}  {:<8}  {:<20}  placed {}  {}  {}\n", h.id,
                   h.subject.empty() ? "category" : "subject",
                   printable(h.subject.empty() ? h.category : h.subject),
                   format_local(h.placed, zone),
                   h.active() ? "active" : "released " + format_local(*h.released, zone),
                   printable(h.reason));
    }
}

} // namespace

void setup_hold(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<HoldOptions>();
    app.require_subcommand(1);
    CLI::App* place = app.add_subcommand("place", "Place a legal hold on a subject or a category");
    place->add_option("--subject", opts->subject, "The subject's ref");
    place->add_option("--category", opts->category, "A category id");
    place->add_option("--reason", opts->reason, "Why (e.g. a case number)")->required();
    place->add_option("--lock-timeout", opts->lock_timeout,
                      "Seconds to wait for another vern run (default 30)")
        ->check(non_negative_count());
    place->callback([&ctx, opts] { run_place(ctx, *opts); });

    CLI::App* release = app.add_subcommand("release", "Release a hold");
    release->add_option("ID", opts->id, "The hold's id (see 'vern hold list')")->required();
    release->add_option("--lock-timeout", opts->lock_timeout,
                        "Seconds to wait for another vern run (default 30)")
        ->check(non_negative_count());
    release->callback([&ctx, opts] { run_release(ctx, *opts); });

    CLI::App* list = app.add_subcommand("list", "List every hold");
    list->callback([&ctx] { run_list(ctx); });
}

} // namespace vern::cli
