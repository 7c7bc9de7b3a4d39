// vern check [POLICY...] [--strict] [--baseline OLD_POLICY]: validates policy files.
// Diagnostics go to stderr like a compiler's; the summary (and --baseline changes) to stdout.

#include "commands.hpp"

#include "vern/policy.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace vern::cli {
namespace {

struct CheckOptions {
    std::vector<std::string> paths;
    bool strict = false;
    std::string baseline;
};

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

std::string count(std::size_t n, const char* singular, const char* plural) {
    return fmt::format("{} {}", n, n == 1 ? singular : plural);
}

std::string change_text(const PolicyChange& c) {
    using Kind = PolicyChange::Kind;
    switch (c.kind) {
    case Kind::category_added: return fmt::format("added: category {}: {}", c.category, c.after);
    case Kind::category_removed:
        return fmt::format("removed: category {}: {}", c.category, c.before);
    case Kind::rule_added:
        return fmt::format("added: rule {} ({}): {}", c.rule, c.category, c.after);
    case Kind::rule_removed:
        return fmt::format("removed: rule {} ({}): {}", c.rule, c.category, c.before);
    case Kind::longer:
    case Kind::shorter:
    case Kind::changed:
        break;
    }
    return fmt::format("{}: rule {} ({}): {} -> {}", change_kind_name(c.kind), c.rule, c.category,
                       c.before, c.after);
}

// The changes against --baseline; only for a valid policy (a broken one would show its
// unparsed rules as removed).
std::vector<PolicyChange> baseline_changes(const CheckOptions& opts, const PolicyLoad& load) {
    if (opts.baseline.empty() || load.has_errors()) {
        return {};
    }
    PolicyLoad old = load_policy({opts.baseline});
    if (old.has_errors()) {
        throw Error(Code::data, fmt::format("baseline policy '{}' has errors; check it with "
                                            "'vern check {}'",
                                            opts.baseline, opts.baseline));
    }
    return compare_policies(old.policy, load.policy);
}

struct Checked {
    std::string label; // the policy as given
    PolicyLoad load;
    std::vector<PolicyChange> changes;
    // With --format json: why the policy or its baseline could not be read at all (a file that
    // does not exist, ...), or checked against (a baseline with errors). The JSON document
    // shows it as a diagnostic; the command then fails with its exit status and message.
    std::optional<Error> failure;
};

// The error as a diagnostic of the whole file: line and column 0, as for a file without
// [policy] (and printed as "FILE: error: MESSAGE").
void add_failure(Checked& c, const Error& e, const std::string& file) {
    const auto* file_error = dynamic_cast<const PolicyFileError*>(&e);
    c.load.diagnostics.push_back(
        {{file_error ? file_error->path() : file, 0, 0}, Severity::error, e.what()});
    c.failure = e;
}

void print_json_result(const CheckOptions& opts, const std::vector<Checked>& checked,
                       bool valid) {
    nlohmann::json diags = nlohmann::json::array();
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : checked) {
        for (const auto& d : c.load.diagnostics) {
            diags.push_back({{"file", d.pos.file},
                             {"line", d.pos.line},
                             {"column", d.pos.column},
                             {"severity", d.severity == Severity::error ? "error" : "warning"},
                             {"message", d.message}});
        }
        for (const auto& ch : c.changes) {
            changes.push_back({{"kind", change_kind_name(ch.kind)},
                               {"category", ch.category},
                               {"rule", ch.rule},
                               {"before", ch.before},
                               {"after", ch.after}});
        }
    }
    nlohmann::json doc = {{"valid", valid}, {"diagnostics", diags}};
    const bool failed = std::any_of(checked.begin(), checked.end(),
                                    [](const Checked& c) { return c.failure.has_value(); });
    if (!opts.baseline.empty() && !failed) {
        doc["changes"] = changes; // not when the comparison could not be made
    }
    print_json(doc);
}

void print_text_result(const CheckOptions& opts, const Checked& c) {
    std::size_t errors = 0;
    for (const auto& d : c.load.diagnostics) {
        fmt::print(stderr, "{}\n", format_diagnostic(d));
        errors += d.severity == Severity::error ? 1 : 0;
    }
    const std::size_t warnings = c.load.diagnostics.size() - errors;
    const Policy& p = c.load.policy;
    const std::string with_warnings =
        warnings ? ", " + count(warnings, "warning", "warnings") : std::string();
    if (errors == 0) {
        fmt::print("{}: ok ({}, {}, {}{})\n", c.label,
                   count(p.categories.size(), "category", "categories"),
                   count(p.rules.size(), "rule", "rules"), count(p.tests.size(), "test", "tests"),
                   with_warnings);
    } else {
        fmt::print("{}: invalid ({}{})\n", c.label, count(errors, "error", "errors"),
                   with_warnings);
    }
    if (!opts.baseline.empty() && errors == 0) {
        if (c.changes.empty()) {
            fmt::print("no retention changes against {}\n", opts.baseline);
        }
        for (const auto& ch : c.changes) {
            fmt::print("{}\n", change_text(ch));
        }
    }
}

// With `keep_going` (JSON output), a policy or baseline that cannot be read becomes the
// result's failure instead of an exception, so that the document can still be printed.
Checked check_one(const CheckOptions& opts, const std::vector<std::string>& paths,
                  bool keep_going) {
    Checked c{join(paths), {}, {}, std::nullopt};
    try {
        c.load = load_policy(paths);
    } catch (const Error& e) {
        if (!keep_going) {
            throw;
        }
        add_failure(c, e, c.label);
        return c;
    }
    if (opts.strict) {
        for (auto& d : c.load.diagnostics) {
            d.severity = Severity::error;
        }
    }
    try {
        c.changes = baseline_changes(opts, c.load);
    } catch (const Error& e) {
        if (!keep_going) {
            throw;
        }
        add_failure(c, e, opts.baseline);
    }
    return c;
}

// Each POLICY argument is a policy of its own (a file, or a directory whose files together form
// one; a directory of policy subdirectories is that many policies, see
// group_policy_arguments); without arguments, the --policy paths together form one.
void run_check(Context& ctx, const CheckOptions& opts) {
    const std::string format = ctx.format();
    std::vector<std::vector<std::string>> policies = group_policy_arguments(opts.paths);
    if (policies.empty() && !ctx.opts.policy.empty()) {
        policies.push_back(ctx.opts.policy);
    }
    if (policies.empty()) {
        throw Error(Code::usage, "no policy given: pass POLICY paths, or --policy PATH, or set "
                                 "VERN_POLICY");
    }
    if (!opts.baseline.empty() && policies.size() > 1) {
        throw Error(Code::usage, "--baseline compares one policy: give only one POLICY");
    }
    std::vector<Checked> checked;
    bool valid = true;
    for (const auto& paths : policies) {
        checked.push_back(check_one(opts, paths, format == "json"));
        valid = valid && !checked.back().load.has_errors();
    }
    if (format == "json") {
        print_json_result(opts, checked, valid);
        // Then the usual message on stderr and exit status (66 for a missing policy, ...).
        for (const auto& c : checked) {
            if (c.failure) {
                throw *c.failure;
            }
        }
    } else {
        for (const auto& c : checked) {
            print_text_result(opts, c);
        }
    }
    ctx.exit_code = valid ? 0 : exit_status(Code::problem);
}

} // namespace

void setup_check(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<CheckOptions>();
    app.add_option("POLICY", opts->paths,
                   "Policy files or directories of *.toml files (default: --policy / VERN_POLICY)");
    app.add_flag("--strict", opts->strict, "Treat warnings as errors");
    app.add_option("--baseline", opts->baseline,
                   "An older version of the policy: list the retention changes against it");
    app.callback([&ctx, opts] { run_check(ctx, *opts); });
}

} // namespace vern::cli
