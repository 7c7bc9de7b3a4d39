// open_pg_store(): connects, takes the writer lock, checks, creates or migrates the schema.

#include "pg_store.hpp"

#include <fmt/core.h>

#include <chrono>
#include <thread>

namespace vern::store {
namespace {

// Waits up to timeout_seconds for the store's session advisory lock (held until the connection
// closes: by the end of the run, or by the server when the process or the connection dies).
void take_writer_lock(pg::Connection& db, const std::string& schema, int timeout_seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    while (true) {
        auto r = db.query("SELECT pg_try_advisory_lock($1::int, hashtext($2))",
                          {pg::param(std::int64_t{k_lock_class_writer}), pg::param(schema)});
        if (r.text(0, 0) == "t") return;
        if (std::chrono::steady_clock::now() >= deadline) {
            throw Error(Code::locked,
                        fmt::format("the store '{}' is locked by another vern run (waited {} s); "
                                    "try again later", db.display(), timeout_seconds));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

} // namespace

std::unique_ptr<Store> open_pg_store(const std::string& store, const StoreOptions& options) {
    if (options.create && options.read_only) {
        throw Error(Code::usage, "a store cannot be created read-only");
    }
    pg::StoreName name = pg::parse_store_name(store);
    auto db = std::make_unique<pg::Connection>(name);
    db->exec_script(fmt::format("SET search_path = {}", pg::quote_identifier(name.schema)));
    // vern's queries are small and index-bound (a batch of a purge, one person's rows): a
    // parallel plan or JIT compilation costs more than it saves. Measured (bench/README.md):
    // the planner chose a two-worker plan for every purge batch, at 3-5 times the serial time.
    db->exec_script("SET max_parallel_workers_per_gather = 0; SET jit = off");

    OpenReport report;
    if (!options.read_only && !options.shared_writer) {
        take_writer_lock(*db, name.schema, std::max(0, options.lock_timeout));
    }
    int version = pg_read_schema_version(*db, name.schema);
    report.schema_before = version;
    if (version == 0 && !options.create) {
        throw Error(Code::no_input,
                    fmt::format("store '{}' does not exist (no vern schema '{}' in that database); "
                                "run 'vern init --store {}' first", name.display, name.schema,
                                name.display));
    }
    if (version > k_schema_version) {
        throw Error(Code::data, fmt::format("store '{}' has schema version {}, newer than this "
                                            "vern understands ({}); upgrade vern", name.display,
                                            version, k_schema_version));
    }
    if (version < k_schema_version) {
        if (!options.create) {
            throw Error(Code::data, fmt::format("store '{}' has schema version {} and needs "
                                                "version {}; run 'vern init --store {}' to upgrade "
                                                "it", name.display, version, k_schema_version,
                                                name.display));
        }
        db->exec_script("BEGIN");
        try {
            // Two `vern init` at once: the second waits here, then finds the schema made.
            db->exec_script(fmt::format("SELECT pg_advisory_xact_lock({}, hashtext('{}'))",
                                        k_lock_class_append, name.schema));
            version = pg_read_schema_version(*db, name.schema);
            if (version == 0) {
                pg_create_schema(*db, name.schema,
                                 std::chrono::time_point_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now()));
                report.created = true;
            } else if (version < k_schema_version) {
                pg_migrate(*db, version);
            }
            db->exec_script("COMMIT");
        } catch (...) {
            if (!db->broken()) {
                try {
                    db->exec_script("ROLLBACK");
                } catch (...) {
                }
            }
            throw;
        }
    }
    report.schema_version = k_schema_version;
    if (options.read_only) db->exec_script("SET default_transaction_read_only = on");
    return std::make_unique<PgStore>(std::move(name), std::move(db), options, std::move(report));
}

} // namespace vern::store
