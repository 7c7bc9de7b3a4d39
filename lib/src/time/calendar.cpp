// Wall-clock calendar arithmetic in a time zone: add_calendar, round_up, due_time (SPEC 3.5).

#include "local_time.hpp"
#include "vern/time.hpp"

namespace vern {

Instant resolve_local(date::local_seconds local, Zone zone) {
    const date::local_info info = zone->get_info(local);
    // `first` is the offset in force before the transition. For a gap, subtracting it lands the
    // wall time forward by the gap; for a fold it is the earlier of the two instants.
    return Instant{local.time_since_epoch() - info.first.offset};
}

Instant add_calendar(Instant anchor, const Duration& keep, Zone zone) {
    if (keep.years == 0 && keep.months == 0 && keep.days == 0) {
        // "0d" means "due at the anchor": an anchor in the second pass of a fold must not move
        // back to the earlier instant of the same wall time.
        return anchor;
    }
    const date::local_seconds local = zone->to_local(anchor);
    const date::local_days day = date::floor<date::days>(local);
    const std::chrono::seconds time_of_day = local - day;

    date::year_month_day ymd{day};
    ymd += date::years{keep.years};
    ymd += date::months{keep.months};
    if (!ymd.ok()) {
        // Only the day can be invalid here (31 Jan + 1mo): clamp to the month's last day.
        ymd = date::year_month_day_last{ymd.year(), date::month_day_last{ymd.month()}};
    }
    const date::local_days target = date::local_days{ymd} + date::days{keep.days};
    return resolve_local(target + time_of_day, zone);
}

Instant round_up(Instant t, Round round, Zone zone) {
    const date::local_days day = date::floor<date::days>(zone->to_local(t));
    const date::year_month_day ymd{day};
    date::local_days next;
    switch (round) {
    case Round::none:
        return t;
    case Round::end_of_day:
        next = day + date::days{1};
        break;
    case Round::end_of_week:
        // ISO weekdays: Monday = 1 ... Sunday = 7; a Monday goes to the following Monday.
        next = day + date::days{8 - date::weekday{day}.iso_encoding()};
        break;
    case Round::end_of_month:
        next = date::local_days{ymd.year() / ymd.month() / 1 + date::months{1}};
        break;
    case Round::end_of_year:
        next = date::local_days{(ymd.year() + date::years{1}) / date::January / 1};
        break;
    }
    return resolve_local(next, zone);
}

Instant due_time(Instant anchor, const Duration& keep, Round round, Zone zone) {
    return round_up(add_calendar(anchor, keep, zone), round, zone);
}

} // namespace vern
