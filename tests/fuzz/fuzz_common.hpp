#pragma once
// Shared by the libFuzzer targets of tests/fuzz/ (see README.md there).
//
// A target reports a finding by crashing: a sanitizer report, an exception that the engine's
// contract says cannot happen (anything but vern::Error, or a vern::Error with a code the API
// does not promise for that call), or a broken invariant (finding()). The harnesses never catch
// more than the contract allows, so a defect in the engine is never hidden here.

#include "vern/error.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include <unistd.h>

namespace vern_fuzz {

// Prints a finding and aborts (libFuzzer then saves the input as a crash artifact).
[[noreturn]] inline void finding(const std::string& what) {
    std::fprintf(stderr, "\n==vern-fuzz== FINDING: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

// A vern::Error whose code is not among `allowed` is a finding.
inline void expect_code(const vern::Error& e, std::initializer_list<vern::Code> allowed,
                        const char* call) {
    for (vern::Code c : allowed) {
        if (e.code() == c) return;
    }
    finding(std::string(call) + " threw vern::Error with unexpected code " +
            std::to_string(static_cast<int>(e.code())) + ": " + e.what());
}

// Runs `body`, turning an escaping exception that is not a vern::Error into a finding with its
// message (instead of a bare std::terminate), and a vern::Error into one unless its code is
// allowed.
template <typename F>
void guarded(const char* call, std::initializer_list<vern::Code> allowed, F&& body) {
    try {
        body();
    } catch (const vern::Error& e) {
        expect_code(e, allowed, call);
    } catch (const std::exception& e) {
        finding(std::string(call) + " let a non-vern exception escape: " + e.what());
    } catch (...) {
        finding(std::string(call) + " let an unknown exception escape");
    }
}

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
inline bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) { ++i; continue; }
        std::size_t len = 0;
        unsigned int cp = 0;
        if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
        else return false;
        if (i + len > n) return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
            return false;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

// A private temporary directory for the process (removed at normal exit; under TMPDIR).
inline const std::string& temp_dir() {
    static const std::string dir = [] {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/vern-fuzz.XXXXXX";
        if (::mkdtemp(tmpl.data()) == nullptr) finding("cannot create a temporary directory");
        static std::string for_cleanup;
        for_cleanup = tmpl;
        std::atexit([] { std::filesystem::remove_all(for_cleanup); });
        return tmpl;
    }();
    return dir;
}

} // namespace vern_fuzz
