// vern request open --kind K SELECTOR [--received TIME] | extend ID --reason TEXT [--by D] |
// close ID | list [--overdue]: data-subject requests and their deadlines (GDPR art. 12(3)).
// A request for a person the store does not hold is registered too, under the selector's
// keyed pseudonym ("We hold no data about you" is an answer with the same deadline).

#include "commands.hpp"
#include "rights_options.hpp"

#include "vern/requests.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <memory>

namespace vern::cli {
namespace {

struct RequestCliOptions {
    std::string kind;
    SelectorOptions selector;
    std::string received;
    std::int64_t id = 0;
    std::string reason;
    std::string by;
    bool overdue = false;
    int lock_timeout = 30;
};

nlohmann::json optional_time(const std::optional<Instant>& t) {
    return t ? nlohmann::json(format_utc(*t)) : nlohmann::json();
}

nlohmann::json request_json(const Request& r, Instant now) {
    return {{"id", r.id},
            {"kind", r.kind},
            {"subject", r.subject.empty() ? nlohmann::json() : nlohmann::json(r.subject)},
            {"selector", r.selector.empty() ? nlohmann::json() : nlohmann::json(r.selector)},
            {"received", format_utc(r.received)},
            {"due", format_utc(r.due)},
            {"extended_due", optional_time(r.extended_due)},
            {"extension_reason",
             r.extension_reason.empty() ? nlohmann::json() : nlohmann::json(r.extension_reason)},
            {"effective_due", format_utc(r.effective_due())},
            {"closed", optional_time(r.closed)},
            {"status", request_status_name(request_status(r, now))},
            {"days_left", r.closed ? nlohmann::json() : nlohmann::json(request_days_left(r, now))}};
}

std::string status_text(const Request& r, Instant now, Zone zone) {
    switch (request_status(r, now)) {
    case RequestStatus::open: {
        auto days = request_days_left(r, now);
        return fmt::format("open, {} day{} left", days, days == 1 ? "" : "s");
    }
    case RequestStatus::overdue: {
        auto days = -request_days_left(r, now);
        return fmt::format("OVERDUE by {} day{}", days, days == 1 ? "" : "s");
    }
    case RequestStatus::closed: return "closed " + format_local_date(*r.closed, zone) + ", in time";
    case RequestStatus::closed_late:
        return "closed " + format_local_date(*r.closed, zone) + ", late";
    }
    return "";
}

// The option of a request registered for a person the store did not hold ("--email"), or "".
std::string selector_option_of(const Request& r) {
    auto kind = parse_selector_kind(r.selector);
    return kind ? selector_option(*kind) : "";
}

// Who a request is about, for `request list`: the ref, "(not in store: email)" for a request
// registered for a person the store did not hold, "(removed)" once its subject was removed.
std::string who(const Request& r) {
    if (!r.subject.empty()) return printable(r.subject);
    if (!r.selector.empty()) return fmt::format("(not in store: {})", r.selector);
    return "(removed)";
}

void print_one(Context& ctx, const char* verb, const Request& r, Instant now, Store& store) {
    if (ctx.json()) {
        nlohmann::json doc = request_json(r, now);
        doc["audit_head"] = audit_head_hash(store);
        print_json(doc);
        return;
    }
    const Zone zone = ctx.zone();
    const std::string about =
        r.subject.empty() && !r.selector.empty()
            ? fmt::format("no subject in the store: {}", selector_option_of(r))
            : "subject " + who(r);
    fmt::print(
        "request {} ({}, {}) {}: due {}{}\n", r.id, r.kind, about, verb,
        format_local(r.effective_due(), zone),
        r.extended_due ? fmt::format(" (extended from {})", format_local_date(r.due, zone)) : "");
    note_audit_head(ctx, store);
}

void run_open(Context& ctx, const RequestCliOptions& opts) {
    ctx.format();
    const Policy& policy = ctx.policy();
    if (!is_request_kind(opts.kind)) {
        throw Error(Code::usage, fmt::format("unknown request kind \"{}\": expected one of {}",
                                             opts.kind, request_kinds_text()));
    }
    const Instant now = ctx.now();
    Instant received = now;
    if (!opts.received.empty()) {
        auto t = parse_time(opts.received, policy.info.zone);
        if (!t) throw Error(Code::data, "--received: " + t.error());
        received = *t;
    }
    const Selector selector = selected(opts.selector); // usage errors before opening the store
    auto store = open_rights_store(ctx, opts.lock_timeout);
    // Several matches: listed, exit 1, nothing registered. None: registered without a subject.
    resolve_selected_or_none(ctx, *store, opts.selector);
    print_one(ctx, "opened",
              open_request_by_selector(*store, policy, selector, opts.kind, received, now), now,
              *store);
}

void run_extend(Context& ctx, const RequestCliOptions& opts) {
    ctx.format();
    const Policy& policy = ctx.policy();
    std::optional<Duration> by;
    if (!opts.by.empty()) {
        auto d = parse_duration(opts.by);
        if (!d) throw Error(Code::data, "--by: " + d.error());
        by = *d;
    }
    auto store = open_rights_store(ctx, opts.lock_timeout);
    const Instant now = ctx.now();
    print_one(ctx, "extended", extend_request(*store, policy, opts.id, opts.reason, by, now), now,
              *store);
}

void run_close(Context& ctx, const RequestCliOptions& opts) {
    ctx.format();
    const Policy& policy = ctx.policy();
    auto store = open_rights_store(ctx, opts.lock_timeout);
    const Instant now = ctx.now();
    const Request r = close_request(*store, policy, opts.id, now);
    if (ctx.json()) {
        nlohmann::json doc = request_json(r, now);
        doc["audit_head"] = audit_head_hash(*store);
        print_json(doc);
    } else {
        fmt::print("request {} ({}) closed: {}\n", r.id, r.kind, status_text(r, now, ctx.zone()));
        note_audit_head(ctx, *store);
    }
}

void run_list(Context& ctx, const RequestCliOptions& opts) {
    ctx.format();
    StoreOptions so;
    so.read_only = true;
    auto store = open_store(ctx.opts.store, so);
    const Instant now = ctx.now();
    const auto requests = list_requests(*store, opts.overdue, now);
    if (ctx.json()) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& r : requests)
            list.push_back(request_json(r, now));
        print_json({{"now", format_utc(now)}, {"requests", list}});
        return;
    }
    if (requests.empty()) fmt::print("{}\n", opts.overdue ? "no overdue requests" : "no requests");
    const Zone zone = ctx.zone();
    for (const auto& r : requests) {
        fmt::print("{:>4}  {:<13}  {:<16}  received {}  due {}  {}\n", r.id, r.kind, who(r),
                   format_local_date(r.received, zone),
                   format_local_date(r.effective_due(), zone), status_text(r, now, zone));
    }
}

} // namespace

void setup_request(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<RequestCliOptions>();
    app.require_subcommand(1);
    auto lock = [&](CLI::App* sub) {
        sub->add_option("--lock-timeout", opts->lock_timeout,
                        "Seconds to wait for another vern run (default 30)")
            ->check(non_negative_count());
    };
    CLI::App* open = app.add_subcommand(
        "open", "Register a request, also for a person the store does not hold; due = received "
                "+ request_deadline");
    open->add_option("--kind", opts->kind, request_kinds_text())->required();
    add_selector_options(*open, opts->selector);
    open->add_option("--received", opts->received, "When it was received (default now)");
    lock(open);
    open->callback([&ctx, opts] { run_open(ctx, *opts); });

    CLI::App* extend = app.add_subcommand("extend", "Extend a request once, by at most two months");
    extend->add_option("ID", opts->id, "The request's id")->required();
    extend->add_option("--reason", opts->reason, "Why the answer takes longer")->required();
    extend->add_option("--by", opts->by, "How much longer (default and at most 2mo)");
    lock(extend);
    extend->callback([&ctx, opts] { run_extend(ctx, *opts); });

    CLI::App* close = app.add_subcommand("close", "Mark a request as answered");
    close->add_option("ID", opts->id, "The request's id")->required();
    lock(close);
    close->callback([&ctx, opts] { run_close(ctx, *opts); });

    CLI::App* list = app.add_subcommand("list", "List requests with their deadlines");
    list->add_flag("--overdue", opts->overdue, "Only open requests past their due time");
    list->callback([&ctx, opts] { run_list(ctx, *opts); });
}

} // namespace vern::cli
