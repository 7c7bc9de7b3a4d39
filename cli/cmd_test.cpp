// vern test [POLICY...]: runs each policy's [[test]] cases (SPEC 3.6) on in-memory stores. POLICY
// arguments are grouped like check's (group_policy_arguments: `vern test policies/` tests each
// subdirectory as a policy of its own).
// Failures name the test, the record, and the expected and actual outcome; the last line is
// "N passed, N failed". Exit 1 on any failure, 65 if a policy itself is invalid.

#include "commands.hpp"

#include "vern/engine.hpp"

#include <fmt/core.h>

#include <memory>

namespace vern::cli {
namespace {

struct TestOptions {
    std::vector<std::string> paths;
};

struct PolicyRun {
    std::string label;
    PolicyLoad load;
    TestReport report;
};

nlohmann::json failure_json(const TestFailure& f) {
    return {{"record", f.record},
            {"expected", f.expected},
            {"actual", f.actual},
            {"file", f.pos.file},
            {"line", f.pos.line}};
}

nlohmann::json run_json(const PolicyRun& run) {
    nlohmann::json tests = nlohmann::json::array();
    for (const auto& c : run.report.cases) {
        nlohmann::json failures = nlohmann::json::array();
        for (const auto& f : c.failures) {
            failures.push_back(failure_json(f));
        }
        tests.push_back({{"name", c.name}, {"passed", c.passed}, {"failures", failures}});
    }
    nlohmann::json diags = nlohmann::json::array();
    for (const auto& d : run.load.diagnostics) {
        if (d.severity == Severity::error) {
            diags.push_back(format_diagnostic(d));
        }
    }
    return {{"policy", run.label},
            {"valid", !run.load.has_errors()},
            {"errors", diags},
            {"tests", tests},
            {"passed", run.report.passed},
            {"failed", run.report.failed}};
}

void print_text(const Context& ctx, const PolicyRun& run) {
    if (run.load.has_errors()) {
        for (const auto& d : run.load.diagnostics) {
            if (d.severity == Severity::error) {
                fmt::print(stderr, "{}\n", format_diagnostic(d));
            }
        }
        fmt::print("{}: invalid policy, no tests run\n", run.label);
        return;
    }
    for (const auto& c : run.report.cases) {
        if (c.passed) {
            if (ctx.opts.quiet == 0) {
                fmt::print("ok    {}: {}\n", run.label, c.name);
            }
            continue;
        }
        fmt::print("FAIL  {}: {}\n", run.label, c.name);
        for (const auto& f : c.failures) {
            fmt::print("      {}:{}: test '{}': {}expected {}, got {}\n", f.pos.file, f.pos.line,
                       f.test, f.record.empty() ? "" : fmt::format("record {}: ", f.record),
                       f.expected, f.actual);
        }
    }
}

void run_test(Context& ctx, const TestOptions& opts) {
    ctx.format();
    std::vector<std::vector<std::string>> policies = group_policy_arguments(opts.paths);
    if (policies.empty() && ctx.has_policy_option()) {
        policies.push_back(ctx.opts.policy);
    }
    if (policies.empty()) {
        throw Error(Code::usage, "no policy given: pass POLICY paths, or --policy PATH, or set "
                                 "VERN_POLICY");
    }
    std::vector<PolicyRun> runs;
    int passed = 0;
    int failed = 0;
    bool invalid = false;
    for (const auto& paths : policies) {
        PolicyRun run;
        for (const auto& p : paths) {
            run.label += (run.label.empty() ? "" : ":") + p;
        }
        run.load = load_policy(paths);
        if (run.load.has_errors()) {
            invalid = true;
        } else {
            run.report = run_policy_tests(run.load.policy);
        }
        passed += run.report.passed;
        failed += run.report.failed;
        runs.push_back(std::move(run));
    }
    if (ctx.json()) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& run : runs) {
            list.push_back(run_json(run));
        }
        print_json({{"policies", list}, {"passed", passed}, {"failed", failed}});
    } else {
        for (const auto& run : runs) {
            print_text(ctx, run);
        }
        fmt::print("{} passed, {} failed\n", passed, failed);
    }
    if (invalid) {
        ctx.exit_code = exit_status(Code::data);
    } else if (failed > 0) {
        ctx.exit_code = exit_status(Code::problem);
    }
}

} // namespace

void setup_test(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<TestOptions>();
    app.add_option("POLICY", opts->paths,
                   "Policies to test, each a file or a directory of *.toml files (default: "
                   "--policy / VERN_POLICY)");
    app.callback([&ctx, opts] { run_test(ctx, *opts); });
}

} // namespace vern::cli
