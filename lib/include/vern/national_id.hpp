#pragma once
// Norwegian national identity numbers (fødselsnummer and D-number), as used by the
// `--national-id` selector (SPEC section 2).

#include "vern/error.hpp"

#include <string>
#include <string_view>

namespace vern {

// Validates a fødselsnummer: 11 digits DDMMYYIIIKK (spaces ignored) whose two last digits are the
// mod-11 check digits (weights 3 7 6 1 8 9 4 5 2 for the first, 5 4 3 2 7 6 5 4 3 2 for the
// second), with a plausible day and month. D-numbers (day + 40), H-numbers (month + 40) and
// synthetic test numbers (month + 80) are accepted. Returns the 11 digits.
// The error messages, exactly (S = "a fødselsnummer has 11 digits (DDMMYYIIIKK)"):
//   invalid national id: it contains characters other than digits; S
//   invalid national id: expected 11 digits, got N; S
//   invalid national id: the date part is not a valid day and month; S
//   invalid national id: check digits do not match; S whose last two are mod-11 check digits:
//     check for a typing error
// The number itself is never repeated in a message (it is personal data).
Expected<std::string> parse_national_id(std::string_view text);

// True for a D-number (first digit 4-7: day + 40). REQUIRES a value parse_national_id accepted.
bool is_d_number(std::string_view digits);

} // namespace vern
