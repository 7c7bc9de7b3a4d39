// vern check [POLICY...] [--strict] [--baseline OLD_POLICY]: validates policy files.
// Diagnostics go to stderr like a compiler's; the summary (and --baseline changes) to stdout.

#include "commands.hpp"

#include "vern/policy.hpp"

#include <fmt/core.h>

#include <memory>

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

void print_json_result(const CheckOptions& opts, const PolicyLoad& load, bool valid,
                       const std::vector<PolicyChange>& changes) {
    nlohmann::json diags = nlohmann::json::array();
    for (const auto& d : load.diagnostics) {
        diags.push_back({{"file", d.pos.file},
                         {"line", d.pos.line},
                         {"column", d.pos.column},
                         {"severity", d.severity == Severity::error ? "error" : "warning"},
                         {"message", d.message}});
    }
    nlohmann::json doc = {{"valid", valid}, {"diagnostics", diags}};
    if (!opts.baseline.empty()) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& c : changes) {
            list.push_back({{"kind", change_kind_name(c.kind)},
                            {"category", c.category},
                            {"rule", c.rule},
                            {"before", c.before},
                            {"after", c.after}});
        }
        doc["changes"] = list;
    }
    print_json(doc);
}

void print_text_result(const CheckOptions& opts, const PolicyLoad& load, bool valid,
                       const std::vector<PolicyChange>& changes) {
    std::size_t errors = 0;
    for (const auto& d : load.diagnostics) {
        fmt::print(stderr, "{}\n", format_diagnostic(d));
        errors += d.severity == Severity::error ? 1 : 0;
    }
    const std::size_t warnings = load.diagnostics.size() - errors;
    const Policy& p = load.policy;
    const std::string label = join(opts.paths);
    if (valid) {
        fmt::print("{}: ok ({}, {}, {}{})\n", label,
                   count(p.categories.size(), "category", "categories"),
                   count(p.rules.size(), "rule", "rules"), count(p.tests.size(), "test", "tests"),
                   warnings ? ", " + count(warnings, "warning", "warnings") : "");
    } else {
        fmt::print("{}: invalid ({}{})\n", label, count(errors, "error", "errors"),
                   warnings ? ", " + count(warnings, "warning", "warnings") : "");
    }
    if (!opts.baseline.empty() && !load.has_errors()) {
        if (changes.empty()) {
            fmt::print("no retention changes against {}\n", opts.baseline);
        }
        for (const auto& c : changes) {
            fmt::print("{}\n", change_text(c));
        }
    }
}

void run_check(Context& ctx, CheckOptions opts) {
    const std::string format = ctx.format();
    if (opts.paths.empty()) {
        opts.paths = ctx.opts.policy;
    }
    if (opts.paths.empty()) {
        throw Error(Code::usage, "no policy given: pass POLICY paths, or --policy PATH, or set "
                                 "VERN_POLICY");
    }
    PolicyLoad load = load_policy(opts.paths);
    if (opts.strict) {
        for (auto& d : load.diagnostics) {
            d.severity = Severity::error;
        }
    }
    const bool valid = !load.has_errors();
    const std::vector<PolicyChange> changes = baseline_changes(opts, load);
    if (format == "json") {
        print_json_result(opts, load, valid, changes);
    } else {
        print_text_result(opts, load, valid, changes);
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
