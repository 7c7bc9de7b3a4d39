// The WAL checkpointer (store/wal_checkpointer.hpp): a thread copies the WAL into the store
// file while the writer commits, and the WAL stays bounded.

#include "store/wal_checkpointer.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace {

std::string temp_dir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "vern-checkpointer-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

// The size of the WAL file: its high-water mark (SQLite writes a restarted WAL over the old
// frames without truncating the file).
std::uintmax_t wal_bytes(const std::string& path) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path + "-wal", ec);
    return ec ? 0 : n;
}

} // namespace

TEST_CASE("wal checkpointer: a thread copies the WAL into the store while the writer commits; "
          "the WAL stays below the limit plus one transaction, and nothing is lost") {
    const std::string dir = temp_dir();
    const std::string path = dir + "/s.db";
    constexpr int start = 64;
    constexpr int limit = 256;
    constexpr int transactions = 400;
    constexpr int rows_per_transaction = 8; // about 10 frames per commit
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE |
                                      SQLite::OPEN_NOMUTEX);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = NORMAL;"
                "CREATE TABLE t(x INTEGER PRIMARY KEY, v BLOB NOT NULL)");
        const auto page = static_cast<std::uintmax_t>(db.execAndGet("PRAGMA page_size").getInt());
        std::uintmax_t largest = 0;
        {
            vern::store::WalCheckpointer checkpointer(db.getHandle(), path, start, limit);
            SQLite::Statement insert(db, "INSERT INTO t(v) VALUES (randomblob(3000))");
            for (int tx = 0; tx < transactions; ++tx) {
                SQLite::Transaction t(db);
                for (int i = 0; i < rows_per_transaction; ++i) {
                    insert.exec();
                    insert.reset();
                }
                t.commit();
                largest = std::max(largest, wal_bytes(path));
            }
            checkpointer.wait_idle();
            CHECK(checkpointer.productive_rounds() > 0);
        }
        // A frame is a page and a 24-byte header; the WAL has a 32-byte header. Without the
        // writer's own checkpoint at the limit the WAL would never start over (the writer keeps
        // adding frames while the thread copies) and grow to all 4 000 pages.
        const std::uintmax_t bound = 32 + (limit + 2 * rows_per_transaction) * (page + 24);
        CHECK(largest <= bound);
        CHECK(largest > 0);
        CHECK(db.execAndGet("SELECT count(*) FROM t").getInt() ==
              transactions * rows_per_transaction);
        CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("wal checkpointer: a reader that keeps an old snapshot delays the copy but blocks "
          "neither the writer nor the checkpointer") {
    const std::string dir = temp_dir();
    const std::string path = dir + "/s.db";
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE |
                                      SQLite::OPEN_NOMUTEX);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("CREATE TABLE t(x INTEGER PRIMARY KEY, v BLOB NOT NULL);"
                "INSERT INTO t(v) VALUES (x'00')");
        SQLite::Database reader(path, SQLite::OPEN_READONLY);
        reader.exec("BEGIN");
        CHECK(reader.execAndGet("SELECT count(*) FROM t").getInt() == 1);
        {
            vern::store::WalCheckpointer checkpointer(db.getHandle(), path, 16, 64);
            for (int tx = 0; tx < 50; ++tx) {
                db.exec("INSERT INTO t(v) VALUES (randomblob(3000)), (randomblob(3000))");
            }
            checkpointer.wait_idle();
            // The reader still sees its snapshot.
            CHECK(reader.execAndGet("SELECT count(*) FROM t").getInt() == 1);
            reader.exec("COMMIT");
            for (int tx = 0; tx < 50; ++tx) {
                db.exec("INSERT INTO t(v) VALUES (randomblob(3000)), (randomblob(3000))");
            }
            checkpointer.wait_idle();
            CHECK(checkpointer.productive_rounds() > 0);
        }
        CHECK(db.execAndGet("SELECT count(*) FROM t").getInt() == 201);
    }
    std::filesystem::remove_all(dir);
}
