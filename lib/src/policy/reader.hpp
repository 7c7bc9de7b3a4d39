#pragma once
// Internal to the policy loader: collecting diagnostics and reading TOML tables key by key, so
// that every problem (unknown key, missing key, wrong type) becomes a positioned diagnostic.

#include "vern/policy.hpp"

#include <toml++/toml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vern::policy_detail {

// Collects the diagnostics of one load.
class Reporter {
  public:
    void error(SourcePos pos, std::string message);
    void warning(SourcePos pos, std::string message);
    std::vector<Diagnostic>& diagnostics() { return m_diagnostics; }
    std::size_t error_count() const;

  private:
    std::vector<Diagnostic> m_diagnostics;
};

SourcePos pos_of(const std::string& file, const toml::source_region& region);

// "integer", "string", "array", ...: for "must be a string, not an integer".
std::string type_name(const toml::node& node);

// Edit distance, the closest candidate when it is close enough to be a plausible typo ("" if
// none), and "; did you mean 'x'?" for it ("" if none).
std::size_t edit_distance(std::string_view a, std::string_view b);
std::string closest(std::string_view word, const std::vector<std::string>& candidates);
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// Renders a scalar TOML value (string, number, boolean, date, time, date-time) as text; TOML
// dates and date-times come out in RFC 3339 form.
std::string scalar_text(const toml::node& node);

// Reads one TOML table. The constructor reports keys not in `allowed` (with "did you mean").
// Getters report wrong types and, when `required`, absence; they return nullopt then.
class TableReader {
  public:
    TableReader(const toml::table& table, std::string file, std::string context,
                std::vector<std::string> allowed, Reporter& reporter);

    // Renames the table in messages, e.g. once its id is known: "[[category]] 'chat'".
    void set_context(std::string context) { m_context = std::move(context); }

    const toml::node* node(std::string_view key) const;
    bool has(std::string_view key) const { return node(key) != nullptr; }
    void require(std::string_view key);

    std::optional<std::string> string(std::string_view key, bool required = false);
    // A string that must say something: one that is empty or only white space is reported at
    // its value ("[policy] name must not be empty") and returned as nullopt.
    std::optional<std::string> nonblank_string(std::string_view key, bool required = false);
    // Reports `key` as empty when `value` is empty or only white space; true if it was.
    bool report_if_blank(std::string_view key, const std::string& value);
    std::optional<bool> boolean(std::string_view key);
    std::optional<std::vector<std::string>> string_array(std::string_view key,
                                                         bool required = false);
    // A string, or a TOML date / date-time rendered as RFC 3339 text (for times).
    std::optional<std::string> time_text(std::string_view key, bool required = false);
    const toml::table* table(std::string_view key);
    const toml::array* array(std::string_view key);

    SourcePos pos() const { return pos_of(m_file, m_table.source()); }
    SourcePos pos(std::string_view key) const; // the value's position, else the table's
    SourcePos pos(const toml::node& node) const { return pos_of(m_file, node.source()); }
    const std::string& file() const { return m_file; }
    const std::string& context() const { return m_context; }
    Reporter& reporter() { return m_reporter; }

    void type_error(std::string_view key, const toml::node& node, std::string_view expected);

  private:
    const toml::table& m_table;
    std::string m_file;
    std::string m_context;
    Reporter& m_reporter;
    std::vector<std::string> m_suggested; // suggestions made for unknown keys
};

} // namespace vern::policy_detail
