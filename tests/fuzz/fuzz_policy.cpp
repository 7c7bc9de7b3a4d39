// Fuzz target: the policy loader (SPEC section 3, man vern-policy(5)).
//
// Input: the text of one policy file. It is written to a temporary file and loaded with
// vern::load_policy (there is no string API). Contract checked:
//  - load_policy never throws for problems in the text (policy.hpp: they become diagnostics);
//  - every diagnostic formats; a valid policy describes each rule in both languages;
//  - compare_policies(p, p) finds no change;
//  - a valid policy's own [[test]] cases run without an exception escaping (run_policy_tests:
//    "a malformed test is a failure of that test, not an exception").

#include "fuzz_common.hpp"

#include "vern/engine.hpp"
#include "vern/policy.hpp"
#include "vern/rights.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

const std::string& policy_path() {
    static const std::string path = vern_fuzz::temp_dir() + "/policy.toml";
    return path;
}

void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) vern_fuzz::finding("cannot write " + path);
    if (size > 0 && std::fwrite(data, 1, size, f) != size) vern_fuzz::finding("short write");
    std::fclose(f);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    write_file(policy_path(), data, size);

    vern::PolicyLoad load;
    vern_fuzz::guarded("load_policy", {}, [&] { load = vern::load_policy({policy_path()}); });

    vern_fuzz::guarded("format_diagnostic", {}, [&] {
        for (const vern::Diagnostic& d : load.diagnostics) (void)vern::format_diagnostic(d);
    });
    if (load.has_errors()) return 0;

    const vern::Policy& policy = load.policy;
    vern_fuzz::guarded("describe_rule", {}, [&] {
        for (const vern::Rule& r : policy.rules) {
            (void)vern::describe_rule(r, vern::Language::nb);
            (void)vern::describe_rule(r, vern::Language::en);
        }
        for (const vern::Category& c : policy.categories) {
            (void)vern::describe_legal_basis(c.legal_basis, vern::Language::en);
        }
    });
    vern_fuzz::guarded("compare_policies", {}, [&] {
        auto changes = vern::compare_policies(policy, policy);
        if (!changes.empty()) {
            vern_fuzz::finding("compare_policies(p, p) reports " +
                               std::to_string(changes.size()) + " change(s), first: " +
                               changes.front().before + " -> " + changes.front().after);
        }
    });
    vern_fuzz::guarded("run_policy_tests", {}, [&] { (void)vern::run_policy_tests(policy); });
    return 0;
}
