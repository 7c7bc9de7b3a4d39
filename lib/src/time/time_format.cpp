// Reading and writing instants: RFC 3339 and bare dates in, UTC and local text out.

#include "local_time.hpp"
#include "vern/time.hpp"

#include <fmt/format.h>

namespace vern {
namespace {

Expected<Instant> time_error(std::string_view text, std::string_view why) {
    return Expected<Instant>::failure(fmt::format("invalid time \"{}\": {}", text, why));
}

Expected<Instant> syntax_error(std::string_view text) {
    return time_error(text, "expected RFC 3339 (2026-01-05T10:00:00+01:00) or a date (2026-01-05)");
}

// Reads exactly `n` decimal digits at `pos`.
bool digits(std::string_view text, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > text.size()) {
        return false;
    }
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

bool is_at(std::string_view text, std::size_t pos, char c) {
    return pos < text.size() && text[pos] == c;
}

} // namespace

Expected<Instant> parse_time(std::string_view text, Zone zone) {
    // YYYY-MM-DD, the part both forms share.
    int y = 0;
    int mo = 0;
    int d = 0;
    if (!digits(text, 0, 4, y) || !is_at(text, 4, '-') || !digits(text, 5, 2, mo) ||
        !is_at(text, 7, '-') || !digits(text, 8, 2, d)) {
        return syntax_error(text);
    }
    const bool bare_date = text.size() == 10;
    std::size_t pos = 10;
    int h = 0;
    int mi = 0;
    int s = 0;
    std::chrono::seconds offset{0};
    if (!bare_date) {
        // Separator, hh:mm:ss, optional fraction, then Z or +hh:mm / -hh:mm.
        const char sep = pos < text.size() ? text[pos] : '\0';
        if ((sep != 'T' && sep != 't' && sep != ' ') || !digits(text, 11, 2, h) ||
            !is_at(text, 13, ':') || !digits(text, 14, 2, mi) || !is_at(text, 16, ':') ||
            !digits(text, 17, 2, s)) {
            return syntax_error(text);
        }
        pos = 19;
        if (is_at(text, pos, '.')) {
            const std::size_t first = ++pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                ++pos;
            }
            if (pos == first) {
                return syntax_error(text);
            }
        }
        if (is_at(text, pos, 'Z') || is_at(text, pos, 'z')) {
            ++pos;
        } else if (is_at(text, pos, '+') || is_at(text, pos, '-')) {
            const int sign = text[pos] == '-' ? -1 : 1;
            int oh = 0;
            int om = 0;
            if (!digits(text, pos + 1, 2, oh) || !is_at(text, pos + 3, ':') ||
                !digits(text, pos + 4, 2, om)) {
                return syntax_error(text);
            }
            if (oh > 23 || om > 59) {
                return time_error(text,
                                  fmt::format("offset {} is out of range", text.substr(pos, 6)));
            }
            offset = sign * (std::chrono::hours{oh} + std::chrono::minutes{om});
            pos += 6;
        } else {
            return syntax_error(text);
        }
        if (pos != text.size()) {
            return syntax_error(text);
        }
    }

    const date::year_month_day ymd{date::year{y}, date::month(static_cast<unsigned>(mo)),
                                   date::day(static_cast<unsigned>(d))};
    if (!ymd.month().ok()) {
        return time_error(text, fmt::format("month {} is out of range", mo));
    }
    if (!ymd.ok()) {
        return time_error(text, fmt::format("day {} is out of range for {:04}-{:02}", d, y, mo));
    }
    if (h > 23) {
        return time_error(text, fmt::format("hour {} is out of range", h));
    }
    if (mi > 59) {
        return time_error(text, fmt::format("minute {} is out of range", mi));
    }
    if (s > 59) {
        // Includes the leap second 60: a retention instant never needs it.
        return time_error(text, fmt::format("second {} is out of range", s));
    }

    if (bare_date) {
        return resolve_local(date::local_days{ymd}, zone);
    }
    const auto local = date::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
                       std::chrono::seconds{s};
    return Instant{local - offset};
}

std::string format_utc(Instant t) {
    return date::format("%FT%TZ", t);
}

std::string format_local(Instant t, Zone zone) {
    return date::format("%F %T %Z", date::zoned_time<std::chrono::seconds>{zone, t});
}

std::string format_local_date(Instant t, Zone zone) {
    return date::format("%F", zone->to_local(t));
}

} // namespace vern
