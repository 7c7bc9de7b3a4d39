// Option checks shared by the subcommands (declared in commands.hpp).

#include "commands.hpp"

#include <fmt/core.h>

#include <charconv>

namespace vern::cli {
namespace {

CLI::Validator whole_number(long long min, const char* what) {
    return CLI::Validator(
        [min, what](std::string& text) -> std::string {
            long long value = 0;
            const char* end = text.data() + text.size();
            auto [ptr, ec] = std::from_chars(text.data(), end, value);
            if (text.empty() || ec != std::errc() || ptr != end || value < min) {
                return fmt::format("expected {}, got \"{}\"", what, text);
            }
            return {};
        },
        ""); // no description: the help shows the option's type, as for other options
}

} // namespace

CLI::Validator positive_count() { return whole_number(1, "a whole number of 1 or more"); }
CLI::Validator non_negative_count() { return whole_number(0, "a whole number of 0 or more"); }

} // namespace vern::cli
