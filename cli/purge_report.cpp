// Text and JSON rendering of purge / plan results, and the progress bar on stderr.

#include "purge_report.hpp"

#include "vern/outbox.hpp"

#include "vern/text.hpp"

#include <fmt/core.h>

#include <unistd.h>

#include <algorithm>

namespace vern::cli {
namespace {

// Exactly the keys of SPEC 5 (programs compare whole objects); the case shows in text output.
nlohmann::json record_json(const PurgedRecord& r) {
    return {{"id", r.id},
            {"subject", r.subject.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.subject)},
            {"category", r.category},
            {"rule", r.rule},
            {"action", action_name(r.action)},
            {"due", format_utc(r.due)}};
}

nlohmann::json by_rule_json(const std::vector<RuleCount>& counts) {
    nlohmann::json out = nlohmann::json::array();
    for (const RuleCount& c : counts) {
        out.push_back({{"rule", c.rule},
                       {"category", c.category},
                       {"action", action_name(c.action)},
                       {"records", c.records}});
    }
    return out;
}

nlohmann::json fallbacks_json(const std::vector<AnonymizeFallback>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const AnonymizeFallback& f : list) {
        out.push_back({{"id", f.record},
                       {"category", f.category},
                       {"rule", f.rule},
                       {"field", f.field},
                       {"reason", f.reason}});
    }
    return out;
}

void print_table(const std::vector<RuleCount>& counts) {
    std::size_t rule_w = 4;
    std::size_t cat_w = 8;
    for (const RuleCount& c : counts) {
        rule_w = std::max(rule_w, c.rule.size());
        cat_w = std::max(cat_w, c.category.size());
    }
    fmt::print("  {:<{}}  {:<{}}  {:<9}  {:>7}\n", "rule", rule_w, "category", cat_w, "action",
               "records");
    for (const RuleCount& c : counts) {
        fmt::print("  {:<{}}  {:<{}}  {:<9}  {:>7}\n", c.rule, rule_w, c.category, cat_w,
                   action_name(c.action), c.records);
    }
}

void print_records(const std::vector<PurgedRecord>& records, Zone zone, bool held = false) {
    for (const PurgedRecord& r : records) {
        fmt::print("  {:<9}  {}  (subject {}{}, category {}, rule {}{}, due {})\n",
                   held ? "held" : action_name(r.action), printable(r.id),
                   r.subject.empty() ? "-" : printable(r.subject),
                   r.case_id.empty() ? "" : fmt::format(", case {}", printable(r.case_id)),
                   r.category, r.rule,
                   held ? fmt::format(" would {}", action_name(r.action)) : "",
                   format_local(r.due, zone));
    }
}

void print_text(Context& ctx, const PurgeResult& r, bool list,
                const std::optional<Duration>& within) {
    const Zone zone = ctx.policy().info.zone;
    fmt::print("{} at {}{}\n", r.dry_run ? "plan" : "purge", format_local(r.now, zone),
               r.dry_run ? " (dry run: nothing was changed)" : "");
    if (r.by_rule.empty()) {
        fmt::print("  nothing is due\n");
    } else {
        print_table(r.by_rule);
    }
    fmt::print("{}: {} deleted, {} anonymized, {} held, {} subjects removed\n",
               r.dry_run ? "would do" : "done", r.deleted, r.anonymized, r.held,
               r.subjects_removed);
    for (const auto& [system, count] : r.notified) {
        fmt::print("outbox: {} notice{} for {} ('vern deliver' tells it)\n", count,
                   count == 1 ? "" : "s", system);
    }
    if (r.fallbacks > 0) {
        fmt::print("{} field{} {} not be anonymised by {} method and {} replaced by "
                   "\"[redacted]\":\n",
                   r.fallbacks, r.fallbacks == 1 ? "" : "s", r.dry_run ? "would" : "could",
                   r.fallbacks == 1 ? "its" : "their",
                   r.dry_run ? "would be" : (r.fallbacks == 1 ? "was" : "were"));
        for (const AnonymizeFallback& f : r.fallback_fields) {
            fmt::print("  record {}  (category {}, rule {}, field {}): {}\n", printable(f.record),
                       f.category, f.rule, printable(f.field), f.reason);
        }
        if (r.fallbacks > static_cast<std::int64_t>(r.fallback_fields.size())) {
            fmt::print("  ... and {} more\n",
                       r.fallbacks - static_cast<std::int64_t>(r.fallback_fields.size()));
        }
    }
    if (list && !r.records.empty()) {
        fmt::print("records:\n");
        print_records(r.records, zone);
    }
    if (list && !r.held_records.empty()) {
        fmt::print("held (an active hold keeps them):\n");
        print_records(r.held_records, zone, true);
    }
    if (within) {
        const Instant until = add_calendar(r.now, *within, zone);
        fmt::print("\nfalling due within {} (until {}):\n", within->text,
                   format_local(until, zone));
        if (r.upcoming_by_rule.empty()) {
            fmt::print("  nothing\n");
        } else {
            print_table(r.upcoming_by_rule);
        }
        fmt::print("upcoming: {} to be deleted, {} to be anonymized\n", r.upcoming_deleted,
                   r.upcoming_anonymized);
        if (list && !r.upcoming.empty()) {
            fmt::print("records:\n");
            print_records(r.upcoming, zone);
        }
    }
}

} // namespace

void print_purge_result(Context& ctx, const PurgeResult& r, bool list,
                        const std::optional<Duration>& within, const std::string& audit_head) {
    if (!ctx.json()) {
        print_text(ctx, r, list, within);
        return;
    }
    nlohmann::json doc = {{"now", format_utc(r.now)},
                          {"dry_run", r.dry_run},
                          {"policy_digest", r.policy_digest},
                          {"deleted", r.deleted},
                          {"anonymized", r.anonymized},
                          {"held", r.held},
                          {"subjects_removed", r.subjects_removed},
                          {"by_rule", by_rule_json(r.by_rule)},
                          {"fallbacks", r.fallbacks},
                          {"fallback_fields", fallbacks_json(r.fallback_fields)}};
    if (notifies_any(ctx.policy())) doc["notified"] = r.notified;
    if (!audit_head.empty()) {
        doc["audit_head"] = audit_head;
    }
    if (list) {
        nlohmann::json records = nlohmann::json::array();
        for (const auto& rec : r.records) {
            records.push_back(record_json(rec));
        }
        // The held records are listed in the text output only: this document's keys are the
        // ones SPEC section 5 fixes (`vern explain --json` shows each held record).
        doc["records"] = std::move(records);
    }
    if (within) {
        nlohmann::json upcoming = nlohmann::json::array();
        for (const auto& rec : r.upcoming) {
            upcoming.push_back(record_json(rec));
        }
        doc["within"] = within->text;
        doc["until"] = format_utc(add_calendar(r.now, *within, ctx.policy().info.zone));
        doc["upcoming"] = std::move(upcoming);
        doc["upcoming_deleted"] = r.upcoming_deleted;
        doc["upcoming_anonymized"] = r.upcoming_anonymized;
        doc["upcoming_by_rule"] = by_rule_json(r.upcoming_by_rule);
    }
    print_json(doc);
}

namespace {

bool draws_progress(const Context& ctx) {
    return !ctx.opts.no_progress && ctx.opts.quiet == 0 && isatty(2);
}

// "\rlabel [#####       ]  42%  " on stderr; the caller adds the rest of the line.
void draw_bar(const char* label, std::int64_t done, std::int64_t total) {
    const double share = total > 0 ? std::min(1.0, double(done) / double(total)) : 1.0;
    const int width = 30;
    const int filled = static_cast<int>(share * width);
    fmt::print(stderr, "\r{} [{:<{}}] {:3.0f}%  ", label,
               std::string(static_cast<std::size_t>(filled), '#'), width, share * 100);
}

} // namespace

std::function<void(const PurgeProgress&)> progress_bar(const Context& ctx, const char* label) {
    if (!draws_progress(ctx)) {
        return {};
    }
    return [label](const PurgeProgress& p) {
        draw_bar(label, p.scanned, p.total);
        fmt::print(stderr, "{} records, {} deleted, {} anonymized", p.scanned, p.deleted,
                   p.anonymized);
        std::fflush(stderr);
    };
}

std::function<void(std::int64_t, std::int64_t)> count_progress_bar(const Context& ctx,
                                                                   const char* label,
                                                                   const char* what) {
    if (!draws_progress(ctx)) {
        return {};
    }
    return [label, what](std::int64_t done, std::int64_t total) {
        draw_bar(label, done, total);
        fmt::print(stderr, "{} of {} {}", done, total, what);
        std::fflush(stderr);
    };
}

void end_progress_bar(const Context& ctx) {
    if (draws_progress(ctx)) {
        fmt::print(stderr, "\n");
    }
}

Duration parse_within(const std::string& text) {
    auto d = parse_duration(text);
    if (!d) {
        throw Error(Code::data, fmt::format("--within: {}", d.error()));
    }
    return *d;
}

} // namespace vern::cli
