// vern access SELECTOR [--lang nb|en] [--format text|json|html] [--output FILE] [--request ID]
// [--include-special]: the GDPR art. 15 access report of one subject (art. 20 export as JSON).
// The disclosure is audited before the report is handed out. With --request, a selector that
// matches nobody gets the report that says "We hold no data about you", if the request was
// registered for that selector (vern request open).

#include "commands.hpp"
#include "private_file.hpp"
#include "rights_options.hpp"

#include "vern/rights.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>

#include <memory>
#include <optional>

namespace vern::cli {
namespace {

struct AccessCliOptions {
    SelectorOptions selector;
    std::string lang;
    std::string output;
    std::int64_t request = 0;
    bool include_special = false;
};

void run_access(Context& ctx, const AccessCliOptions& opts) {
    const std::string format = ctx.format({"text", "json", "html"});
    const Policy& policy = ctx.policy();
    auto lang = parse_language(opts.lang.empty() ? policy.info.language : opts.lang);
    if (!lang) throw Error(Code::usage, "--lang: " + lang.error());
    const Selector selector = selected(opts.selector); // usage errors before opening the store
    // It writes only its audit entry (and closes its request): on PostgreSQL it does not wait
    // for a running purge (StoreOptions::shared_writer).
    auto store = open_rights_store(ctx, 30, /*shared_writer=*/true);
    // Nobody matches: exit 1, unless --request names a request registered for this selector
    // (the report then says that we hold no data about the person).
    const std::optional<Subject> subject =
        opts.request != 0 ? resolve_selected_or_none(ctx, *store, opts.selector)
                          : std::optional<Subject>(resolve_selected(ctx, *store, opts.selector));
    const Instant now = ctx.now();

    AccessOptions options;
    options.language = *lang;
    options.include_special = opts.include_special;
    if (opts.request != 0) {
        options.request = opts.request;
        options.selector_pseudonym = selector_pseudonym(*store, selector);
    }
    const AccessReport report =
        subject ? build_access_report(*store, policy, *subject, now, options)
                : build_unknown_person_report(*store, policy, selector, now, options);
    std::string content;
    if (format == "json") {
        content = access_report_json(report).dump(2) + "\n";
    } else if (format == "html") {
        content = render_access_html(report);
    } else {
        content = render_access_text(report);
    }

    const std::string not_delivered =
        report.request ? "nothing was audited and the request stays open"
                       : "nothing was audited";
    if (!opts.output.empty()) {
        // Written to a temporary file first and moved into place inside the audit transaction,
        // just before it commits: a report that cannot be written or moved into place is neither
        // audited nor closes its request, and no report goes out unaudited.
        std::optional<StagedFile> file;
        try {
            file.emplace(opts.output, content);
        } catch (const Error& e) {
            throw Error(e.code(), fmt::format("{}; the access report was not written, {}",
                                              e.what(), not_delivered));
        }
        try {
            record_access(*store, policy, report, now, [&] {
                try {
                    file->publish();
                } catch (const Error& e) {
                    throw Error(e.code(), fmt::format("{}; the access report was not written, {}",
                                                      e.what(), not_delivered));
                }
            });
        } catch (...) {
            file->withdraw(); // moved into place, but the audit entry did not commit
            throw;
        }
        const std::string whom =
            subject ? printable(subject->ref)
                    : fmt::format("a person not in the store ({})", selector_option(selector.kind));
        note(ctx, fmt::format("access report for {} written to {} ({} records)", whom,
                              printable(opts.output), report.record_count));
    } else {
        record_access(*store, policy, report, now);
        std::fwrite(content.data(), 1, content.size(), stdout);
    }
    if (report.request) note(ctx, fmt::format("request {} closed", *report.request));
    note_audit_head(ctx, *store);
}

} // namespace

void setup_access(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<AccessCliOptions>();
    add_selector_options(app, opts->selector);
    app.add_option("--lang", opts->lang,
                   "Language of the report: nb or en (default: the policy's)");
    app.add_option("--output", opts->output,
                   "Write the report to FILE (mode 0600) instead of stdout");
    app.add_option("--request", opts->request,
                   "The access or portability request this answers; closes it");
    app.add_flag("--include-special", opts->include_special,
                 "Show the fields of special categories (GDPR art. 9)");
    app.callback([&ctx, opts] { run_access(ctx, *opts); });
}

} // namespace vern::cli
