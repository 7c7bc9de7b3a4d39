// Fuzz target: the time and duration parsers and the calendar arithmetic (lib/include/vern/time.hpp).
//
// Input: the first byte picks a time zone (see k_zones; '0'..'7', other bytes modulo 8), the rest
// is split at '\n' into up to three texts A, B, C. Each text goes through parse_duration,
// parse_time, parse_round and find_zone; every duration found is added to every time found
// (add_calendar, round_up for every round mode, due_time) and the results are formatted.
// Invariants checked (time.hpp):
//  - parse_* return an error message or a value, never throw;
//  - a parsed duration is not negative and at most 1000 years (approx_days);
//  - add_calendar of a zero duration returns the anchor; of a positive one, not earlier;
//  - round_up(t, r) is later than t for every r but none;
//  - format_utc(t) parses back to t (for years 1..9999).
// Sanitizers watch the arithmetic (signed overflow, float-to-int casts) in date/tz and vern.

#include "fuzz_common.hpp"

#include "vern/time.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

const char* const k_zones[] = {
    "UTC",                 // '0'
    "Europe/Oslo",         // '1'
    "America/Sao_Paulo",   // '2': DST used to start at midnight (a missing 00:00)
    "Australia/Lord_Howe", // '3': 30-minute DST shift
    "Pacific/Apia",        // '4': skipped a whole day (2011-12-30)
    "Asia/Kathmandu",      // '5': +05:45
    "America/St_Johns",    // '6': -03:30 with DST
    "Africa/Casablanca",   // '7': DST suspended during Ramadan (many transitions)
};
constexpr std::size_t k_zone_count = sizeof k_zones / sizeof k_zones[0];

std::vector<vern::Zone>& zones() {
    static std::vector<vern::Zone> z;
    return z;
}

const vern::Round k_rounds[] = {vern::Round::none, vern::Round::end_of_day,
                                vern::Round::end_of_week, vern::Round::end_of_month,
                                vern::Round::end_of_year};

std::string show(vern::Instant t) { return std::to_string(t.time_since_epoch().count()); }

int year_of(vern::Instant t) {
    return static_cast<int>(date::year_month_day(date::floor<date::days>(t)).year());
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    for (const char* name : k_zones) {
        auto z = vern::find_zone(name);
        if (!z) vern_fuzz::finding(std::string("time zone missing from the tz database: ") + name);
        zones().push_back(*z);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    vern::Zone zone = zones()[(data[0] + 2u) % k_zone_count]; // '0' -> 0
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::vector<std::string_view> texts;
    while (texts.size() < 2) {
        auto nl = rest.find('\n');
        if (nl == std::string_view::npos) break;
        texts.push_back(rest.substr(0, nl));
        rest.remove_prefix(nl + 1);
    }
    texts.push_back(rest);

    std::vector<vern::Duration> durations;
    std::vector<vern::Instant> times;
    vern_fuzz::guarded("parsers", {}, [&] {
        for (std::string_view t : texts) {
            auto d = vern::parse_duration(t);
            if (d) {
                if (d->years < 0 || d->months < 0 || d->days < 0) {
                    vern_fuzz::finding("parse_duration accepted a negative part: " + d->text);
                }
                if (d->approx_days() > 1000 * 365.2425 + 1e-6) {
                    vern_fuzz::finding("parse_duration accepted more than 1000 years: " + d->text);
                }
                durations.push_back(*d);
            } else if (d.error().empty()) {
                vern_fuzz::finding("parse_duration failed without a message");
            }
            auto ti = vern::parse_time(t, zone);
            if (ti) times.push_back(*ti);
            else if (ti.error().empty()) vern_fuzz::finding("parse_time failed without a message");
            auto r = vern::parse_round(t);
            if (r) (void)vern::round_name(*r);
            auto z = vern::find_zone(t);
            if (z) {
                if (*z == nullptr) vern_fuzz::finding("find_zone returned a null zone");
                if (auto t2 = vern::parse_time("2026-03-29", *z)) times.push_back(*t2);
            }
        }
    });

    vern_fuzz::guarded("calendar", {}, [&] {
        for (vern::Instant t : times) {
            (void)vern::format_local(t, zone);
            (void)vern::format_local_date(t, zone);
            const std::string utc = vern::format_utc(t);
            const int y = year_of(t);
            if (y >= 1 && y <= 9999) {
                auto back = vern::parse_time(utc, zone);
                if (!back || *back != t) {
                    vern_fuzz::finding("format_utc does not parse back: " + utc + " (" + show(t) +
                                       ") -> " + (back ? show(*back) : back.error()));
                }
            }
            for (vern::Round r : k_rounds) {
                vern::Instant up = vern::round_up(t, r, zone);
                if (r != vern::Round::none && up <= t) {
                    vern_fuzz::finding(std::string("round_up(") + utc + ", " + vern::round_name(r) +
                                       ") = " + vern::format_utc(up) + " is not later");
                }
            }
            for (const vern::Duration& d : durations) {
                vern::Instant sum = vern::add_calendar(t, d, zone);
                const bool zero = d.years == 0 && d.months == 0 && d.days == 0;
                if (zero && sum != t) {
                    vern_fuzz::finding("add_calendar(" + utc + ", " + d.text + ") moved the anchor");
                }
                if (!zero && sum < t) {
                    vern_fuzz::finding("add_calendar(" + utc + ", " + d.text + ") = " +
                                       vern::format_utc(sum) + " is earlier than the anchor");
                }
                for (vern::Round r : k_rounds) (void)vern::due_time(t, d, r, zone);
                (void)vern::format_local(sum, zone);
            }
        }
    });
    return 0;
}
