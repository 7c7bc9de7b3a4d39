// printable(), excerpt() and the small UTF-8 walker behind them (vern/text.hpp).

#include "vern/text.hpp"

#include <fmt/core.h>

namespace vern {
namespace {

bool is_bidi_control(char32_t cp) {
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// Appends one character of `s` (starting at i, advancing i) in printable form. Returns false at
// the end of `s`.
bool append_printable(std::string& out, std::string_view s, std::size_t& i, bool keep_newline) {
    if (i >= s.size()) return false;
    const std::size_t start = i;
    char32_t cp = 0;
    if (!next_utf8(s, i, cp)) {
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[start]));
        return true;
    }
    if (cp == '\n') {
        out += keep_newline ? "\n" : "\\n";
    } else if (cp == '\t') {
        out += "\\t";
    } else if (cp < 0x20 || cp == 0x7F) {
        out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
    } else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) {
        out += fmt::format("\\u{{{:04X}}}", static_cast<unsigned>(cp));
    } else {
        out.append(s.substr(start, i - start));
    }
    return true;
}

std::string printable_impl(std::string_view s, bool keep_newline) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (append_printable(out, s, i, keep_newline)) {
    }
    return out;
}

} // namespace

bool next_utf8(std::string_view s, std::size_t& i, char32_t& cp) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        cp = b0;
        ++i;
        return true;
    }
    std::size_t len = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1F;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0F;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07;
        min = 0x10000;
    } else {
        ++i;
        return false;
    }
    if (i + len > s.size()) {
        ++i;
        return false;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned char b = byte(i + k);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return false;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return false;
    }
    i += len;
    return true;
}

bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    char32_t cp = 0;
    while (i < s.size()) {
        if (!next_utf8(s, i, cp)) return false;
    }
    return true;
}

bool is_unicode_space(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x2060 || cp == 0x3000 || cp == 0xFEFF;
}

std::string printable(std::string_view s) { return printable_impl(s, false); }

std::string printable_lines(std::string_view s) { return printable_impl(s, true); }

std::string excerpt(std::string_view s, std::size_t max_chars) {
    std::string out;
    std::size_t i = 0;
    for (std::size_t n = 0; n < max_chars; ++n) {
        if (!append_printable(out, s, i, false)) return out;
    }
    if (i < s.size()) out += "...";
    return out;
}

std::string quoted_excerpt(std::string_view s, std::size_t max_chars) {
    std::string out = "\"";
    std::size_t i = 0;
    for (std::size_t n = 0; n < max_chars; ++n) {
        if (i >= s.size()) break;
        if (s[i] == '"' || s[i] == '\\') {
            out += '\\';
            out += s[i++];
            continue;
        }
        append_printable(out, s, i, false);
    }
    if (i < s.size()) out += "...";
    out += '"';
    return out;
}

} // namespace vern
