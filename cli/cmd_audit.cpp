// vern audit verify | report | export-erasures: the audit log's hash chain, the audit report for
// the supervisory authority and monitoring, and the erasure ledger kept beside backups.

#include "commands.hpp"
#include "private_file.hpp"

#include "vern/audit_report.hpp"
#include "vern/audit_verify.hpp"
#include "vern/ledger.hpp"
#include "vern/store.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>


#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>

namespace vern::cli {
namespace {

struct AuditOptions {
    std::string expect_head;
    bool expect_head_given = false; // --expect-head was given, even with an empty value
    std::string since;
    std::string until;
    bool fail_on_overdue = false;
    std::string output;
};

std::unique_ptr<Store> open_read_only(Context& ctx) {
    StoreOptions so;
    so.read_only = true;
    auto store = open_store(ctx.opts.store, so);
    for (const std::string& w : store->open_report().warnings) {
        note(ctx, "vern: warning: " + w);
    }
    return store;
}

// ---- verify ----------------------------------------------------------------------------------

nlohmann::json verification_json(const ChainVerification& v, const std::optional<std::string>& ex) {
    nlohmann::json expected = nullptr;
    if (ex) {
        expected = {{"hash", *ex},
                    {"seq", v.expected_head_seq > 0 ? nlohmann::json(v.expected_head_seq)
                                                    : nlohmann::json()},
                    {"appended_since", v.appended_since}};
    }
    return {{"intact", v.intact},
            {"entries", v.entries},
            {"head_seq", v.head_seq},
            {"head", v.head},
            {"problem", chain_problem_name(v.problem)},
            {"bad_seq", v.bad_seq > 0 ? nlohmann::json(v.bad_seq) : nlohmann::json()},
            {"message", v.message},
            {"expected_head", expected}};
}

void run_verify(Context& ctx, const AuditOptions& opts) {
    const std::string format = ctx.format();
    std::optional<std::string> expect;
    // An empty or malformed head is an error, never "no check": a monitoring job whose saved
    // head went missing (--expect-head "$(cat head)") must fail, not pass a truncated log.
    if (opts.expect_head_given) {
        if (!is_audit_hash(opts.expect_head)) {
            throw Error(Code::usage,
                        opts.expect_head.empty()
                            ? std::string("--expect-head \"\": expected a hash of 64 hex "
                                          "characters, as printed by 'vern audit verify'; an "
                                          "empty value is an error: is the file the head was "
                                          "kept in missing or empty?")
                            : fmt::format("--expect-head {}: expected a hash of 64 hex "
                                          "characters, as printed by 'vern audit verify'",
                                          excerpt(opts.expect_head, 70)));
        }
        expect = opts.expect_head;
    }
    auto store = open_read_only(ctx);
    ChainVerification v;
    {
        ReadTransaction snapshot(*store);
        v = verify_audit_chain(*store, expect);
    }
    if (!v.intact) {
        ctx.exit_code = exit_status(Code::problem);
    }
    if (format == "json") {
        print_json(verification_json(v, expect));
        return;
    }
    if (!v.intact) {
        fmt::print(stderr, "vern: the audit log is broken: {}\n", v.message);
        if (v.problem != ChainProblem::truncated) {
            fmt::print(stderr, "the chain is intact up to entry {} (head {})\n", v.head_seq,
                       v.head);
        }
        return;
    }
    fmt::print("audit log intact: {} entries\nhead {} (entry {})\n", v.entries, v.head, v.head_seq);
    if (expect && v.appended_since > 0) {
        fmt::print("the expected head is entry {}; {} appended since\n", v.expected_head_seq,
                   v.appended_since == 1 ? std::string("1 entry was")
                                         : fmt::format("{} entries were", v.appended_since));
    }
}

// ---- report ----------------------------------------------------------------------------------

Instant parse_option_time(Context& ctx, const char* option, const std::string& text) {
    auto t = parse_time(text, ctx.zone());
    if (!t) {
        throw Error(Code::data, fmt::format("{}: {}", option, t.error()));
    }
    return *t;
}

void run_report(Context& ctx, const AuditOptions& opts) {
    const std::string format = ctx.format({"text", "json", "csv"});
    const Policy& policy = ctx.policy();
    const Instant now = ctx.now();
    ReportPeriod period;
    // The default period: the 30 days up to and including now.
    period.until = opts.until.empty() ? now : parse_option_time(ctx, "--until", opts.until);
    period.include_until = opts.until.empty();
    period.since = opts.since.empty() ? period.until - std::chrono::days(30)
                                      : parse_option_time(ctx, "--since", opts.since);
    if (period.since >= period.until) {
        throw Error(Code::usage, fmt::format("--since {} is not before --until {}",
                                             format_utc(period.since), format_utc(period.until)));
    }
    auto store = open_read_only(ctx);
    const AuditReport report = build_audit_report(*store, policy, period, now);
    if (format == "json") {
        print_json(audit_report_json(report));
    } else if (format == "csv") {
        fmt::print("{}", render_audit_report_csv(report));
    } else {
        fmt::print("{}", render_audit_report_text(report));
    }
    if (opts.fail_on_overdue && report.overdue()) {
        const std::int64_t notices = overdue_notices(report.outbox);
        note(ctx, fmt::format("vern: overdue: {} records, {} requests{}",
                              report.outlook.overdue_total, report.overdue_requests.size(),
                              notices > 0 ? fmt::format(", {} deletion notices not confirmed",
                                                        notices)
                                          : std::string()));
        ctx.exit_code = exit_status(Code::problem);
    }
}

// ---- export-erasures -------------------------------------------------------------------------

void run_export(Context& ctx, const AuditOptions& opts) {
    const std::string format = ctx.format();
    auto store = open_read_only(ctx);
    std::ostringstream ledger;
    const LedgerExport result = export_erasure_ledger(*store, ledger);
    write_private_file(opts.output, ledger.str());
    if (format == "json") {
        print_json({{"output", opts.output},
                    {"erasures", result.erasures},
                    {"consent_withdrawals", result.consent_withdrawals}});
    } else {
        fmt::print("{} erasures and {} consent withdrawals written to {}\n", result.erasures,
                   result.consent_withdrawals, opts.output);
    }
}

} // namespace

void setup_audit(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<AuditOptions>();
    app.require_subcommand(1);

    CLI::App* verify = app.add_subcommand("verify", "Verify the audit log's hash chain");
    CLI::Option* expect_head =
        verify->add_option("--expect-head", opts->expect_head,
                           "A head hash noted earlier: fail if it is no longer in the chain");
    verify->callback([&ctx, opts, expect_head] {
        opts->expect_head_given = expect_head->count() > 0;
        run_verify(ctx, *opts);
    });

    CLI::App* report = app.add_subcommand(
        "report", "What was done in a period, what is overdue and what falls due soon");
    report->add_option("--since", opts->since,
                       "Start of the period (default: 30 days before --until)");
    report->add_option("--until", opts->until, "End of the period, exclusive (default: now)");
    report->add_flag("--fail-on-overdue", opts->fail_on_overdue,
                     "Exit 1 when a record or a request is overdue (for monitoring)");
    report->callback([&ctx, opts] { run_report(ctx, *opts); });

    CLI::App* exp = app.add_subcommand(
        "export-erasures", "Write every erasure and consent withdrawal as a ledger (for backups)");
    exp->add_option("--output", opts->output, "The ledger file (JSON Lines, mode 0600)")
        ->required();
    exp->callback([&ctx, opts] { run_export(ctx, *opts); });
}

} // namespace vern::cli
