// vern outbox list [--system ID] [--all] [--limit N] [--json | --json-lines]
// vern outbox ack --system ID [FILE|-]
// The outbox of deletion notices, for pull systems (their own job fetches and acknowledges) and
// for the operator. Acknowledging is all or nothing and audited.

#include "commands.hpp"

#include "vern/outbox.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <fstream>
#include <iostream>
#include <memory>

namespace vern::cli {
namespace {

struct OutboxCliOptions {
    std::string system;
    std::string subject;
    bool all = false;
    std::size_t limit = 0;
    bool json_lines = false;
    std::string input = "-";
    int lock_timeout = 30;
};

// With a policy, a --system must be one of its systems with `deliver` (or have notices in the
// store, e.g. one since removed from the policy): a pull job with a misspelt id must not see "no
// pending notices" for ever. Without a policy, vern cannot tell a typo from a quiet system.
void check_system(Context& ctx, Store& store, const std::string& system) {
    if (system.empty() || !ctx.has_policy_option()) return;
    const Policy& policy = ctx.policy();
    const Recipient* rec = policy.find_recipient(system);
    if (rec && rec->deliver != Delivery::none) return;
    NoticeQuery q;
    q.system = system;
    q.pending_only = false;
    q.limit = 1;
    if (!store.notices(q).empty()) return;
    std::string known;
    for (const Recipient& r : policy.recipients) {
        if (r.deliver != Delivery::none) known += (known.empty() ? "" : ", ") + r.id;
    }
    throw Error(Code::data,
                fmt::format("--system '{}': {}, and the store has no notices for it; the systems "
                            "with `deliver` are: {}",
                            system,
                            rec ? "the policy's [[recipient]] of this id has no `deliver`"
                                : "no [[recipient]] of the policy has this id",
                            known.empty() ? "(none)" : known));
}

nlohmann::json listed(const Notice& n) {
    nlohmann::json j = notice_json(n);
    j["acked"] = n.acked ? nlohmann::json(format_utc(*n.acked)) : nlohmann::json();
    j["attempts"] = n.attempts;
    j["last_error"] = n.last_error.empty() ? nlohmann::json() : nlohmann::json(n.last_error);
    return j;
}

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void run_list(Context& ctx, const OutboxCliOptions& opts) {
    ctx.format();
    StoreOptions so;
    so.read_only = true;
    auto store = open_store(ctx.opts.store, so);
    check_system(ctx, *store, opts.system);
    NoticeQuery q;
    q.system = opts.system;
    q.pending_only = !opts.all;
    q.limit = opts.limit;
    const Zone zone = ctx.zone();
    // Streamed page by page: a pull system's backlog can be large.
    std::size_t shown = 0;
    bool first = true;
    if (ctx.json() && !opts.json_lines) fmt::print("{{\n  \"notices\": [");
    while (true) {
        NoticeQuery page = q;
        page.limit = opts.limit == 0 ? 10000 : std::min<std::size_t>(10000, opts.limit - shown);
        if (page.limit == 0) break;
        std::vector<Notice> notices;
        if (!opts.subject.empty()) {
            // One person's notices (few): by the keyed pseudonym of the ref, which stays after
            // an erasure removed the subject, so that the answer can say who confirmed.
            for (Notice& n : store->subject_notices(store->pseudonym(opts.subject))) {
                if ((q.system.empty() || n.system == q.system) && (!q.pending_only || !n.acked) &&
                    notices.size() < page.limit) {
                    notices.push_back(std::move(n));
                }
            }
            page.limit = notices.size() + 1; // one page
        } else {
            notices = store->notices(page);
        }
        for (const Notice& n : notices) {
            if (opts.json_lines) {
                fmt::print("{}\n", dump(notice_json(n)));
            } else if (ctx.json()) {
                fmt::print("{}\n    {}", first ? "" : ",", dump(listed(n)));
            } else {
                if (first) {
                    fmt::print("{:<32}  {:<12}  {:<9}  {:<20}  {:<22}  {}\n", "NOTICE", "SYSTEM",
                               "ACTION", "CATEGORY", "CAUSE", "STATUS");
                }
                std::string status =
                    n.acked ? "acknowledged " + format_local(*n.acked, zone)
                    : n.attempts > 0
                        ? fmt::format("pending since {}, {} failed: {}",
                                      format_local(n.created, zone), n.attempts, n.last_error)
                        : "pending since " + format_local(n.created, zone);
                fmt::print("{:<32}  {:<12}  {:<9}  {:<20}  {:<22}  {}\n", n.notice,
                           printable(n.system), n.action, printable(n.category),
                           printable(n.cause), printable(status));
            }
            first = false;
        }
        shown += notices.size();
        if (notices.size() < page.limit) break;
        q.after_seq = notices.back().seq;
    }
    if (ctx.json() && !opts.json_lines) {
        fmt::print("{}]\n}}\n", first ? "" : "\n  ");
    } else if (!ctx.json() && !opts.json_lines && first) {
        fmt::print("{}\n", opts.all ? "the outbox is empty" : "no pending notices");
    }
}

void run_ack(Context& ctx, const OutboxCliOptions& opts) {
    ctx.format();
    std::vector<AckItem> items;
    if (opts.input == "-") {
        items = read_ack_items(std::cin, "<stdin>");
    } else {
        std::ifstream in(opts.input);
        if (!in) {
            throw Error(Code::no_input, fmt::format("cannot open '{}': no such file or not "
                                                    "readable (nothing was acknowledged)",
                                                    opts.input));
        }
        items = read_ack_items(in, opts.input);
    }
    StoreOptions so;
    so.lock_timeout = opts.lock_timeout;
    auto store = open_store(ctx.opts.store, so);
    for (const std::string& w : store->open_report().warnings) note(ctx, "vern: warning: " + w);
    check_system(ctx, *store, opts.system);
    const Policy no_policy;
    const Policy& policy = ctx.has_policy_option() ? ctx.policy() : no_policy;
    const AckResult r = acknowledge(*store, policy, opts.system, items,
                                    opts.input == "-" ? "<stdin>" : opts.input, ctx.now());
    if (ctx.json()) {
        print_json({{"system", r.system},
                    {"acknowledged", r.acknowledged},
                    {"already", r.already},
                    {"audit_head", audit_head_hash(*store)}});
        return;
    }
    fmt::print("acknowledged {} notice{} of {}", r.acknowledged, r.acknowledged == 1 ? "" : "s",
               printable(r.system));
    if (r.already > 0) fmt::print(" ({} acknowledged before)", r.already);
    fmt::print("\n");
    note_audit_head(ctx, *store);
}

} // namespace

void setup_outbox(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<OutboxCliOptions>();
    app.require_subcommand(1);
    CLI::App* list = app.add_subcommand("list", "List pending deletion notices");
    list->add_option("--system", opts->system, "Only this system's notices");
    list->add_option("--subject", opts->subject,
                     "Only the notices about this subject's records (also after an erasure)");
    list->add_flag("--all", opts->all, "Acknowledged notices too");
    list->add_option("--limit", opts->limit, "At most N notices")->check(positive_count());
    list->add_flag("--json-lines", opts->json_lines,
                   "One notice per line, as an exec command gets them");
    list->callback([&ctx, opts] { run_list(ctx, *opts); });

    CLI::App* ack = app.add_subcommand("ack", "Acknowledge notices a pull system has acted on");
    ack->add_option("--system", opts->system, "The system acknowledging")->required();
    ack->add_option("FILE", opts->input,
                    "Notice ids, one per line, or JSON Lines with \"notice\" ('-': stdin)");
    ack->add_option("--lock-timeout", opts->lock_timeout,
                    "Seconds to wait for another vern run (default 30)")
        ->check(non_negative_count());
    ack->callback([&ctx, opts] { run_ack(ctx, *opts); });
}

} // namespace vern::cli
