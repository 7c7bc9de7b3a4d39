#pragma once
// Checkpoints an SQLite store's WAL in a thread of its own while the writer goes on.
//
// A purge commits one transaction per batch. With SQLite's autocheckpoint, the commit that
// takes the WAL past the threshold also copies the WAL into the store file, and the writer
// waits for it: at 10 M records that was 13 % of a purge. SQLite lets another connection
// checkpoint while a writer writes (a PASSIVE checkpoint takes no lock the writer needs), so
// here a second connection does it on the other core. The WAL only starts over from its
// beginning when a write transaction starts with every frame copied, which cannot happen while
// the writer keeps adding frames; so at twice the threshold the writer waits for the thread
// and copies the rest itself, as the autocheckpoint did. The WAL stays below about
// 2 x k_start_frames plus one transaction. Errors of a background round are ignored, as
// SQLite's autocheckpoint ignores them: the frames stay in the WAL, and the checkpoint at the
// end of the run (Store::checkpoint) reports what is wrong.

#include <sqlite3.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace vern::store {

class WalCheckpointer {
  public:
    // A round starts after a commit that leaves at least this many frames (pages) in the WAL:
    // 65 536 frames of 4 KiB, 256 MiB, SQLite's default autocheckpoint being 1 000. A larger
    // threshold lets a round copy a page that several batches changed once.
    static constexpr int k_start_frames = 65536;
    // From this many frames on, the writer waits for the thread and checkpoints itself.
    static constexpr int k_limit_frames = 2 * k_start_frames;

    // Installs itself as `writer`'s WAL hook (instead of the autocheckpoint). The thread and
    // its connection to `path` start with the first round. Tests pass smaller thresholds.
    WalCheckpointer(sqlite3* writer, std::string path, int start_frames = k_start_frames,
                    int limit_frames = k_limit_frames);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // Cancels a round not yet started and waits for a running one: before the writer
    // checkpoints, vacuums or closes.
    void wait_idle();

    // How many of the thread's rounds ended with frames of the WAL copied into the store file
    // (for tests).
    int productive_rounds() const;

  private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
    void after_commit(int frames);
    void run();

    sqlite3* m_writer;
    std::string m_path;
    int m_start_frames;
    int m_limit_frames;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake; // a round is requested, or stop
    std::condition_variable m_idle; // a round ended
    bool m_requested = false;
    bool m_running = false;
    bool m_stop = false;
    bool m_no_thread = false; // the thread could not be started: the writer checkpoints
    int m_productive_rounds = 0;
    std::thread m_thread;
};

} // namespace vern::store
