// Fødselsnummer validation: both mod-11 check digits, D-numbers, exact error messages.

#include "vern/national_id.hpp"

#include <doctest/doctest.h>

using namespace vern;

TEST_CASE("rights::parse_national_id accepts valid numbers") {
    for (const char* valid : {"02028545692", "020285 45692", "15037711230", "15037711311"}) {
        INFO(valid);
        auto r = parse_national_id(valid);
        REQUIRE(r.ok());
        CHECK(r->size() == 11);
        CHECK_FALSE(is_d_number(*r));
    }
    auto d = parse_national_id("41019012393"); // D-number: day 01 + 40
    REQUIRE(d.ok());
    CHECK(is_d_number(*d));
}

TEST_CASE("rights::parse_national_id refuses, with exact messages") {
    const std::string shape = "a fødselsnummer has 11 digits (DDMMYYIIIKK)";
    CHECK(parse_national_id("02028545691").error() ==
          "invalid national id: check digits do not match; " + shape +
              " whose last two are mod-11 check digits: check for a typing error");
    CHECK(parse_national_id("02028545602").error() ==
          "invalid national id: check digits do not match; " + shape +
              " whose last two are mod-11 check digits: check for a typing error");
    CHECK(parse_national_id("1234").error() ==
          "invalid national id: expected 11 digits, got 4; " + shape);
    CHECK(parse_national_id("0202854569x").error() ==
          "invalid national id: it contains characters other than digits; " + shape);
    CHECK(parse_national_id("32138545692").error() ==
          "invalid national id: the date part is not a valid day and month; " + shape);
    CHECK_FALSE(parse_national_id("").ok());
}
