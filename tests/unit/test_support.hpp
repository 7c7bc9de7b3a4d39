#pragma once
// Helpers shared by the unit tests.

#include "vern/policy.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

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

// The store backend the store tests run against: VERN_TEST_BACKEND=sqlite (the default) or
// postgresql (tests/pg/README.md). Anything else is an error, not a silent SQLite run.
inline bool on_postgresql() {
    const char* b = std::getenv("VERN_TEST_BACKEND");
    const std::string backend = b && *b ? b : "sqlite";
    if (backend != "sqlite" && backend != "postgresql") {
        throw std::runtime_error("VERN_TEST_BACKEND must be sqlite or postgresql, not '" + backend +
                                 "'");
    }
    return backend == "postgresql";
}
inline bool on_sqlite() { return !on_postgresql(); }

// The test cluster's base conninfo: VERN_TEST_PG, or its line in the file VERN_TEST_PG_ENV
// (VERN_TEST_PG='...', written by tests/pg/cluster.sh start). Throws when there is none: the
// PostgreSQL tests fail without a cluster, they do not skip.
inline std::string test_pg_conninfo() {
    if (const char* v = std::getenv("VERN_TEST_PG"); v && *v) return v;
    const char* file = std::getenv("VERN_TEST_PG_ENV");
    if (!file || !*file) {
        throw std::runtime_error("VERN_TEST_BACKEND=postgresql needs VERN_TEST_PG, or "
                                 "VERN_TEST_PG_ENV naming the env file of tests/pg/cluster.sh");
    }
    std::ifstream in(file);
    if (!in) throw std::runtime_error(std::string("cannot read VERN_TEST_PG_ENV file ") + file);
    const std::string key = "VERN_TEST_PG=";
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(key, 0) != 0) continue;
        std::string value = line.substr(key.size());
        if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
            value = value.substr(1, value.size() - 2);
        }
        return value;
    }
    throw std::runtime_error(std::string("no VERN_TEST_PG line in ") + file);
}

// A store name for a new, empty store of the backend under test: ":memory:" on SQLite; on
// PostgreSQL a schema of its own in the test database ("<VERN_TEST_PG> schema=u_<unique>").
inline std::string fresh_store_path() {
    if (!on_postgresql()) return ":memory:";
    static std::atomic<unsigned> counter{0};
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    char schema[64];
    std::snprintf(schema, sizeof schema, "u_%x_%llx_%u", static_cast<unsigned>(::getpid()),
                  static_cast<unsigned long long>(ns), counter++);
    return test_pg_conninfo() + " schema=" + schema;
}

// Takes what schema version 8 added (the quiet table and its triggers) out of an SQLite store,
// for tests that make a new store look like an older one.
inline void drop_quiet_table(SQLite::Database& db) {
    std::vector<std::string> triggers;
    SQLite::Statement q(db, "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND "
                            "name LIKE 'quiet!_%' ESCAPE '!'");
    while (q.executeStep()) triggers.push_back(q.getColumn(0).getString());
    REQUIRE(triggers.size() == 17);
    for (const std::string& t : triggers) db.exec("DROP TRIGGER " + t);
    db.exec("DROP TABLE quiet");
}

} // namespace vern::testing
