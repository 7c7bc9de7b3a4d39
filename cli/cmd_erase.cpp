// vern erase SELECTOR [--category C]... [--dry-run] [--reason TEXT] [--request ID]
// [--include-processor] [--lock-timeout S]: GDPR art. 17 erasure of one subject. With
// --request, a selector that matches nobody answers an erasure request registered for it
// (vern request open): nothing to erase, the request is closed.
// vern erase --replay LEDGER [--dry-run]: applies an erasure ledger again after a restore.

#include "commands.hpp"
#include "rights_options.hpp"

#include "vern/ledger.hpp"
#include "vern/outbox.hpp"
#include "vern/rights.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <fstream>
#include <memory>

namespace vern::cli {
namespace {

struct EraseCliOptions {
    SelectorOptions selector;
    std::vector<std::string> categories;
    bool dry_run = false;
    std::string reason;
    std::int64_t request = 0;
    bool include_processor = false;
    int lock_timeout = 30;
    std::string replay;
};

std::string records_text(std::int64_t n) {
    return fmt::format("{} record{}", n, n == 1 ? "" : "s");
}

std::string outcome_text(const ErasureCategory& c, bool dry_run) {
    switch (c.outcome) {
    case EraseOutcome::erased: return dry_run ? "would erase" : "erased";
    case EraseOutcome::held: return "held";
    case EraseOutcome::legal_obligation: return "retained";
    case EraseOutcome::processor: return "referred";
    }
    return "";
}

std::string outcome_note(const ErasureCategory& c) {
    switch (c.outcome) {
    case EraseOutcome::erased: return "";
    case EraseOutcome::held: return "under an active legal hold";
    case EraseOutcome::legal_obligation:
        return c.legal_ref.empty() ? "legal obligation" : "legal obligation: " + c.legal_ref;
    case EraseOutcome::processor:
        return fmt::format("processor for {}: the request belongs to {} (--include-processor "
                           "erases it here too)",
                           c.controller, c.controller);
    }
    return "";
}

void print_erasure(Context& ctx, const ErasureResult& r, const std::string& reason,
                   const std::string& audit_head) {
    if (ctx.json()) {
        nlohmann::json categories = nlohmann::json::array();
        for (const auto& c : r.categories) {
            categories.push_back(
                {{"category", c.category},
                 {"outcome", erase_outcome_name(c.outcome)},
                 {"records", c.records},
                 {"legal_ref",
                  c.legal_ref.empty() ? nlohmann::json() : nlohmann::json(c.legal_ref)},
                 {"controller",
                  c.controller.empty() ? nlohmann::json() : nlohmann::json(c.controller)}});
        }
        nlohmann::json records = nlohmann::json::array();
        for (const auto& i : r.records) {
            records.push_back({{"id", i.record},
                               {"category", i.category},
                               {"outcome", erase_outcome_name(i.outcome)}});
        }
        nlohmann::json doc = {
            {"subject", r.selector.empty() ? nlohmann::json(r.subject) : nlohmann::json()},
            {"selector", r.selector.empty() ? nlohmann::json() : nlohmann::json(r.selector)},
            {"now", format_utc(r.now)},
            {"dry_run", r.dry_run},
            {"reason", reason.empty() ? nlohmann::json() : nlohmann::json(reason)},
            {"erased", r.erased},
            {"retained", r.retained},
            {"subject_removed", r.subject_removed},
            {"request_closed",
             r.request_closed ? nlohmann::json(*r.request_closed) : nlohmann::json()},
            {"categories", categories},
            {"records", records}};
        if (notifies_any(ctx.policy())) doc["notified"] = r.notified;
        if (!audit_head.empty()) doc["audit_head"] = audit_head;
        print_json(doc);
        return;
    }
    const std::string subject = printable(r.subject);
    const auto nobody = parse_selector_kind(r.selector); // a person the store does not hold
    fmt::print("erase {}{}\n",
               nobody ? fmt::format("(no subject in the store: {})", selector_option(*nobody))
                      : subject,
               r.dry_run ? " (dry run: nothing was changed)" : "");
    if (r.categories.empty()) fmt::print("  no records\n");
    for (const auto& c : r.categories) {
        std::string note_text = outcome_note(c);
        std::string row = fmt::format("  {:<11} {:<20} {}", outcome_text(c, r.dry_run), c.category,
                                      records_text(c.records));
        if (!note_text.empty()) row = fmt::format("{:<48}{}", row, note_text);
        fmt::print("{}\n", row);
    }
    fmt::print("{} {}, {} retained\n", r.dry_run ? "would erase" : "erased", records_text(r.erased),
               records_text(r.retained));
    if (nobody) {
        fmt::print("the store holds no data about this person: nothing to erase\n");
    } else if (r.subject_removed) {
        fmt::print("subject {} {}; its keyed pseudonym is kept so that ingest refuses it\n",
                   subject, r.dry_run ? "would be removed" : "removed");
    } else {
        fmt::print("subject {} stays in the store (records retained or a hold is active)\n",
                   subject);
    }
    if (r.request_closed) {
        fmt::print("request {} {}\n", *r.request_closed, r.dry_run ? "would be closed" : "closed");
    }
    // GDPR art. 17(2) and 19: the systems and recipients holding copies are told.
    for (const auto& [system, n] : r.notified) {
        fmt::print("{} {} about {} (deletion notice{} in the outbox)\n", system,
                   r.dry_run ? "would be told" : "is told", records_text(n), n == 1 ? "" : "s");
    }
}

void run_replay(Context& ctx, const EraseCliOptions& opts) {
    ctx.format();
    const Policy& policy = ctx.policy();
    std::ifstream in(opts.replay);
    if (!in) throw Error(Code::no_input, fmt::format("cannot open the ledger '{}'", opts.replay));
    auto store = open_rights_store(ctx, opts.lock_timeout);
    const ReplayResult r =
        replay_erasure_ledger(*store, policy, in, opts.replay, ctx.now(), opts.dry_run);
    if (!r.wal_truncated) warn_wal_kept(ctx);
    const std::string head = opts.dry_run ? std::string() : audit_head_hash(*store);
    if (ctx.json()) {
        nlohmann::json applied = nlohmann::json::array();
        for (const auto& e : r.applied) {
            applied.push_back(
                {{"line", e.line},
                 {"type", e.type},
                 {"subject", e.subject},
                 {"purpose", e.purpose.empty() ? nlohmann::json() : nlohmann::json(e.purpose)},
                 {"deleted", e.deleted},
                 {"held", e.held},
                 {"subject_removed", e.subject_removed},
                 {"given_again", e.given_again}});
        }
        nlohmann::json doc = {{"dry_run", opts.dry_run},
                              {"entries", r.entries},
                              {"subjects_found", r.subjects_found},
                              {"deleted", r.deleted},
                              {"subjects_removed", r.subjects_removed},
                              {"applied", applied}};
        if (notifies_any(policy)) doc["notified"] = r.notified;
        if (!head.empty()) doc["audit_head"] = head;
        print_json(doc);
        return;
    }
    for (const auto& e : r.applied) {
        if (e.given_again) {
            fmt::print("{}:{}: {} {} ({}): consent given again since; nothing deleted\n",
                       printable(opts.replay), e.line, e.type, printable(e.subject), e.purpose);
            continue;
        }
        fmt::print("{}:{}: {} {}{}: {} {}{}{}\n", printable(opts.replay), e.line, e.type,
                   printable(e.subject),
                   e.purpose.empty() ? "" : " (" + e.purpose + ")", records_text(e.deleted),
                   opts.dry_run ? "would be deleted" : "deleted",
                   e.held ? fmt::format(", {} held", e.held) : "",
                   e.subject_removed ? ", subject removed" : "");
    }
    fmt::print("{}replayed {} ledger entries: {} subjects still present, {} deleted, {} subjects "
               "removed\n",
               opts.dry_run ? "dry run: " : "", r.entries, r.subjects_found,
               records_text(r.deleted), r.subjects_removed);
    for (const auto& [system, n] : r.notified) {
        fmt::print("{} is told again about {} (deletion notice{} in the outbox)\n", system,
                   records_text(n), n == 1 ? "" : "s");
    }
    if (!opts.dry_run) note_audit_head(ctx, *store);
}

void run_erase(Context& ctx, const EraseCliOptions& opts) {
    if (!opts.replay.empty()) {
        const auto& sel = opts.selector;
        if (!sel.subject.empty() || !sel.email.empty() || !sel.phone.empty() ||
            !sel.national_id.empty() || !sel.name.empty() || !opts.categories.empty() ||
            opts.request != 0) {
            throw Error(Code::usage, "--replay LEDGER takes no selector, --category or --request");
        }
        run_replay(ctx, opts);
        return;
    }
    ctx.format();
    const Policy& policy = ctx.policy();
    const Selector selector = selected(opts.selector);
    auto store = open_rights_store(ctx, opts.lock_timeout);
    // Nobody matches: exit 1, unless --request names an erasure request registered for this
    // selector (nothing to erase; the request is closed).
    const std::optional<Subject> subject =
        opts.request != 0 ? resolve_selected_or_none(ctx, *store, opts.selector)
                          : std::optional<Subject>(resolve_selected(ctx, *store, opts.selector));
    EraseOptions options;
    options.categories = opts.categories;
    options.dry_run = opts.dry_run;
    options.include_processor = opts.include_processor;
    if (opts.request != 0) {
        options.request = opts.request;
        options.selector_pseudonym = selector_pseudonym(*store, selector);
    }
    const ErasureResult r =
        subject ? erase_subject(*store, policy, *subject, ctx.now(), options)
                : erase_unknown_person(*store, policy, selector, ctx.now(), options);
    if (!r.wal_truncated) warn_wal_kept(ctx);
    print_erasure(ctx, r, opts.reason, opts.dry_run ? std::string() : audit_head_hash(*store));
    if (!opts.dry_run && !ctx.json()) note_audit_head(ctx, *store);
}

} // namespace

void setup_erase(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<EraseCliOptions>();
    add_selector_options(app, opts->selector);
    app.add_option("--category", opts->categories, "Only this category; repeatable")
        ->allow_extra_args(false);
    app.add_flag("--dry-run", opts->dry_run, "Show the outcome; change nothing");
    app.add_option("--reason", opts->reason, "Why (shown in the output; not stored)");
    app.add_option("--request", opts->request, "The erasure request this answers; closes it");
    app.add_flag("--include-processor", opts->include_processor,
                 "Also erase categories processed on behalf of another controller");
    app.add_option("--lock-timeout", opts->lock_timeout,
                   "Seconds to wait for another vern run (default 30)")
        ->check(non_negative_count());
    app.add_option("--replay", opts->replay,
                   "Apply again every erasure and consent withdrawal of an exported ledger");
    app.callback([&ctx, opts] { run_erase(ctx, *opts); });
}

} // namespace vern::cli
