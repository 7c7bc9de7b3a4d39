// Fødselsnummer validation: length, date part and the two mod-11 check digits.

#include "vern/national_id.hpp"

#include <fmt/core.h>

#include <array>

namespace vern {
namespace {

constexpr std::array<int, 9> k_weights_1{3, 7, 6, 1, 8, 9, 4, 5, 2};
constexpr std::array<int, 10> k_weights_2{5, 4, 3, 2, 7, 6, 5, 4, 3, 2};

constexpr const char* k_shape = "a fødselsnummer has 11 digits (DDMMYYIIIKK)";

// The mod-11 check digit over the first weights.size() digits, or -1 when none exists (a
// remainder of 1 gives 10, which no valid number has).
template <std::size_t N> int check_digit(const std::string& d, const std::array<int, N>& weights) {
    int sum = 0;
    for (std::size_t i = 0; i < N; ++i)
        sum += (d[i] - '0') * weights[i];
    int k = 11 - sum % 11;
    if (k == 11) return 0;
    if (k == 10) return -1;
    return k;
}

int two_digits(const std::string& d, std::size_t at) {
    return (d[at] - '0') * 10 + (d[at + 1] - '0');
}

} // namespace

Expected<std::string> parse_national_id(std::string_view text) {
    std::string digits;
    std::size_t length = 0;
    bool only_digits = true;
    for (char c : text) {
        if (c == ' ') continue;
        ++length;
        if (c < '0' || c > '9') only_digits = false;
        digits += c;
    }
    if (length != 11 || !only_digits) {
        if (!only_digits) {
            return Expected<std::string>::failure(fmt::format(
                "invalid national id: it contains characters other than digits; {}", k_shape));
        }
        return Expected<std::string>::failure(
            fmt::format("invalid national id: expected 11 digits, got {}; {}", length, k_shape));
    }
    int day = two_digits(digits, 0);
    int month = two_digits(digits, 2);
    if (day > 40) day -= 40; // D-number
    if (month > 80)
        month -= 80; // synthetic test number
    else if (month > 40)
        month -= 40; // H-number
    if (day < 1 || day > 31 || month < 1 || month > 12) {
        return Expected<std::string>::failure(fmt::format(
            "invalid national id: the date part is not a valid day and month; {}", k_shape));
    }
    if (check_digit(digits, k_weights_1) != digits[9] - '0' ||
        check_digit(digits, k_weights_2) != digits[10] - '0') {
        return Expected<std::string>::failure(fmt::format(
            "invalid national id: check digits do not match; {} whose last two are mod-11 "
            "check digits: check for a typing error",
            k_shape));
    }
    return digits;
}

bool is_d_number(std::string_view digits) {
    return !digits.empty() && digits[0] >= '4' && digits[0] <= '7';
}

} // namespace vern
