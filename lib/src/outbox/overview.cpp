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

nlohmann::json outbox_json(const std::vector<SystemOutbox>& systems) {
    auto time_or_null = [](const std::optional<Instant>& t) {
        return t ? nlohmann::json(format_utc(*t)) : nlohmann::json();
    };
    nlohmann::json out = nlohmann::json::array();
    for (const SystemOutbox& s : systems) {
        out.push_back({{"system", s.system},
                       {"name", s.name},
                       {"deliver", delivery_name(s.deliver)},
                       {"confirm_within", s.confirm_within.text},
                       {"pending", s.stats.pending},
                       {"overdue", s.stats.overdue},
                       {"oldest_pending", time_or_null(s.stats.oldest_pending)},
                       {"acked", s.stats.acked},
                       {"last_acked", time_or_null(s.stats.last_acked)},
                       {"failed", s.stats.failed},
                       {"last_error", s.stats.last_error.empty()
                                          ? nlohmann::json()
                                          : nlohmann::json(s.stats.last_error)}});
    }
    return out;
}

std::int64_t overdue_notices(const std::vector<SystemOutbox>& systems) {
    std::int64_t n = 0;
    for (const SystemOutbox& s : systems) n += s.stats.overdue;
    return n;
}

} // namespace vern
