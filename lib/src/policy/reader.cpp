// Reading TOML tables key by key into positioned diagnostics (see reader.hpp).

#include "reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace vern::policy_detail {

void Reporter::error(SourcePos pos, std::string message) {
    m_diagnostics.push_back({std::move(pos), Severity::error, std::move(message)});
}

void Reporter::warning(SourcePos pos, std::string message) {
    m_diagnostics.push_back({std::move(pos), Severity::warning, std::move(message)});
}

std::size_t Reporter::error_count() const {
    return static_cast<std::size_t>(
        std::count_if(m_diagnostics.begin(), m_diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

SourcePos pos_of(const std::string& file, const toml::source_region& region) {
    return {file, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

std::string type_name(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
    }
    return "nothing";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment: insertions, deletions, substitutions and transpositions of
    // neighbours ("phnoe" -> "phone" is one edit), each costing 1.
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
    // A typo is a few edits, relative to the length of the word: 1 for short words, up to 3.
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    const std::string* best = nullptr;
    std::size_t best_distance = limit + 1;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best = &c;
            best_distance = d;
        }
    }
    return best ? *best : std::string();
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    const std::string best = closest(word, candidates);
    return best.empty() ? best : fmt::format("; did you mean '{}'?", best);
}

std::string scalar_text(const toml::node& node) {
    if (const auto* s = node.as_string()) {
        return s->get();
    }
    std::ostringstream out;
    node.visit([&out](const auto& n) {
        if constexpr (!toml::is_table<decltype(n)> && !toml::is_array<decltype(n)>) {
            out << n;
        }
    });
    return out.str();
}

TableReader::TableReader(const toml::table& table, std::string file, std::string context,
                         std::vector<std::string> allowed, Reporter& reporter)
    : m_table(table), m_file(std::move(file)), m_context(std::move(context)),
      m_reporter(reporter) {
    for (auto&& [key, value] : m_table) {
        if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) {
            continue;
        }
        m_reporter.error(pos_of(m_file, key.source()),
                         fmt::format("unknown key '{}' in {}{}", key.str(), m_context,
                                     did_you_mean(key.str(), allowed)));
        m_suggested.push_back(closest(key.str(), allowed));
    }
}

const toml::node* TableReader::node(std::string_view key) const {
    return m_table.get(key);
}

SourcePos TableReader::pos(std::string_view key) const {
    const toml::node* n = node(key);
    return n ? pos(*n) : pos();
}

void TableReader::require(std::string_view key) {
    // A misspelt key was reported already, with this one as the suggestion.
    const bool suggested =
        std::find(m_suggested.begin(), m_suggested.end(), key) != m_suggested.end();
    if (!has(key) && !suggested) {
        m_reporter.error(pos(), fmt::format("missing required key '{}' in {}", key, m_context));
    }
}

void TableReader::type_error(std::string_view key, const toml::node& n,
                             std::string_view expected) {
    m_reporter.error(pos(n), fmt::format("'{}' must be {}, not {}", key, expected, type_name(n)));
}

std::optional<std::string> TableReader::string(std::string_view key, bool required) {
    const toml::node* n = node(key);
    if (!n) {
        if (required) {
            require(key);
        }
        return std::nullopt;
    }
    if (const auto* s = n->as_string()) {
        return s->get();
    }
    type_error(key, *n, "a string");
    return std::nullopt;
}

std::optional<std::string> TableReader::nonblank_string(std::string_view key, bool required) {
    auto s = string(key, required);
    if (s && report_if_blank(key, *s)) {
        return std::nullopt;
    }
    return s;
}

bool TableReader::report_if_blank(std::string_view key, const std::string& value) {
    if (value.find_first_not_of(" \t\n\r\f\v") != std::string::npos) {
        return false;
    }
    m_reporter.error(pos(key), fmt::format("{} {} must not be empty", m_context, key));
    return true;
}

std::optional<bool> TableReader::boolean(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) {
        return std::nullopt;
    }
    if (const auto* b = n->as_boolean()) {
        return b->get();
    }
    type_error(key, *n, "a boolean (true or false)");
    return std::nullopt;
}

std::optional<std::vector<std::string>> TableReader::string_array(std::string_view key,
                                                                  bool required) {
    const toml::node* n = node(key);
    if (!n) {
        if (required) {
            require(key);
        }
        return std::nullopt;
    }
    const auto* arr = n->as_array();
    if (!arr) {
        type_error(key, *n, "an array of strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const auto& e : *arr) {
        if (const auto* s = e.as_string()) {
            out.push_back(s->get());
        } else {
            m_reporter.error(pos(e), fmt::format("'{}' must contain only strings, not {}", key,
                                                 type_name(e)));
            ok = false;
        }
    }
    return ok ? std::optional(std::move(out)) : std::nullopt;
}

std::optional<std::string> TableReader::time_text(std::string_view key, bool required) {
    const toml::node* n = node(key);
    if (!n) {
        if (required) {
            require(key);
        }
        return std::nullopt;
    }
    if (n->is_string() || n->is_date() || n->is_date_time()) {
        return scalar_text(*n);
    }
    type_error(key, *n, "a time (RFC 3339 or a date)");
    return std::nullopt;
}

const toml::table* TableReader::table(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) {
        return nullptr;
    }
    if (const auto* t = n->as_table()) {
        return t;
    }
    type_error(key, *n, "a table");
    return nullptr;
}

const toml::array* TableReader::array(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) {
        return nullptr;
    }
    if (const auto* a = n->as_array()) {
        return a;
    }
    type_error(key, *n, "an array");
    return nullptr;
}

} // namespace vern::policy_detail
