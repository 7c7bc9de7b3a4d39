#pragma once
// Helpers shared by the unit tests.

#include "vern/policy.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace vern::testing {

// Loads a policy written as TOML text (through a temporary file: the loader reads files), with
// its diagnostics; the caller decides what errors it expects.
inline PolicyLoad load_policy_text(const std::string& text) {
    char path[] = "/tmp/vern-unit-policy-XXXXXX.toml";
    const int fd = mkstemps(path, 5);
    REQUIRE(fd >= 0);
    close(fd);
    {
        std::ofstream out(path);
        out << text;
    }
    PolicyLoad load = load_policy({path});
    std::remove(path);
    return load;
}

} // namespace vern::testing
