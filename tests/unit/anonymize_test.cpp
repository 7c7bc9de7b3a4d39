// The anonymisation methods of SPEC 3.4, with exact values.

#include "vern/engine.hpp"

#include <doctest/doctest.h>

using namespace vern;
using nlohmann::json;

namespace {

AnonMethod method(AnonMethod::Kind kind, int n = 0) {
    AnonMethod m;
    m.kind = kind;
    m.n = n;
    return m;
}

json apply(const json& v, AnonMethod::Kind kind, int n = 0) {
    auto out = anonymize_value(v, method(kind, n));
    REQUIRE(out.has_value());
    return *out;
}

using K = AnonMethod::Kind;

} // namespace

TEST_CASE("engine::anonymize_value remove and redact") {
    CHECK_FALSE(anonymize_value("x", method(K::remove)).has_value());
    CHECK(apply("Kari Nordmann", K::redact) == "[redacted]");
    CHECK(apply(42, K::redact) == "[redacted]");
}

TEST_CASE("engine::anonymize_value drop_last and mask_last ignore spaces") {
    CHECK(apply("+47 912 34 567", K::drop_last, 4) == "+47 912 3");
    CHECK(apply("+4791234567", K::drop_last, 4) == "+479123");
    CHECK(apply("123", K::drop_last, 4) == "");
    CHECK(apply(12345678, K::drop_last, 2) == "123456");
    CHECK(apply("+47 912 34 567", K::mask_last, 4) == "+47 912 3X XXX");
    CHECK(apply("91234567", K::mask_last, 3) == "91234XXX");
    CHECK(apply(true, K::drop_last, 2) == "[redacted]");
}

TEST_CASE("engine::anonymize_value truncate_ip") {
    CHECK(apply("193.69.12.45", K::truncate_ip) == "193.69.12.0");
    CHECK(apply("10.0.0.7", K::truncate_ip) == "10.0.0.0");
    CHECK(apply("2001:db8:abcd:12::1", K::truncate_ip) == "2001:db8:abcd::");
    CHECK(apply("2001:db8:abcd:ffff:1:2:3:4", K::truncate_ip) == "2001:db8:abcd::");
    CHECK(apply("abc", K::truncate_ip) == "[redacted]");
    CHECK(apply("300.1.1.1", K::truncate_ip) == "[redacted]");
    CHECK(apply(12, K::truncate_ip) == "[redacted]");
}

TEST_CASE("engine::anonymize_value band") {
    CHECK(apply(34, K::band, 10) == "30-39");
    CHECK(apply(30, K::band, 10) == "30-39");
    CHECK(apply(39.9, K::band, 10) == "30-39");
    CHECK(apply("34", K::band, 10) == "30-39");
    CHECK(apply(7, K::band, 5) == "5-9");
    CHECK(apply(0, K::band, 10) == "0-9");
    CHECK(apply("thirty", K::band, 10) == "[redacted]");
    CHECK(apply("", K::band, 10) == "[redacted]");
}

TEST_CASE("engine::anonymize_value year") {
    CHECK(apply("1987-05-17", K::year) == "1987");
    CHECK(apply("2026-01-05T10:00:00+01:00", K::year) == "2026");
    CHECK(apply("1987", K::year) == "1987");
    CHECK(apply(1987, K::year) == "1987");
    CHECK(apply("17. mai 1987", K::year) == "[redacted]");
    CHECK(apply("87-05-17", K::year) == "[redacted]");
}
