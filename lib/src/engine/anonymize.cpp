// The anonymisation methods of SPEC 3.4, applied to one field value, and to a record's fields.
// A value a method cannot handle is redacted rather than kept: anonymisation must never leave
// personal data behind because the data had an unexpected shape. Such a fallback is reported to
// the caller (the purge counts, lists and audits it) and never stops the run.

#include "anonymize.hpp"

#include <arpa/inet.h>

#include "vern/text.hpp"

#include <date/date.h>
#include <date/iso_week.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fmt/core.h>
#include <limits>

namespace vern {
namespace {

const char* const k_redacted = "[redacted]";

// The text of a string or number value; nullopt for anything else.
std::optional<std::string> value_text(const nlohmann::json& v) {
    if (v.is_string()) {
        return v.get<std::string>();
    }
    if (v.is_number()) {
        return v.dump();
    }
    return std::nullopt;
}

// drop_last / mask_last work on characters, never bytes (SPEC 3.4). A value that looks like a
// number (phone numbers: only digits, white space and + - . ( ) / or Unicode dashes) counts its
// digits; any other text counts its characters. White space (Unicode white space, such as the
// no-break space U+00A0 that office software puts in phone numbers) is never counted, and a
// combining mark belongs to the character before it.
struct Unit {
    std::size_t begin = 0; // byte offsets in the value
    std::size_t end = 0;
    bool counted = false;
    bool space = false;
};

bool is_combining(char32_t cp) {
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200D;
}

bool is_number_punctuation(char32_t cp) {
    return cp == '+' || cp == '-' || cp == '.' || cp == '(' || cp == ')' || cp == '/' ||
           (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212;
}

// Splits a valid UTF-8 string into units; nullopt if it is not valid UTF-8.
std::optional<std::vector<Unit>> units_of(const std::string& s) {
    std::vector<Unit> units;
    bool number_like = true;
    bool any_digit = false;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t begin = i;
        char32_t cp = 0;
        if (!next_utf8(s, i, cp)) {
            return std::nullopt;
        }
        if (is_combining(cp) && !units.empty() && !units.back().space) {
            units.back().end = i;
            continue;
        }
        Unit u{begin, i, false, is_unicode_space(cp)};
        const bool digit = cp >= '0' && cp <= '9';
        any_digit = any_digit || digit;
        if (!digit && !u.space && !is_number_punctuation(cp)) {
            number_like = false;
        }
        u.counted = digit; // for number-like values; fixed below for text
        units.push_back(u);
    }
    if (!number_like || !any_digit) {
        for (Unit& u : units) {
            u.counted = !u.space;
        }
    }
    return units;
}

// Index (in `units`) of the first of the last `n` counted units; 0 when there are fewer.
std::size_t cut_unit(const std::vector<Unit>& units, int n) {
    std::size_t k = units.size();
    int seen = 0;
    while (k > 0 && seen < n) {
        --k;
        if (units[k].counted) {
            ++seen;
        }
    }
    return seen < n ? 0 : k;
}

std::optional<nlohmann::json> drop_last(const std::string& s, int n) {
    auto units = units_of(s);
    if (!units) {
        return std::nullopt;
    }
    std::size_t k = cut_unit(*units, n);
    while (k > 0 && (*units)[k - 1].space) { // no white space left dangling at the end
        --k;
    }
    return nlohmann::json(s.substr(0, k == 0 ? 0 : (*units)[k - 1].end));
}

std::optional<nlohmann::json> mask_last(const std::string& s, int n) {
    auto units = units_of(s);
    if (!units) {
        return std::nullopt;
    }
    const std::size_t cut = cut_unit(*units, n);
    std::string out = s.substr(0, cut < units->size() ? (*units)[cut].begin : s.size());
    for (std::size_t k = cut; k < units->size(); ++k) {
        const Unit& u = (*units)[k];
        if (u.counted) {
            out += 'X';
        } else {
            out.append(s, u.begin, u.end - u.begin);
        }
    }
    return nlohmann::json(std::move(out));
}

std::optional<nlohmann::json> truncate_ip(const std::string& s) {
    unsigned char buf[16];
    char text[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
        buf[3] = 0;
        inet_ntop(AF_INET, buf, text, sizeof text);
        return std::string(text);
    }
    if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
        std::memset(buf + 6, 0, 10); // keep the /48 network
        inet_ntop(AF_INET6, buf, text, sizeof text);
        return std::string(text);
    }
    return std::nullopt;
}

// A number read from a JSON number or a numeric string; nullopt for anything else, for infinity
// and NaN, and beyond +-2^53, where a double no longer holds every integer (a band computed
// there could be wrong).
std::optional<double> number_of(const nlohmann::json& v) {
    double d = 0;
    if (v.is_number()) {
        d = v.get<double>();
    } else if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        if (s.empty()) {
            return std::nullopt;
        }
        char* end = nullptr;
        d = std::strtod(s.c_str(), &end);
        if (end != s.c_str() + s.size()) {
            return std::nullopt;
        }
    } else {
        return std::nullopt;
    }
    constexpr double k_exact = 9007199254740992.0; // 2^53
    if (!std::isfinite(d) || d > k_exact || d < -k_exact) {
        return std::nullopt;
    }
    return d;
}

// band:N: the N-wide range holding the number, "LO-HI" with LO a multiple of N (floor, so a
// negative number gets a band below zero: -5 with band:10 is "-10--1"). Integers are banded
// exactly with 64-bit arithmetic; a band whose bounds do not fit in 64 bits is refused.
std::optional<nlohmann::json> band(const nlohmann::json& v, int n) {
    if (n <= 0) {
        return std::nullopt;
    }
    using Limits = std::numeric_limits<std::int64_t>;
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(Limits::max())) {
            return std::nullopt;
        }
    }
    if (v.is_number_integer()) {
        const auto x = v.get<std::int64_t>();
        std::int64_t r = x % n;
        if (r < 0) {
            r += n;
        }
        if (x < Limits::min() + r) {
            return std::nullopt;
        }
        const std::int64_t lo = x - r;
        if (lo > Limits::max() - (n - 1)) {
            return std::nullopt;
        }
        return fmt::format("{}-{}", lo, lo + (n - 1));
    }
    auto x = number_of(v);
    if (!x) {
        return std::nullopt;
    }
    const auto lo = static_cast<std::int64_t>(std::floor(*x / n)) * n;
    return fmt::format("{}-{}", lo, lo + n - 1);
}

bool is_digits(const std::string& s, std::size_t from, std::size_t count) {
    if (s.size() < from + count) {
        return false;
    }
    for (std::size_t i = from; i < from + count; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return true;
}

// "1987-05-17", "1987-05-17T10:00:00Z" or "1987-05" -> "1987"; a bare 4-digit year stays.
std::optional<nlohmann::json> year(const nlohmann::json& v) {
    if (v.is_number_integer()) {
        const auto y = v.get<long long>();
        if (y >= 0 && y <= 9999) {
            return fmt::format("{:04}", y);
        }
        return std::nullopt;
    }
    if (!v.is_string()) {
        return std::nullopt;
    }
    const std::string& s = v.get_ref<const std::string&>();
    if (is_digits(s, 0, 4) && (s.size() == 4 || (s[4] == '-' && is_digits(s, 5, 2)))) {
        return s.substr(0, 4);
    }
    return std::nullopt;
}

// The date a value starts with, as written: "2026-05-17", "2026-05-17T10:00:00+02:00".
std::optional<date::year_month_day> written_date(const std::string& s) {
    if (!(is_digits(s, 0, 4) && s.size() >= 10 && s[4] == '-' && is_digits(s, 5, 2) &&
          s[7] == '-' && is_digits(s, 8, 2))) {
        return std::nullopt;
    }
    if (s.size() > 10 && s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
    const date::year_month_day ymd{date::year{std::stoi(s.substr(0, 4))},
                                   date::month{static_cast<unsigned>(std::stoi(s.substr(5, 2)))},
                                   date::day{static_cast<unsigned>(std::stoi(s.substr(8, 2)))}};
    if (!ymd.ok()) return std::nullopt;
    return ymd;
}

// "2026-05-17" or "2026-05-17T10:00:00+02:00" -> "2026-05"; a bare "2026-05" stays.
std::optional<nlohmann::json> month(const nlohmann::json& v) {
    if (!v.is_string()) return std::nullopt;
    const std::string& s = v.get_ref<const std::string&>();
    if (s.size() == 7 && is_digits(s, 0, 4) && s[4] == '-' && is_digits(s, 5, 2)) {
        const int m = std::stoi(s.substr(5, 2));
        if (m >= 1 && m <= 12) return s;
        return std::nullopt;
    }
    if (!written_date(s)) return std::nullopt;
    return s.substr(0, 7);
}

// "2026-05-17" -> "2026-W20" (ISO 8601 week: Monday to Sunday; week 1 holds the first Thursday,
// so 2027-01-01 is "2026-W53").
std::optional<nlohmann::json> week(const nlohmann::json& v) {
    if (!v.is_string()) return std::nullopt;
    auto ymd = written_date(v.get_ref<const std::string&>());
    if (!ymd) return std::nullopt;
    const iso_week::year_weeknum_weekday iso{date::sys_days{*ymd}};
    return fmt::format("{:04}-W{:02}", static_cast<int>(iso.year()),
                       static_cast<unsigned>(iso.weeknum()));
}

} // namespace

AnonOutcome anonymize_value_checked(const nlohmann::json& value, const AnonMethod& m) {
    using Kind = AnonMethod::Kind;
    std::optional<nlohmann::json> out;
    const char* reason = "";
    switch (m.kind) {
    case Kind::remove:
        return {};
    case Kind::redact:
        return {nlohmann::json(k_redacted), ""};
    case Kind::drop_last:
    case Kind::mask_last:
        if (auto s = value_text(value)) {
            out = m.kind == Kind::drop_last ? drop_last(*s, m.n) : mask_last(*s, m.n);
            reason = "the text is not valid UTF-8";
        } else {
            reason = "the value is not a string or a number";
        }
        break;
    case Kind::truncate_ip:
        if (value.is_string()) {
            out = truncate_ip(value.get<std::string>());
        }
        reason = "the value is not an IPv4 or IPv6 address";
        break;
    case Kind::band:
        out = band(value, m.n);
        reason = "the value is not a number, or too large to band exactly";
        break;
    case Kind::year:
        out = year(value);
        reason = "the value is not a date or a year";
        break;
    case Kind::month:
        out = month(value);
        reason = "the value is not a date or a month (YYYY-MM)";
        break;
    case Kind::week:
        out = week(value);
        reason = "the value is not a date";
        break;
    }
    if (!out) {
        return {nlohmann::json(k_redacted), reason};
    }
    return {std::move(out), ""};
}

std::optional<nlohmann::json> anonymize_value(const nlohmann::json& value, const AnonMethod& m) {
    return anonymize_value_checked(value, m).value;
}

void anonymize_fields(nlohmann::json& fields, const Rule& rule,
                      std::vector<FieldFallback>& fallbacks) {
    for (const auto& [name, method] : rule.fields) {
        auto it = fields.find(name);
        if (it == fields.end()) {
            continue;
        }
        AnonOutcome r;
        try {
            r = anonymize_value_checked(*it, method);
        } catch (const std::exception&) {
            // Never kept in clear: whatever went wrong, the value is redacted.
            r = {nlohmann::json(k_redacted), "the method failed on this value"};
        }
        if (!r.fallback_reason.empty()) {
            fallbacks.emplace_back(name, method.text.empty() ? r.fallback_reason
                                                             : fmt::format("{}: {}", method.text,
                                                                           r.fallback_reason));
        }
        if (r.value) {
            *it = std::move(*r.value);
        } else {
            fields.erase(it);
        }
    }
}

} // namespace vern
