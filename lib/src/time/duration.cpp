// Retention durations: "7d", "12w", "24mo", "1y" and ISO 8601 date durations (SPEC 3.4).

#include "vern/time.hpp"

#include <charconv>
#include <cstdint>
#include <fmt/format.h>

namespace vern {
namespace {

constexpr double k_days_per_year = 365.2425;
constexpr double k_days_per_month = 30.436875;
// Keeps calendar arithmetic far from the limits of int and date::year.
constexpr double k_max_days = 1000 * k_days_per_year;

Expected<Duration> syntax_error(std::string_view text) {
    return Expected<Duration>::failure(fmt::format(
        "invalid duration \"{}\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D", text));
}

// Reads the decimal digits at the front of `rest` (no sign) and removes them.
bool take_number(std::string_view& rest, std::int64_t& n) {
    std::size_t len = 0;
    while (len < rest.size() && rest[len] >= '0' && rest[len] <= '9') {
        ++len;
    }
    if (len == 0) {
        return false;
    }
    if (len > 9) {
        // Beyond k_max_days in any unit, so rejected as too long, and no overflow on the way.
        n = 1'000'000'000;
    } else {
        std::from_chars(rest.data(), rest.data() + len, n);
    }
    rest.remove_prefix(len);
    return true;
}

// "Nd", "Nw", "Nmo", "Ny".
bool parse_short(std::string_view text, std::int64_t& y, std::int64_t& m, std::int64_t& d) {
    std::string_view rest = text;
    std::int64_t n = 0;
    if (!take_number(rest, n)) {
        return false;
    }
    if (rest == "d") {
        d = n;
    } else if (rest == "w") {
        d = n * 7;
    } else if (rest == "mo") {
        m = n;
    } else if (rest == "y") {
        y = n;
    } else {
        return false;
    }
    return true;
}

// ISO 8601 "P[nY][nM][nW][nD]": components in this order, each at most once, at least one.
bool parse_iso(std::string_view text, std::int64_t& y, std::int64_t& m, std::int64_t& d) {
    std::string_view rest = text.substr(1);
    constexpr std::string_view units = "YMWD";
    std::size_t next_unit = 0;
    bool any = false;
    while (!rest.empty()) {
        std::int64_t n = 0;
        if (!take_number(rest, n) || rest.empty()) {
            return false;
        }
        const std::size_t unit = units.find(rest.front(), next_unit);
        if (unit == std::string_view::npos) {
            return false;
        }
        rest.remove_prefix(1);
        next_unit = unit + 1;
        any = true;
        switch (units[unit]) {
        case 'Y':
            y = n;
            break;
        case 'M':
            m = n;
            break;
        case 'W':
            d += n * 7;
            break;
        case 'D':
            d += n;
            break;
        }
    }
    return any;
}

} // namespace

double Duration::approx_days() const {
    return years * k_days_per_year + months * k_days_per_month + days;
}

Expected<Duration> parse_duration(std::string_view text) {
    if (!text.empty() && text.front() == '-') {
        return Expected<Duration>::failure(
            fmt::format("invalid duration \"{}\": must not be negative", text));
    }
    std::int64_t y = 0;
    std::int64_t m = 0;
    std::int64_t d = 0;
    if (!text.empty() && text.front() == 'P') {
        if (text.find('T') != std::string_view::npos) {
            return Expected<Duration>::failure(fmt::format(
                "invalid duration \"{}\": ISO 8601 time parts (T...) are not supported, "
                "only P[nY][nM][nW][nD]",
                text));
        }
        if (!parse_iso(text, y, m, d)) {
            return syntax_error(text);
        }
    } else if (!parse_short(text, y, m, d)) {
        return syntax_error(text);
    }
    const double approx = static_cast<double>(y) * k_days_per_year +
                          static_cast<double>(m) * k_days_per_month + static_cast<double>(d);
    // A day of slack so that "1000y" and "12000mo" pass despite rounding in the factors.
    if (approx > k_max_days + 1) {
        return Expected<Duration>::failure(
            fmt::format("invalid duration \"{}\": longer than 1000 years", text));
    }
    return Duration{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d),
                    std::string(text)};
}

} // namespace vern
