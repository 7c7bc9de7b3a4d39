// The anonymisation methods of SPEC 3.4, applied to one field value, and to a record's fields.
// A value a method cannot handle is redacted rather than kept: anonymisation must never leave
// personal data behind because the data had an unexpected shape.

#include "anonymize.hpp"

#include <arpa/inet.h>

#include <cmath>
#include <cstring>
#include <fmt/core.h>

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

// Index of the first of the last `n` non-space characters (the cut point); 0 if fewer.
std::size_t cut_point(const std::string& s, int n) {
    std::size_t i = s.size();
    int seen = 0;
    while (i > 0 && seen < n) {
        --i;
        if (s[i] != ' ') {
            ++seen;
        }
    }
    return i;
}

nlohmann::json drop_last(const std::string& s, int n) {
    std::string out = s.substr(0, cut_point(s, n));
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

nlohmann::json mask_last(std::string s, int n) {
    for (std::size_t i = cut_point(s, n); i < s.size(); ++i) {
        if (s[i] != ' ') {
            s[i] = 'X';
        }
    }
    return s;
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

std::optional<double> number_of(const nlohmann::json& v) {
    if (v.is_number()) {
        return v.get<double>();
    }
    if (!v.is_string()) {
        return std::nullopt;
    }
    const std::string& s = v.get_ref<const std::string&>();
    if (s.empty()) {
        return std::nullopt;
    }
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(d)) {
        return std::nullopt;
    }
    return d;
}

std::optional<nlohmann::json> band(const nlohmann::json& v, int n) {
    auto x = number_of(v);
    if (!x || n <= 0) {
        return std::nullopt;
    }
    const long long lo = static_cast<long long>(std::floor(*x / n)) * n;
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

} // namespace

std::optional<nlohmann::json> anonymize_value(const nlohmann::json& value, const AnonMethod& m) {
    using Kind = AnonMethod::Kind;
    std::optional<nlohmann::json> out;
    switch (m.kind) {
    case Kind::remove:
        return std::nullopt;
    case Kind::redact:
        return nlohmann::json(k_redacted);
    case Kind::drop_last:
        if (auto s = value_text(value)) {
            out = drop_last(*s, m.n);
        }
        break;
    case Kind::mask_last:
        if (auto s = value_text(value)) {
            out = mask_last(*s, m.n);
        }
        break;
    case Kind::truncate_ip:
        if (value.is_string()) {
            out = truncate_ip(value.get<std::string>());
        }
        break;
    case Kind::band:
        out = band(value, m.n);
        break;
    case Kind::year:
        out = year(value);
        break;
    }
    if (!out) {
        return nlohmann::json(k_redacted);
    }
    return out;
}

void anonymize_fields(nlohmann::json& fields, const Rule& rule) {
    for (const auto& [name, method] : rule.fields) {
        auto it = fields.find(name);
        if (it == fields.end()) {
            continue;
        }
        auto v = anonymize_value(*it, method);
        if (v) {
            *it = std::move(*v);
        } else {
            fields.erase(it);
        }
    }
}

} // namespace vern
