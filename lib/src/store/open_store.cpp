// open_store(): picks the backend, checks the file (existence, permissions, mode), creates or
// migrates the schema, and applies the connection settings every vern run relies on.

#include "pg_store.hpp"
#include "sqlite_store.hpp"

#include "vern/error.hpp"

#include <sodium.h>

#include <fmt/core.h>

#include <cerrno>
#include <filesystem>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vern {
namespace {
constexpr int k_sqlite_busy_floor_seconds = 5;
} // namespace
namespace {

bool is_memory(const std::string& path) { return path == ":memory:"; }

// Creates the file with mode 0600 before SQLite writes anything to it.
// Returns true if it was created now.
bool create_private_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return false;
        Code code = (errno == EACCES || errno == EPERM || errno == EROFS) ? Code::permission
                    : errno == ENOENT                                   ? Code::no_input
                                                                        : Code::io;
        throw Error(code, fmt::format("cannot create store '{}': {}", path, std::strerror(errno)));
    }
    ::fchmod(fd, 0600); // in case of an unusual umask-independent ACL default
    ::close(fd);
    return true;
}

// Checks an existing file: readable (and writable unless read-only), a regular file. Returns a
// warning if group or others may read or write it.
std::optional<std::string> check_file(const std::string& path, bool read_only) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            throw Error(Code::no_input, fmt::format("store '{}' does not exist; run 'vern init "
                                                    "--store {}' first", path, path));
        }
        throw Error(errno == EACCES ? Code::permission : Code::io,
                    fmt::format("cannot access store '{}': {}", path, std::strerror(errno)));
    }
    if (!S_ISREG(st.st_mode)) {
        throw Error(Code::io, fmt::format("store '{}' is not a regular file", path));
    }
    if (::access(path.c_str(), R_OK) != 0) {
        throw Error(Code::permission, fmt::format("store '{}' is not readable by this user: {}",
                                                  path, std::strerror(errno)));
    }
    if (!read_only && ::access(path.c_str(), W_OK) != 0) {
        throw Error(Code::permission, fmt::format("store '{}' is not writable by this user: {}",
                                                  path, std::strerror(errno)));
    }
    if ((st.st_mode & 077) != 0) {
        return fmt::format("store '{}' is accessible by group or others (mode {:04o}); it holds "
                           "personal data: run 'chmod 600 {}'", path, st.st_mode & 07777, path);
    }
    return std::nullopt;
}

} // namespace

std::unique_ptr<Store> open_store(const std::string& path, const StoreOptions& options) {
    if (sodium_init() < 0) throw Error(Code::io, "cannot initialise libsodium");
    if (store::pg::is_postgres_store(path)) return store::open_pg_store(path, options);
    if (options.create && options.read_only) {
        throw Error(Code::usage, "a store cannot be created read-only");
    }

    OpenReport report;
    bool memory = is_memory(path);
    StoreOptions effective = options;
    // A status run may keep the quiet table only if this user may write the file (and its
    // directory, for the WAL); otherwise it reads like any read-only run.
    if (effective.save_quiet) {
        std::error_code ec;
        const auto dir = std::filesystem::absolute(path, ec).parent_path();
        effective.save_quiet = options.read_only && !memory && !ec &&
                               ::access(path.c_str(), W_OK) == 0 &&
                               ::access(dir.c_str(), W_OK) == 0;
    }
    // An in-memory store is always new and empty: it gets the schema whatever options.create
    // says (store.hpp: "always created").
    const bool create = options.create || (memory && !options.read_only);
    if (!memory) {
        if (options.create) {
            report.created = create_private_file(path);
            // An existing empty file (touch, mktemp) is a store being created, not one with data
            // whose mode its owner chose: it gets the same mode 0600 as a new file.
            struct stat st {};
            if (!report.created && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
                st.st_size == 0 && (st.st_mode & 077) != 0 && ::chmod(path.c_str(), 0600) != 0) {
                throw Error(Code::permission, fmt::format("cannot set mode 0600 on store '{}': {}",
                                                          path, std::strerror(errno)));
            }
        }
        if (auto warning = check_file(path, options.read_only)) report.warnings.push_back(*warning);
    } else {
        report.created = true;
    }

    // Taken before SQLite opens the file and released after it closes it (SqliteStore).
    store::WriterLock writer_lock;
    if (!memory && !options.read_only) {
        writer_lock = store::WriterLock(path, std::max(0, options.lock_timeout));
    }

    try {
        // NOMUTEX: vern uses each connection from one thread only, so SQLite's per-call mutex
        // (a few per cent of a scan) buys nothing.
        int flags = (options.read_only && !effective.save_quiet ? SQLite::OPEN_READONLY
                                                                : SQLite::OPEN_READWRITE) |
                    SQLite::OPEN_NOMUTEX;
        // vern runs exclude each other with the writer lock above (lock_timeout). While the
        // store is being opened, SQLite's locks are held only briefly, by readers opening or
        // closing it (a WAL recovery, the last reader's checkpoint): wait for those a few
        // seconds even with --lock-timeout 0, rather than fail a nightly purge with 75 because
        // a monitoring script read the store at that moment. Transactions then wait
        // lock_timeout, at least a second, for other programs' writes (setBusyTimeout below).
        auto db = std::make_unique<SQLite::Database>(
            path, flags, std::max(k_sqlite_busy_floor_seconds, options.lock_timeout) * 1000);
        db->exec("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;"
                 "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;");
        if (!options.read_only && !memory) {
            // WAL with synchronous=NORMAL: a commit is atomic and consistent after a crash or a
            // kill; only a power loss may roll back the last commits (the fsync happens at
            // checkpoints). Checkpoints run in a thread beside the writer (WalCheckpointer,
            // installed by SqliteStore, instead of the autocheckpoint), from 256 MiB of WAL on.
            // The WAL is still checkpointed and truncated at the end of a purge
            // (Store::checkpoint) and when the last connection closes.
            db->exec("PRAGMA journal_mode = WAL");
            db->exec("PRAGMA synchronous = NORMAL;");
        }

        int version = store::read_schema_version(*db, path);
        report.schema_before = version;
        if (version == 0 && !create) {
            throw Error(Code::io, fmt::format("store '{}' is empty (no schema); run 'vern init "
                                              "--store {}' first", path, path));
        }
        if (version > k_schema_version) {
            throw Error(Code::data, fmt::format("store '{}' has schema version {}, newer than this "
                                                "vern understands ({}); upgrade vern", path,
                                                version, k_schema_version));
        }
        if (version < k_schema_version) {
            if (!create) {
                throw Error(Code::data, fmt::format("store '{}' has schema version {} and needs "
                                                    "version {}; run 'vern init --store {}' to "
                                                    "upgrade it", path, version, k_schema_version,
                                                    path));
            }
            SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
            if (version == 0) {
                store::create_schema(*db, std::chrono::time_point_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now()));
            } else {
                store::migrate(*db, version);
            }
            tx.commit();
        }
        report.schema_version = k_schema_version;
        if (version == 0) report.created = true;
        db->setBusyTimeout(store::sqlite_write_wait_seconds(options.lock_timeout) * 1000);
        return std::make_unique<store::SqliteStore>(path, std::move(writer_lock), std::move(db),
                                                    effective, std::move(report));
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        store::throw_sqlite_error(path, e);
    }
}

} // namespace vern
