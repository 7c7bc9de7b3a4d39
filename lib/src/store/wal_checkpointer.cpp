// WalCheckpointer: the WAL of a writable SQLite store copied into its file by a thread of its
// own (wal_checkpointer.hpp).

#include "wal_checkpointer.hpp"

namespace vern::store {

WalCheckpointer::WalCheckpointer(sqlite3* writer, std::string path, int start_frames,
                                 int limit_frames)
    : m_writer(writer), m_path(std::move(path)), m_start_frames(start_frames),
      m_limit_frames(limit_frames) {
    sqlite3_wal_hook(m_writer, &WalCheckpointer::on_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
    sqlite3_wal_hook(m_writer, nullptr, nullptr);
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void WalCheckpointer::wait_idle() {
    std::unique_lock lock(m_mutex);
    m_requested = false;
    m_idle.wait(lock, [this] { return !m_running; });
}

int WalCheckpointer::productive_rounds() const {
    std::lock_guard lock(m_mutex);
    return m_productive_rounds;
}

int WalCheckpointer::on_commit(void* self, sqlite3*, const char*, int frames) {
    static_cast<WalCheckpointer*>(self)->after_commit(frames);
    return SQLITE_OK; // the commit has happened; a checkpoint's trouble is not its failure
}

void WalCheckpointer::after_commit(int frames) {
    if (frames < m_start_frames) return;
    if (frames >= m_limit_frames || m_no_thread) {
        wait_idle();
        sqlite3_wal_checkpoint_v2(m_writer, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        if (!m_thread.joinable()) {
            try {
                m_thread = std::thread(&WalCheckpointer::run, this);
            } catch (const std::exception&) {
                // No thread to be had (a process limit): checkpoint in the writer, as SQLite's
                // autocheckpoint does. Nothing may propagate through SQLite's C frames.
                m_no_thread = true;
                return;
            }
        }
        m_requested = true;
    }
    m_wake.notify_one();
}

void WalCheckpointer::run() {
    // Its own connection: one connection is used by one thread at a time (vern opens them with
    // SQLITE_OPEN_NOMUTEX). Closing it never checkpoints: the writer's stays open longer.
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(m_path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    // A connection finds the WAL when it first reads the store; until then a checkpoint on it
    // does nothing.
    if (rc == SQLITE_OK) {
        rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
    }
    std::unique_lock lock(m_mutex);
    while (true) {
        m_wake.wait(lock, [this] { return m_requested || m_stop; });
        if (m_stop) break;
        m_requested = false;
        m_running = true;
        lock.unlock();
        // No connection (the file could not be opened a second time): the writer checkpoints
        // at the limit, as without this thread.
        int log = 0;
        int copied = 0; // frames of the WAL in the store file after the round
        if (rc == SQLITE_OK) {
            sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
        }
        lock.lock();
        m_running = false;
        if (copied > 0) ++m_productive_rounds;
        m_idle.notify_all();
    }
    lock.unlock();
    sqlite3_close_v2(db);
}

} // namespace vern::store
