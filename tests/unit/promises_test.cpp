// PROMISES.md keeps each shipped policy honest about its privacy statement (issue 12): every
// category, rule and recipient of policies/NAME/ appears in policies/NAME/PROMISES.md (in
// backticks), and every test it cites (on a "- Test: " / "- Tests: " line, each name in
// backticks) is a [[test]] of that policy. So a rule cannot be added without saying which
// promise it keeps, and a promise cannot cite a test that was renamed or removed.

#include "vern/policy.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Every `quoted` span of a text.
std::set<std::string> backticked(const std::string& text) {
    std::set<std::string> out;
    std::size_t i = 0;
    while ((i = text.find('`', i)) != std::string::npos) {
        const std::size_t end = text.find('`', i + 1);
        if (end == std::string::npos) break;
        out.insert(text.substr(i + 1, end - i - 1));
        i = end + 1;
    }
    return out;
}

// The test names cited on "- Test: " / "- Tests: " lines.
std::vector<std::string> cited_tests(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("- Test: ", 0) != 0 && line.rfind("- Tests: ", 0) != 0) continue;
        for (const auto& name : backticked(line)) out.push_back(name);
    }
    return out;
}

std::vector<fs::path> policy_dirs() {
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(fs::path(VERN_SOURCE_DIR) / "policies")) {
        if (entry.is_directory()) dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

} // namespace

TEST_CASE("policies: each PROMISES.md names every category, rule and recipient, and cites real "
          "tests") {
    const auto dirs = policy_dirs();
    REQUIRE(dirs.size() == 5);
    for (const auto& dir : dirs) {
        CAPTURE(dir.string());
        const fs::path promises = dir / "PROMISES.md";
        REQUIRE_MESSAGE(fs::exists(promises), "missing " << promises.string());
        const std::string text = read_text(promises);
        const std::set<std::string> quoted = backticked(text);

        const vern::PolicyLoad load = vern::load_policy({dir.string()});
        REQUIRE_FALSE(load.has_errors());
        const vern::Policy& p = load.policy;
        for (const auto& c : p.categories) {
            CHECK_MESSAGE(quoted.count(c.id), "category `" << c.id << "` is not in PROMISES.md");
        }
        for (const auto& r : p.rules) {
            CHECK_MESSAGE(quoted.count(r.id), "rule `" << r.id << "` is not in PROMISES.md");
        }
        for (const auto& r : p.recipients) {
            CHECK_MESSAGE(quoted.count(r.id), "recipient `" << r.id << "` is not in PROMISES.md");
        }

        std::set<std::string> tests;
        for (const auto& t : p.tests) tests.insert(t.name);
        const auto cited = cited_tests(text);
        CHECK_MESSAGE(!cited.empty(), "PROMISES.md cites no test");
        for (const auto& name : cited) {
            CHECK_MESSAGE(tests.count(name), "PROMISES.md cites test `" << name
                                                                        << "`, which the policy "
                                                                           "does not have");
        }
    }
}

TEST_CASE("policies: the PROMISES.md reader finds backticked names and cited tests") {
    const std::string text = "Rule `a-1` and category `chat`.\n"
                             "- Tests: `one`, `two words`\n"
                             "- Test: `three`\n"
                             "Not a test line: `four`\n";
    CHECK(backticked(text) == std::set<std::string>{"a-1", "chat", "one", "two words", "three",
                                                    "four"});
    CHECK(cited_tests(text) == std::vector<std::string>{"one", "two words", "three"});
}
