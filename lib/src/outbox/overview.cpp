// outbox_overview(): each notified system's pending, overdue and acknowledged notices.

#include "vern/outbox.hpp"

#include <date/date.h>

namespace vern {
namespace {

// now - d in UTC calendar terms: a notice created before this has waited longer than d. A day
// that does not exist in the month reached (31 March - 1 month) is clamped to the month's last.
Instant subtract_calendar(Instant now, const Duration& d) {
    using namespace date;
    const auto day = std::chrono::floor<days>(now);
    const auto time_of_day = now - day;
    year_month_day ymd{day};
    ymd -= years{d.years};
    ymd -= months{d.months};
    if (!ymd.ok()) ymd = ymd.year() / ymd.month() / last;
    return Instant{sys_days{ymd} - days{d.days}} + time_of_day;
}

} // namespace

std::vector<SystemOutbox> outbox_overview(Store& store, const Policy& policy, Instant now) {
    std::vector<SystemOutbox> out;
    for (const Recipient& rec : policy.recipients) {
        if (rec.deliver == Delivery::none) continue;
        SystemOutbox s;
        s.system = rec.id;
        s.name = rec.name;
        s.deliver = rec.deliver;
        s.confirm_within = rec.confirm_within;
        s.stats = store.outbox_stats(rec.id, subtract_calendar(now, rec.confirm_within));
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace vern
