// Time: durations, round modes, zones, RFC 3339 parsing and the calendar arithmetic of SPEC 3.5.
// Europe/Oslo in 2026: spring forward on Sunday 29 March (02:00 CET -> 03:00 CEST, 01:00Z), fall
// back on Sunday 25 October (03:00 CEST -> 02:00 CET, 01:00Z).

#include "vern/time.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace vern;

namespace {

Zone zone(const char* name) {
    const Expected<Zone> z = find_zone(name);
    REQUIRE(z.ok());
    return *z;
}

Zone oslo() {
    return zone("Europe/Oslo");
}

// An instant written as RFC 3339 (with its own offset, so the zone does not matter).
Instant at(const std::string& text) {
    const Expected<Instant> t = parse_time(text, zone("UTC"));
    if (!t) {
        FAIL(t.error());
    }
    return *t;
}

Duration duration(const char* text) {
    const Expected<Duration> d = parse_duration(text);
    if (!d) {
        FAIL(d.error());
    }
    return *d;
}

} // namespace

TEST_CASE("time::parse_duration accepts the short and ISO 8601 forms") {
    struct Case {
        const char* text;
        int years;
        int months;
        int days;
    };
    const std::vector<Case> cases = {
        {"0d", 0, 0, 0},    {"7d", 0, 0, 7},       {"30d", 0, 0, 30},        {"12w", 0, 0, 84},
        {"0w", 0, 0, 0},    {"24mo", 0, 24, 0},    {"1y", 1, 0, 0},          {"007d", 0, 0, 7},
        {"P7D", 0, 0, 7},   {"P0D", 0, 0, 0},      {"P12W", 0, 0, 84},       {"P24M", 0, 24, 0},
        {"P1Y", 1, 0, 0},   {"P1Y6M", 1, 6, 0},    {"P1Y6M2W3D", 1, 6, 17},  {"P2W3D", 0, 0, 17},
        {"P1Y3D", 1, 0, 3}, {"1000y", 1000, 0, 0}, {"12000mo", 0, 12000, 0},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        const Expected<Duration> d = parse_duration(c.text);
        REQUIRE(d.ok());
        CHECK(d->years == c.years);
        CHECK(d->months == c.months);
        CHECK(d->days == c.days);
        CHECK(d->text == c.text);
    }
    CHECK(duration("12w") == duration("84d"));
    CHECK(duration("P1Y") == duration("1y"));
    CHECK_FALSE(duration("1y") == duration("12mo"));
}

TEST_CASE("time::parse_duration rejects anything else with an exact message") {
    struct Case {
        const char* text;
        const char* error;
    };
    const std::vector<Case> cases = {
        {"", "invalid duration \"\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"7", "invalid duration \"7\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"7x", "invalid duration \"7x\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"1.5d", "invalid duration \"1.5d\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"d", "invalid duration \"d\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"7D", "invalid duration \"7D\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"7m", "invalid duration \"7m\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"7 d", "invalid duration \"7 d\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {" 7d", "invalid duration \" 7d\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"7d ", "invalid duration \"7d \": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"+7d", "invalid duration \"+7d\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"7d2w", "invalid duration \"7d2w\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"P", "invalid duration \"P\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"P7", "invalid duration \"P7\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"p7d", "invalid duration \"p7d\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"P7d", "invalid duration \"P7d\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"P1D1Y", "invalid duration \"P1D1Y\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"P1Y1Y", "invalid duration \"P1Y1Y\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"P1.5Y", "invalid duration \"P1.5Y\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"P-1D", "invalid duration \"P-1D\": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D"},
        {"-7d", "invalid duration \"-7d\": must not be negative"},
        {"-P7D", "invalid duration \"-P7D\": must not be negative"},
        {"PT5H", "invalid duration \"PT5H\": ISO 8601 time parts (T...) are not supported, "
                 "only P[nY][nM][nW][nD]"},
        {"P1DT12H", "invalid duration \"P1DT12H\": ISO 8601 time parts (T...) are not "
                    "supported, only P[nY][nM][nW][nD]"},
        {"1001y", "invalid duration \"1001y\": longer than 1000 years"},
        {"400000d", "invalid duration \"400000d\": longer than 1000 years"},
        {"99999999999999999999d",
         "invalid duration \"99999999999999999999d\": longer than 1000 years"},
        {"P1000Y1M", "invalid duration \"P1000Y1M\": longer than 1000 years"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        const Expected<Duration> d = parse_duration(c.text);
        REQUIRE_FALSE(d.ok());
        CHECK(d.error() == c.error);
    }
}

TEST_CASE("time::Duration::approx_days orders durations") {
    CHECK(duration("0d").approx_days() == 0.0);
    CHECK(duration("12w").approx_days() == 84.0);
    CHECK(duration("1y").approx_days() == doctest::Approx(365.2425));
    CHECK(duration("1mo").approx_days() == doctest::Approx(30.436875));
    CHECK(duration("P1Y6M3D").approx_days() == doctest::Approx(365.2425 + 6 * 30.436875 + 3));
    CHECK(duration("12mo").approx_days() == doctest::Approx(duration("1y").approx_days()));
    CHECK(duration("31d").approx_days() > duration("1mo").approx_days());
    CHECK(duration("30d").approx_days() < duration("1mo").approx_days());
    CHECK(duration("24mo").approx_days() > duration("P1Y11M").approx_days());
}

TEST_CASE("time::parse_round and round_name") {
    for (Round r :
         {Round::end_of_day, Round::end_of_week, Round::end_of_month, Round::end_of_year}) {
        CAPTURE(round_name(r));
        const Expected<Round> parsed = parse_round(round_name(r));
        REQUIRE(parsed.ok());
        CHECK(*parsed == r);
    }
    CHECK(std::string(round_name(Round::none)) == "none");
    CHECK(std::string(round_name(Round::end_of_week)) == "end_of_week");
    for (const char* bad : {"none", "", "end_of_wek", "END_OF_DAY", "week"}) {
        CAPTURE(bad);
        const Expected<Round> r = parse_round(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error() == "invalid round \"" + std::string(bad) +
                               "\": expected end_of_day, end_of_week, end_of_month or "
                               "end_of_year");
    }
}

TEST_CASE("time::find_zone") {
    CHECK(oslo()->name() == "Europe/Oslo");
    CHECK(zone("UTC") != nullptr);
    CHECK(zone("America/Sao_Paulo")->name() == "America/Sao_Paulo");
    const Expected<Zone> typo = find_zone("Europe/Olso");
    REQUIRE_FALSE(typo.ok());
    CHECK(typo.error() == "unknown time zone \"Europe/Olso\": expected an IANA name like "
                          "Europe/Oslo");
    for (const char* bad :
         {"", "Europe", "europe/oslo", "Europe/Oslo/", "../../etc/passwd", "localtime", "+01:00"}) {
        CAPTURE(bad);
        const Expected<Zone> z = find_zone(bad);
        REQUIRE_FALSE(z.ok());
        CHECK(z.error() == "unknown time zone \"" + std::string(bad) +
                               "\": expected an IANA name like Europe/Oslo");
    }
}

TEST_CASE("time::parse_time accepts RFC 3339 and bare dates") {
    struct Case {
        const char* text;
        const char* utc;
    };
    const std::vector<Case> cases = {
        {"2026-01-05T10:00:00+01:00", "2026-01-05T09:00:00Z"},
        {"2026-01-05T10:00:00Z", "2026-01-05T10:00:00Z"},
        {"2026-01-05t10:00:00z", "2026-01-05T10:00:00Z"},
        {"2026-01-05 10:00:00Z", "2026-01-05T10:00:00Z"},
        {"2026-01-05T10:00:00.999Z", "2026-01-05T10:00:00Z"},
        {"2026-01-05T10:00:00.123456789+01:00", "2026-01-05T09:00:00Z"},
        {"2026-01-05T10:00:00-05:30", "2026-01-05T15:30:00Z"},
        {"2026-01-05T00:30:00+02:00", "2026-01-04T22:30:00Z"},
        {"2026-01-05T10:00:00-00:00", "2026-01-05T10:00:00Z"},
        {"2028-02-29T23:59:59Z", "2028-02-29T23:59:59Z"},
        // Bare dates are 00:00 on the wall clock of the zone: CET in winter, CEST in summer.
        {"2026-01-05", "2026-01-04T23:00:00Z"},
        {"2026-07-01", "2026-06-30T22:00:00Z"},
        {"2026-03-29", "2026-03-28T23:00:00Z"},
        {"2026-03-30", "2026-03-29T22:00:00Z"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        const Expected<Instant> t = parse_time(c.text, oslo());
        REQUIRE(t.ok());
        CHECK(format_utc(*t) == c.utc);
    }
    const Expected<Instant> utc_date = parse_time("2026-01-05", zone("UTC"));
    REQUIRE(utc_date.ok());
    CHECK(format_utc(*utc_date) == "2026-01-05T00:00:00Z");
    // Sao Paulo sprang forward at midnight on 4 November 2018: 00:00 did not exist, so the day
    // began at 01:00 -02.
    const Expected<Instant> gap_date = parse_time("2018-11-04", zone("America/Sao_Paulo"));
    REQUIRE(gap_date.ok());
    CHECK(format_utc(*gap_date) == "2018-11-04T03:00:00Z");
}

TEST_CASE("time::parse_time rejects malformed and out-of-range times exactly") {
    struct Case {
        const char* text;
        const char* why;
    };
    const char* syntax = "expected RFC 3339 (2026-01-05T10:00:00+01:00) or a date (2026-01-05)";
    const std::vector<Case> cases = {
        {"", syntax},
        {"2026-1-5", syntax},
        {"26-01-05", syntax},
        {"2026/01/05", syntax},
        {"2026-01-05T", syntax},
        {"2026-01-05T10:00Z", syntax},
        {"2026-01-05T10:00:00", syntax},
        {"2026-01-05T10:00:00.Z", syntax},
        {"2026-01-05T10:00:00+0100", syntax},
        {"2026-01-05T10:00:00+01", syntax},
        {"2026-01-05T10:00:00 +01:00", syntax},
        {"2026-01-05X10:00:00Z", syntax},
        {"2026-01-05T10:00:00Zjunk", syntax},
        {"2026-01-05 ", syntax},
        {" 2026-01-05", syntax},
        {"2026-01-05T1:00:00Z", syntax},
        {"2026-13-01", "month 13 is out of range"},
        {"2026-00-10", "month 0 is out of range"},
        {"2026-02-30", "day 30 is out of range for 2026-02"},
        {"2026-02-29", "day 29 is out of range for 2026-02"},
        {"2026-04-31T10:00:00Z", "day 31 is out of range for 2026-04"},
        {"2026-01-00", "day 0 is out of range for 2026-01"},
        {"2026-01-05T25:00:00Z", "hour 25 is out of range"},
        {"2026-01-05T24:00:00Z", "hour 24 is out of range"},
        {"2026-01-05T10:60:00Z", "minute 60 is out of range"},
        {"2026-01-05T10:00:60Z", "second 60 is out of range"},
        {"2026-01-05T10:00:00+24:00", "offset +24:00 is out of range"},
        {"2026-01-05T10:00:00-01:60", "offset -01:60 is out of range"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        const Expected<Instant> t = parse_time(c.text, oslo());
        REQUIRE_FALSE(t.ok());
        CHECK(t.error() == "invalid time \"" + std::string(c.text) + "\": " + c.why);
    }
    CHECK(parse_time("2026-13-01", oslo()).error() ==
          "invalid time \"2026-13-01\": month 13 is out of range");
    CHECK(parse_time("yesterday", oslo()).error() ==
          "invalid time \"yesterday\": expected RFC 3339 (2026-01-05T10:00:00+01:00) or a date "
          "(2026-01-05)");
}

TEST_CASE("time::format_utc, format_local and format_local_date") {
    CHECK(format_utc(at("2026-04-19T10:00:00+02:00")) == "2026-04-19T08:00:00Z");
    CHECK(format_local(at("2026-04-19T08:00:00Z"), oslo()) == "2026-04-19 10:00:00 CEST");
    CHECK(format_local(at("2026-01-05T09:00:00Z"), oslo()) == "2026-01-05 10:00:00 CET");
    CHECK(format_local(at("2026-01-05T09:00:00Z"), zone("UTC")) == "2026-01-05 09:00:00 UTC");
    CHECK(format_local_date(at("2026-04-19T08:00:00Z"), oslo()) == "2026-04-19");
    // The local date, not the UTC one.
    CHECK(format_local_date(at("2026-04-19T22:30:00Z"), oslo()) == "2026-04-20");
    CHECK(format_local_date(at("2026-04-19T22:30:00Z"), zone("UTC")) == "2026-04-19");
    // The 2026 transitions of Europe/Oslo, to the second.
    CHECK(format_local(at("2026-03-29T00:59:59Z"), oslo()) == "2026-03-29 01:59:59 CET");
    CHECK(format_local(at("2026-03-29T01:00:00Z"), oslo()) == "2026-03-29 03:00:00 CEST");
    CHECK(format_local(at("2026-10-25T00:59:59Z"), oslo()) == "2026-10-25 02:59:59 CEST");
    CHECK(format_local(at("2026-10-25T01:00:00Z"), oslo()) == "2026-10-25 02:00:00 CET");
    // Round trip through the JSON form.
    const Instant t = at("2026-10-25T02:30:00+01:00");
    CHECK(at(format_utc(t)) == t);
}

TEST_CASE("time::add_calendar on the wall clock of Europe/Oslo") {
    struct Case {
        const char* what;
        const char* anchor;
        const char* keep;
        const char* due;
    };
    const std::vector<Case> cases = {
        {"SPEC example: 30d across spring forward keeps 10:00", "2026-03-20T10:00:00+01:00", "30d",
         "2026-04-19T08:00:00Z"},
        {"1d across spring forward is 23 hours", "2026-03-28T10:00:00+01:00", "1d",
         "2026-03-29T08:00:00Z"},
        {"1d across fall back is 25 hours", "2026-10-24T10:00:00+02:00", "1d",
         "2026-10-25T09:00:00Z"},
        {"gap: 02:30 on 29 March moves forward to 03:30 CEST", "2026-03-28T02:30:00+01:00", "1d",
         "2026-03-29T01:30:00Z"},
        {"gap reached by months", "2026-02-28T02:00:00+01:00", "P1M1D", "2026-03-29T01:00:00Z"},
        {"fold: 02:30 on 25 October takes the earlier instant (CEST)", "2026-10-24T02:30:00+02:00",
         "1d", "2026-10-25T00:30:00Z"},
        {"fold reached by 1w", "2026-10-18T02:30:00+02:00", "1w", "2026-10-25T00:30:00Z"},
        {"31 Jan + 1mo in a leap year is 29 Feb", "2028-01-31T12:00:00+01:00", "1mo",
         "2028-02-29T11:00:00Z"},
        {"31 Jan + 1mo in a common year is 28 Feb", "2026-01-31T12:00:00+01:00", "1mo",
         "2026-02-28T11:00:00Z"},
        {"31 Jan + P1M as ISO 8601", "2026-01-31T12:00:00+01:00", "P1M", "2026-02-28T11:00:00Z"},
        {"31 Mar + 1mo is 30 Apr", "2026-03-31T12:00:00+02:00", "1mo", "2026-04-30T10:00:00Z"},
        {"months first, then days: 31 Jan + P1M1D = 1 Mar", "2026-01-31T12:00:00+01:00", "P1M1D",
         "2026-03-01T11:00:00Z"},
        {"29 Feb + 1y is 28 Feb", "2028-02-29T12:00:00+01:00", "1y", "2029-02-28T11:00:00Z"},
        {"29 Feb + 4y is 29 Feb", "2028-02-29T12:00:00+01:00", "P4Y", "2032-02-29T11:00:00Z"},
        {"years and months together: 31 Aug + P1Y6M = 29 Feb", "2026-08-31T12:00:00+02:00", "P1Y6M",
         "2028-02-29T11:00:00Z"},
        {"12w is 84 wall-clock days across spring forward", "2026-01-05T10:00:00+01:00", "12w",
         "2026-03-30T08:00:00Z"},
        {"24mo keeps the time of day", "2026-03-20T10:00:00+01:00", "24mo", "2028-03-20T09:00:00Z"},
        {"a summer anchor into winter", "2026-07-01T23:30:00+02:00", "P4M", "2026-11-01T22:30:00Z"},
        {"0d is the anchor", "2026-04-19T10:00:00+02:00", "0d", "2026-04-19T08:00:00Z"},
        {"0d from the later pass of a fold stays put", "2026-10-25T02:30:00+01:00", "0d",
         "2026-10-25T01:30:00Z"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.what);
        CHECK(format_utc(add_calendar(at(c.anchor), duration(c.keep), oslo())) == c.due);
    }
    CHECK(format_local(add_calendar(at("2026-03-28T02:30:00+01:00"), duration("1d"), oslo()),
                       oslo()) == "2026-03-29 03:30:00 CEST");
    CHECK(format_local(add_calendar(at("2026-03-20T10:00:00+01:00"), duration("30d"), oslo()),
                       oslo()) == "2026-04-19 10:00:00 CEST");
    // In UTC the same 30 days are exactly 720 hours.
    CHECK(format_utc(add_calendar(at("2026-03-20T10:00:00Z"), duration("30d"), zone("UTC"))) ==
          "2026-04-19T10:00:00Z");
}

TEST_CASE("time::round_up to the start of the next local period") {
    struct Case {
        const char* t;
        Round round;
        const char* due;
    };
    const std::vector<Case> cases = {
        {"2026-04-19T10:00:00+02:00", Round::none, "2026-04-19T08:00:00Z"},
        // end_of_day: the next local midnight; midnight itself goes to the following one.
        {"2026-04-19T10:00:00+02:00", Round::end_of_day, "2026-04-19T22:00:00Z"},
        {"2026-04-19T23:59:59+02:00", Round::end_of_day, "2026-04-19T22:00:00Z"},
        {"2026-04-20T00:00:00+02:00", Round::end_of_day, "2026-04-20T22:00:00Z"},
        {"2026-04-19T23:30:00Z", Round::end_of_day, "2026-04-20T22:00:00Z"}, // 01:30 local
        // end_of_week: the next ISO Monday 00:00; a Monday 00:00 goes to the following Monday.
        {"2026-04-19T10:00:00+02:00", Round::end_of_week, "2026-04-19T22:00:00Z"}, // Sunday
        {"2026-04-15T10:00:00+02:00", Round::end_of_week, "2026-04-19T22:00:00Z"}, // Wednesday
        {"2026-04-20T00:00:00+02:00", Round::end_of_week, "2026-04-26T22:00:00Z"}, // Monday 00:00
        {"2026-04-20T10:00:00+02:00", Round::end_of_week, "2026-04-26T22:00:00Z"}, // Monday
        {"2026-04-19T23:59:59+02:00", Round::end_of_week, "2026-04-19T22:00:00Z"},
        // end_of_month: the 1st of the next month 00:00.
        {"2026-04-19T10:00:00+02:00", Round::end_of_month, "2026-04-30T22:00:00Z"},
        {"2026-04-30T23:59:59+02:00", Round::end_of_month, "2026-04-30T22:00:00Z"},
        {"2026-05-01T00:00:00+02:00", Round::end_of_month, "2026-05-31T22:00:00Z"},
        {"2026-12-15T10:00:00+01:00", Round::end_of_month, "2026-12-31T23:00:00Z"},
        {"2028-02-29T10:00:00+01:00", Round::end_of_month, "2028-02-29T23:00:00Z"},
        // end_of_year: 1 January 00:00 of the next year.
        {"2026-04-19T10:00:00+02:00", Round::end_of_year, "2026-12-31T23:00:00Z"},
        {"2026-12-31T23:59:59+01:00", Round::end_of_year, "2026-12-31T23:00:00Z"},
        {"2027-01-01T00:00:00+01:00", Round::end_of_year, "2027-12-31T23:00:00Z"},
        {"2026-12-31T23:30:00Z", Round::end_of_year, "2027-12-31T23:00:00Z"}, // 2027 locally
        // Across the DST changes: the period's start is local midnight in the new offset.
        {"2026-03-28T12:00:00+01:00", Round::end_of_day, "2026-03-28T23:00:00Z"},
        {"2026-03-29T12:00:00+02:00", Round::end_of_day, "2026-03-29T22:00:00Z"},
        {"2026-03-26T10:00:00+01:00", Round::end_of_week, "2026-03-29T22:00:00Z"},
        {"2026-03-15T10:00:00+01:00", Round::end_of_month, "2026-03-31T22:00:00Z"},
        {"2026-10-24T12:00:00+02:00", Round::end_of_day, "2026-10-24T22:00:00Z"},
        {"2026-10-25T02:30:00+02:00", Round::end_of_day, "2026-10-25T23:00:00Z"}, // fold, 1st
        {"2026-10-25T02:30:00+01:00", Round::end_of_day, "2026-10-25T23:00:00Z"}, // fold, 2nd
        {"2026-10-20T10:00:00+02:00", Round::end_of_week, "2026-10-25T23:00:00Z"},
        {"2026-10-20T10:00:00+02:00", Round::end_of_month, "2026-10-31T23:00:00Z"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.t);
        CAPTURE(round_name(c.round));
        CHECK(format_utc(round_up(at(c.t), c.round, oslo())) == c.due);
    }
    CHECK(format_local(round_up(at("2026-03-26T10:00:00+01:00"), Round::end_of_week, oslo()),
                       oslo()) == "2026-03-30 00:00:00 CEST");
    CHECK(format_local(round_up(at("2026-10-20T10:00:00+02:00"), Round::end_of_month, oslo()),
                       oslo()) == "2026-11-01 00:00:00 CET");
}

TEST_CASE("time::round_up when local midnight falls in a DST gap") {
    // America/Sao_Paulo sprang forward at 00:00 on Sunday 4 November 2018 (-03 -> -02): the
    // midnight moves forward by the gap to 01:00 -02.
    const Zone sao_paulo = zone("America/Sao_Paulo");
    const Instant saturday = at("2018-11-03T12:00:00-03:00");
    CHECK(format_utc(round_up(saturday, Round::end_of_day, sao_paulo)) == "2018-11-04T03:00:00Z");
    CHECK(format_local(round_up(saturday, Round::end_of_day, sao_paulo), sao_paulo) ==
          "2018-11-04 01:00:00 -02");
    // The next Monday is a normal midnight again.
    CHECK(format_utc(round_up(saturday, Round::end_of_week, sao_paulo)) == "2018-11-05T02:00:00Z");
}

TEST_CASE("time: a whole day in a gap (Pacific/Apia skipped 30 December 2011)") {
    // Samoa moved from -10 to +14 at the end of 29 December 2011: 30 December never happened.
    const Zone apia = zone("Pacific/Apia");
    const Instant anchor = at("2011-12-29T10:00:00-10:00");
    CHECK(format_local(add_calendar(anchor, duration("1d"), apia), apia) ==
          "2011-12-31 10:00:00 +14");
    CHECK(format_utc(add_calendar(anchor, duration("1d"), apia)) == "2011-12-30T20:00:00Z");
    CHECK(format_utc(round_up(anchor, Round::end_of_day, apia)) == "2011-12-30T10:00:00Z");
    CHECK(format_local(round_up(anchor, Round::end_of_day, apia), apia) ==
          "2011-12-31 00:00:00 +14");
    const Expected<Instant> missing_day = parse_time("2011-12-30", apia);
    REQUIRE(missing_day.ok());
    CHECK(format_utc(*missing_day) == "2011-12-30T10:00:00Z");
}

TEST_CASE("time::due_time combines add_calendar and round_up") {
    struct Case {
        const char* what;
        const char* anchor;
        const char* keep;
        Round round;
        const char* due;
    };
    const std::vector<Case> cases = {
        {"SPEC example without round", "2026-03-20T10:00:00+01:00", "30d", Round::none,
         "2026-04-19T08:00:00Z"},
        {"7d then the next Monday, across spring forward", "2026-03-25T10:00:00+01:00", "7d",
         Round::end_of_week, "2026-04-05T22:00:00Z"},
        {"ending exactly on Monday 00:00 goes to the following Monday", "2026-04-13T00:00:00+02:00",
         "7d", Round::end_of_week, "2026-04-26T22:00:00Z"},
        {"24mo then end of year", "2026-03-20T10:00:00+01:00", "24mo", Round::end_of_year,
         "2028-12-31T23:00:00Z"},
        {"clamped to 29 Feb, then end of month", "2028-01-31T12:00:00+01:00", "1mo",
         Round::end_of_month, "2028-02-29T23:00:00Z"},
        {"a gap result, then end of day", "2026-03-28T02:30:00+01:00", "1d", Round::end_of_day,
         "2026-03-29T22:00:00Z"},
        {"a fold result, then end of day", "2026-10-24T02:30:00+02:00", "1d", Round::end_of_day,
         "2026-10-25T23:00:00Z"},
        {"12w then end of month across fall back", "2026-08-10T09:00:00+02:00", "12w",
         Round::end_of_month, "2026-11-30T23:00:00Z"},
        {"0d with end_of_day", "2026-04-19T10:00:00+02:00", "0d", Round::end_of_day,
         "2026-04-19T22:00:00Z"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.what);
        CHECK(format_utc(due_time(at(c.anchor), duration(c.keep), c.round, oslo())) == c.due);
    }
}
