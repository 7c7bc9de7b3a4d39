// vern explain (--subject REF | --record ID): for each record, every rule's anchor, due time and
// status at --now, and the decision a purge would take.

#include "commands.hpp"

#include "vern/engine.hpp"
#include "vern/store.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <memory>

namespace vern::cli {
namespace {

struct ExplainOptions {
    std::string subject;
    std::string record;
};

nlohmann::json opt_time(const std::optional<Instant>& t) {
    return t ? nlohmann::json(format_utc(*t)) : nlohmann::json(nullptr);
}

nlohmann::json event_json(const std::optional<AnchorEvent>& e) {
    if (!e) return nullptr;
    return {{"source", anchor_source_name(e->source)},
            {"kind", e->kind},
            {"case", e->case_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(e->case_id)},
            {"at", format_utc(e->at)}};
}

nlohmann::json evaluation_json(const RecordEvaluation& ev) {
    nlohmann::json rules = nlohmann::json::array();
    for (const RuleStatus& st : ev.rules) {
        rules.push_back({{"rule", st.rule->id},
                         {"action", action_name(st.rule->action)},
                         {"after", st.rule->after.text()},
                         {"keep", st.rule->keep.text},
                         {"round", round_name(st.rule->round)},
                         {"anchor", opt_time(st.anchor)},
                         {"anchor_event", event_json(st.anchor_event)},
                         {"passed_over", event_json(st.passed_over)},
                         {"waits_for_case", st.waiting_case.empty()
                                                ? nlohmann::json(nullptr)
                                                : nlohmann::json(st.waiting_case)},
                         {"due", opt_time(st.due)},
                         {"status", rule_state_name(st.status)},
                         {"reason", st.reason}});
    }
    const StoredRecord& r = ev.record;
    return {{"id", r.id},
            {"subject", r.subject.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.subject)},
            {"category", r.category},
            {"case", r.case_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.case_id)},
            {"created", format_utc(r.created)},
            {"unlinked", r.unlinked},
            {"applied_rules", r.applied_rules},
            {"rules", rules},
            {"held", ev.held},
            {"decision", decision_name(ev.decision)},
            {"decided_by", ev.decided_by ? nlohmann::json(ev.decided_by->id) : nlohmann::json()},
            {"due", opt_time(ev.decided_due)},
            {"next_due", opt_time(ev.next_due)}};
}

std::string opt_local(const std::optional<Instant>& t, Zone zone) {
    return t ? format_local(*t, zone) : std::string("-");
}

// "anchor 2026-05-04 00:00 (final_report, case tiltak-2)": the time and what gave it.
std::string anchor_text(const RuleStatus& st, Zone zone) {
    if (!st.anchor_event) return "anchor -";
    const AnchorEvent& e = *st.anchor_event;
    std::string what = e.kind;
    if (e.source == AnchorEvent::Source::global) what = "global " + what;
    if (e.source == AnchorEvent::Source::record) what += ", record event";
    if (!e.case_id.empty()) what += ", case " + e.case_id;
    return fmt::format("anchor {} ({})", format_local(e.at, zone), printable(what));
}

void print_text(const std::vector<RecordEvaluation>& evs, Instant now, Zone zone) {
    fmt::print("at {}\n", format_local(now, zone));
    for (const RecordEvaluation& ev : evs) {
        const StoredRecord& r = ev.record;
        fmt::print("\nrecord {} (subject {}{}, category {}, created {}){}\n", printable(r.id),
                   r.subject.empty() ? "-" : printable(r.subject),
                   r.case_id.empty() ? "" : fmt::format(", case {}", printable(r.case_id)),
                   r.category, format_local(r.created, zone), r.unlinked ? ", unlinked" : "");
        if (ev.rules.empty()) {
            fmt::print("  no rule covers category '{}'\n", r.category);
        }
        for (const RuleStatus& st : ev.rules) {
            const Rule& rule = *st.rule;
            fmt::print("  {} ({} {} after {}{}): {}, due {}: {}{}\n", rule.id,
                       action_name(rule.action), rule.keep.text, rule.after.text(),
                       rule.round == Round::none ? "" : fmt::format(", {}", round_name(rule.round)),
                       anchor_text(st, zone), opt_local(st.due, zone),
                       rule_state_name(st.status),
                       st.reason.empty() ? "" : fmt::format(" ({})", printable(st.reason)));
        }
        if (ev.decided_by) {
            fmt::print("  decision: {} (rule {}, due {})\n", decision_name(ev.decision),
                       ev.decided_by->id, opt_local(ev.decided_due, zone));
        } else {
            fmt::print("  decision: {}\n", decision_name(ev.decision));
        }
        if (ev.next_due) {
            fmt::print("  next due: {}\n", format_local(*ev.next_due, zone));
        }
        if (ev.held && ev.decision != Decision::held) {
            fmt::print("  held: an active hold covers the record; nothing will be done while it "
                       "lasts\n");
        }
    }
}

void run_explain(Context& ctx, const ExplainOptions& opts) {
    ctx.format();
    if (opts.subject.empty() == opts.record.empty()) {
        throw Error(Code::usage, "explain needs exactly one of --subject REF or --record ID");
    }
    const Policy& policy = ctx.policy();
    const Instant now = ctx.now();
    StoreOptions so;
    so.read_only = true;
    auto store = open_store(ctx.opts.store, so);
    const auto evs = opts.subject.empty() ? explain_record(*store, policy, now, opts.record)
                                          : explain_subject(*store, policy, now, opts.subject);
    if (ctx.json()) {
        nlohmann::json records = nlohmann::json::array();
        for (const auto& ev : evs) {
            records.push_back(evaluation_json(ev));
        }
        print_json({{"now", format_utc(now)}, {"records", records}});
    } else {
        print_text(evs, now, policy.info.zone);
    }
}

} // namespace

void setup_explain(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ExplainOptions>();
    app.add_option("--subject", opts->subject, "Explain every record of this subject (its ref)");
    app.add_option("--record", opts->record, "Explain this record (its id)");
    app.callback([&ctx, opts] { run_explain(ctx, *opts); });
}

} // namespace vern::cli
