// Loading a policy: files and directories, TOML parsing, the passes over the tables, the digest.

#include "parser.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vern {
namespace {

using namespace policy_detail;
namespace fs = std::filesystem;

struct PolicyFile {
    std::string display; // as the user gave it, plus the file name within a directory
    std::string content;
    std::optional<toml::table> table; // nullopt after a syntax error
};

std::string read_file(const std::string& path, const std::string& display) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw PolicyFileError(Code::permission, display,
                              fmt::format("cannot read policy file '{}': {}", display,
                                          std::strerror(errno)));
    }
    std::ostringstream out;
    out << in.rdbuf();
    if (in.bad()) {
        throw PolicyFileError(Code::io, display,
                              fmt::format("cannot read policy file '{}'", display));
    }
    return out.str();
}

// The files named by `paths`: a directory contributes its *.toml files, sorted by name.
std::vector<PolicyFile> read_files(const std::vector<std::string>& paths) {
    std::vector<PolicyFile> files;
    for (const auto& path : paths) {
        std::error_code ec;
        if (path.empty() || !fs::exists(path, ec)) {
            throw PolicyFileError(Code::no_input, path,
                                  fmt::format("policy file '{}' does not exist", path));
        }
        if (!fs::is_directory(path, ec)) {
            files.push_back({path, read_file(path, path), std::nullopt});
            continue;
        }
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            const std::string name = entry.path().filename().string();
            if (entry.is_regular_file() && entry.path().extension() == ".toml" && name[0] != '.') {
                names.push_back(name);
            }
        }
        if (ec) {
            throw PolicyFileError(
                Code::permission, path,
                fmt::format("cannot read policy directory '{}': {}", path, ec.message()));
        }
        if (names.empty()) {
            throw PolicyFileError(Code::no_input, path,
                                  fmt::format("policy directory '{}' has no *.toml files", path));
        }
        std::sort(names.begin(), names.end());
        const std::string prefix = path.back() == '/' ? path : path + "/";
        for (const auto& name : names) {
            files.push_back({prefix + name, read_file(path + "/" + name, prefix + name),
                             std::nullopt});
        }
    }
    return files;
}

// Hex SHA-256 over the files sorted by path, each contributing its length (8 bytes, little
// endian) and its content. Only the contents and their order enter the hash, not the paths, so
// moving or renaming the policy directory does not change the digest.
std::string digest(const std::vector<PolicyFile>& files) {
    std::vector<const PolicyFile*> sorted;
    for (const auto& f : files) {
        sorted.push_back(&f);
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const PolicyFile* a, const PolicyFile* b) { return a->display < b->display; });
    if (sodium_init() < 0) {
        throw Error(Code::io, "cannot initialise libsodium");
    }
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    for (const PolicyFile* f : sorted) {
        unsigned char len[8];
        std::uint64_t n = f->content.size();
        for (unsigned char& b : len) {
            b = static_cast<unsigned char>(n & 0xff);
            n >>= 8;
        }
        crypto_hash_sha256_update(&state, len, sizeof len);
        crypto_hash_sha256_update(&state,
                                  reinterpret_cast<const unsigned char*>(f->content.data()),
                                  f->content.size());
    }
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, hash);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return hex;
}

// "Error while parsing table header: cannot redefine existing table 'policy'" ->
// "invalid TOML in table header: cannot redefine existing table 'policy'".
std::string syntax_message(std::string_view description) {
    constexpr std::string_view prefix = "Error while parsing ";
    if (description.substr(0, prefix.size()) == prefix) {
        return fmt::format("invalid TOML in {}", description.substr(prefix.size()));
    }
    return fmt::format("invalid TOML: {}", description);
}

// [policy] and [identifiers]: exactly once (at most once) across all files.
void read_singleton(const toml::node& node, const std::string& key, const std::string& file,
                    std::optional<SourcePos>& first, LoadState& state,
                    void (*parse)(const toml::table&, const std::string&, LoadState&)) {
    const SourcePos pos = pos_of(file, node.source());
    const auto* table = node.as_table();
    if (!table) {
        state.reporter.error(pos, fmt::format("'{}' must be a table ([{}]), not {}", key, key,
                                              type_name(node)));
        return;
    }
    if (first) {
        state.reporter.error(pos, fmt::format("[{}] appears again; a policy has it once, first at "
                                              "{}:{}:{}",
                                              key, first->file, first->line, first->column));
        return;
    }
    first = pos;
    parse(*table, file, state);
}

// [[category]], [[rule]], [[test]]: arrays of tables.
void read_array(const toml::node& node, const std::string& key, const std::string& file,
                LoadState& state, void (*parse)(const toml::table&, const std::string&, LoadState&)) {
    const auto* arr = node.as_array();
    if (!arr || !arr->is_array_of_tables()) {
        state.reporter.error(pos_of(file, node.source()),
                             fmt::format("'{}' must be an array of tables ([[{}]]), not {}", key,
                                         key, type_name(node)));
        return;
    }
    for (const auto& t : *arr) {
        parse(*t.as_table(), file, state);
    }
}

void sort_diagnostics(std::vector<Diagnostic>& diags, const std::vector<PolicyFile>& files) {
    auto file_index = [&files](const std::string& name) {
        for (std::size_t i = 0; i < files.size(); ++i) {
            if (files[i].display == name) {
                return i;
            }
        }
        return files.size();
    };
    std::stable_sort(diags.begin(), diags.end(), [&](const Diagnostic& a, const Diagnostic& b) {
        return std::tuple(file_index(a.pos.file), a.pos.line, a.pos.column) <
               std::tuple(file_index(b.pos.file), b.pos.line, b.pos.column);
    });
}

} // namespace

PolicyLoad load_policy(const std::vector<std::string>& paths) {
    if (paths.empty()) {
        throw PolicyFileError(Code::no_input, "", "policy file '' does not exist");
    }
    std::vector<PolicyFile> files = read_files(paths);
    PolicyLoad load;
    Reporter reporter;
    LoadState state{load.policy, reporter};
    load.policy.digest = digest(files);

    for (auto& f : files) {
        load.policy.files.push_back(f.display);
        try {
            f.table = toml::parse(f.content, f.display);
        } catch (const toml::parse_error& e) {
            reporter.error(pos_of(f.display, e.source()), syntax_message(e.description()));
            state.check_references = false;
        }
    }

    // Pass 1: [policy], [identifiers] and the top-level keys, so that later passes know the zone.
    static const std::vector<std::string> k_top = {"policy",   "identifiers", "labels",
                                                   "category", "recipient",   "rule",
                                                   "test"};
    std::optional<SourcePos> policy_pos;
    std::optional<SourcePos> identifiers_pos;
    std::optional<SourcePos> labels_pos;
    for (const auto& f : files) {
        if (!f.table) {
            continue;
        }
        for (auto&& [key, node] : *f.table) {
            if (key == "policy") {
                read_singleton(node, "policy", f.display, policy_pos, state, parse_policy_info);
            } else if (key == "identifiers") {
                read_singleton(node, "identifiers", f.display, identifiers_pos, state,
                               parse_identifiers);
            } else if (key == "labels") {
                read_singleton(node, "labels", f.display, labels_pos, state, parse_labels);
            } else if (std::find(k_top.begin(), k_top.end(), key.str()) == k_top.end()) {
                const char* what = node.is_table() || node.is_array() ? "table" : "key";
                reporter.error(pos_of(f.display, key.source()),
                               fmt::format("unknown {} '{}'{}", what, key.str(),
                                           did_you_mean(key.str(), k_top)));
            }
        }
    }
    if (!policy_pos && state.check_references) {
        reporter.error({paths.front(), 0, 0},
                       "no [policy] table: a policy needs one, with name, controller, contact "
                       "and timezone");
    }
    state.zone = load.policy.info.zone ? load.policy.info.zone : date::locate_zone("UTC");

    // Passes 2-5: categories before the recipients and rules that name them, all before the tests.
    const std::pair<const char*, void (*)(const toml::table&, const std::string&, LoadState&)>
        k_arrays[] = {{"category", parse_category},
                      {"recipient", parse_recipient},
                      {"rule", parse_rule},
                      {"test", parse_test}};
    for (const auto& [key, parse] : k_arrays) {
        for (const auto& f : files) {
            if (const toml::node* node = f.table ? f.table->get(key) : nullptr) {
                read_array(*node, key, f.display, state, parse);
            }
        }
    }
    check_policy(state);

    load.diagnostics = std::move(reporter.diagnostics());
    sort_diagnostics(load.diagnostics, files);
    return load;
}

Policy load_valid_policy(const std::vector<std::string>& paths) {
    PolicyLoad load = load_policy(paths);
    if (!load.has_errors()) {
        return std::move(load.policy);
    }
    std::string message = "the policy has errors (run 'vern check' for all diagnostics):";
    for (const auto& d : load.diagnostics) {
        if (d.severity == Severity::error) {
            message += "\n" + format_diagnostic(d);
        }
    }
    throw Error(Code::data, message);
}

} // namespace vern
