// Grouping of POLICY arguments into policies (policy.hpp, group_policy_arguments).

#include "vern/policy.hpp"

#include <algorithm>
#include <filesystem>

namespace vern {
namespace {

namespace fs = std::filesystem;

bool has_toml_files(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && entry.path().extension() == ".toml" && name[0] != '.') {
            return true;
        }
    }
    return false;
}

// The subdirectories of `dir` that hold *.toml files, sorted by name.
std::vector<std::string> policy_subdirectories(const std::string& dir) {
    std::vector<std::string> subdirs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory() && name[0] != '.' && has_toml_files(entry.path())) {
            subdirs.push_back(name);
        }
    }
    std::sort(subdirs.begin(), subdirs.end());
    return subdirs;
}

} // namespace

std::vector<std::vector<std::string>> group_policy_arguments(const std::vector<std::string>& args) {
    std::vector<std::vector<std::string>> groups;
    for (const auto& arg : args) {
        std::error_code ec;
        if (arg.empty() || !fs::is_directory(arg, ec) || has_toml_files(arg)) {
            groups.push_back({arg});
            continue;
        }
        const auto subdirs = policy_subdirectories(arg);
        if (subdirs.empty()) {
            groups.push_back({arg}); // load_policy says it has no *.toml files
            continue;
        }
        const std::string prefix = arg.back() == '/' ? arg : arg + "/";
        for (const auto& sub : subdirs) {
            groups.push_back({prefix + sub});
        }
    }
    return groups;
}

} // namespace vern
