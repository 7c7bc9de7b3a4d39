#pragma once
// Time: instants, retention durations, wall-clock calendar arithmetic in an IANA time zone, and
// the round modes of SPEC section 3.5. Everything calendar-related goes through date/tz.

#include "vern/error.hpp"

#include <date/tz.h>

#include <chrono>
#include <string>
#include <string_view>

namespace vern {

// An instant, to the second (UTC on the wire, policy time zone for calendar arithmetic).
using Instant = std::chrono::sys_seconds;

using Zone = const date::time_zone*;

// A retention period: calendar years/months and days, added on the wall clock.
// "7d" -> {0,0,7}; "12w" -> {0,0,84}; "24mo" -> {0,24,0}; "1y" -> {1,0,0}; ISO 8601 "P1Y6M2W3D"
// combines them. `text` keeps the spelling from the policy for messages and reports.
struct Duration {
    int years = 0;
    int months = 0;
    int days = 0;
    std::string text;

    // Approximate length in days (years 365.2425, months 30.436875): only for comparing two
    // durations, e.g. "retention got longer" in `vern check --baseline`.
    double approx_days() const;
    bool operator==(const Duration& o) const {
        return years == o.years && months == o.months && days == o.days;
    }
};

// Parses "Nd", "Nw", "Nmo", "Ny" (N >= 0) or ISO 8601 date durations ("P7D", "P12W", "P24M",
// "P1Y", "P1Y6M"; components in the order Y M W D, each at most once). No spaces, signs or
// fractions. The error messages, exactly:
//   invalid duration "7x": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D   (any other spelling)
//   invalid duration "-7d": must not be negative
//   invalid duration "PT5H": ISO 8601 time parts (T...) are not supported, only P[nY][nM][nW][nD]
//   invalid duration "1001y": longer than 1000 years   (approx_days() beyond 1000 years)
Expected<Duration> parse_duration(std::string_view text);

enum class Round { none, end_of_day, end_of_week, end_of_month, end_of_year };

// Parses "end_of_day" | "end_of_week" | "end_of_month" | "end_of_year" ("none" is not a value a
// policy can spell). Error: `invalid round "x": expected end_of_day, end_of_week, end_of_month or
// end_of_year`.
Expected<Round> parse_round(std::string_view text);
const char* round_name(Round r); // "none" for Round::none

// Looks up an IANA time zone name in the system tz database ("Europe/Oslo", "UTC"). Error:
// `unknown time zone "Europe/Olso": expected an IANA name like Europe/Oslo`.
Expected<Zone> find_zone(std::string_view name);

// anchor + keep on the wall clock of `zone`: years and months first (the day clamped to the end
// of the month: 31 Jan + 1mo = 28/29 Feb), then days; the local time of day is kept. A local time
// in a DST gap moves forward by the gap (02:30 on the spring-forward night -> 03:30); in a fold
// the earlier instant is taken. A zero duration returns `anchor` itself (even in the later pass of
// a fold).
Instant add_calendar(Instant anchor, const Duration& keep, Zone zone);

// Moves an instant to the start of the period *after* the one containing it, in local time:
// end_of_day -> next 00:00, end_of_week -> next Monday 00:00 (ISO weeks), end_of_month -> the 1st
// of next month 00:00, end_of_year -> 1 January 00:00 of the next year. Round::none returns `t`.
// An instant exactly at the start of a period goes to the next one (Monday 00:00 -> the following
// Monday). A local midnight in a DST gap moves forward by the gap.
Instant round_up(Instant t, Round round, Zone zone);

// Due time of a rule: round_up(add_calendar(anchor, keep), round).
Instant due_time(Instant anchor, const Duration& keep, Round round, Zone zone);

// Parses an RFC 3339 time ("2026-01-05T10:00:00+01:00", "...Z", fractional seconds dropped,
// 't'/' ' separator accepted, 'z' too) or a bare date "2026-02-01" meaning 00:00 local time in
// `zone` (forward by the gap if that midnight does not exist). Seconds are 00-59 (no leap second).
// The error messages, exactly:
//   invalid time "x": expected RFC 3339 (2026-01-05T10:00:00+01:00) or a date (2026-01-05)
//   invalid time "2026-13-01": month 13 is out of range
//   invalid time "2026-02-30": day 30 is out of range for 2026-02
//   invalid time "2026-01-05T25:00:00Z": hour 25 is out of range   (likewise minute, second)
//   invalid time "2026-01-05T10:00:00+24:00": offset +24:00 is out of range
Expected<Instant> parse_time(std::string_view text, Zone zone);

// "2026-04-19T08:00:00Z": the JSON form.
std::string format_utc(Instant t);
// "2026-04-19 10:00:00 CEST": the text form, in the policy time zone.
std::string format_local(Instant t, Zone zone);
// "2026-04-19": the local calendar date.
std::string format_local_date(Instant t, Zone zone);

} // namespace vern
