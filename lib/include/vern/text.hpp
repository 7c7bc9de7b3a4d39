#pragma once
// Showing text that came from outside (refs, record ids, field values, JSON from an ingest line)
// safely in a terminal or an error message, and walking UTF-8 by characters.
//
// printable() is the one escaping rule of vern's text output: the access report, the lists of
// plan/purge/erase/explain/request/hold/consent, and every error message use it, so a value
// cannot drive the terminal (move the cursor, recolour, rewrite earlier lines, reverse text).

#include <cstddef>
#include <string>
#include <string_view>

namespace vern {

// `s` with every character that could act on a terminal escaped: "\n", "\t", "\xNN" for the other
// C0 controls, DEL and bytes that are not valid UTF-8, "\u{NNNN}" for C1 controls (U+0080 to
// U+009F) and the bidirectional-formatting characters (U+202A-U+202E, U+2066-U+2069). Everything
// else (Norwegian letters, symbols) is kept as it is.
std::string printable(std::string_view s);

// printable(), but a line feed is kept (multi-line error messages).
std::string printable_lines(std::string_view s);

// printable(s) cut after `max_chars` characters, with "..." appended when it was cut: for showing
// a value in a message without repeating all of it.
std::string excerpt(std::string_view s, std::size_t max_chars = 40);

// excerpt(s) in double quotes, with '"' and '\' escaped: `"value"`.
std::string quoted_excerpt(std::string_view s, std::size_t max_chars = 40);

// Decodes the UTF-8 character at s[i] into `cp` and advances i past it. Returns false (advancing
// i by one byte) when the bytes at i are not a valid UTF-8 sequence (overlong forms, surrogates
// and code points above U+10FFFF included).
bool next_utf8(std::string_view s, std::size_t& i, char32_t& cp);

// True if the whole of `s` is valid UTF-8.
bool is_valid_utf8(std::string_view s);

// White space in the sense of Unicode (U+0009-U+000D, U+0020, U+0085, U+00A0, U+1680,
// U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), and the zero-width characters U+200B,
// U+2060 and U+FEFF that source systems leave in numbers.
bool is_unicode_space(char32_t cp);

} // namespace vern
