// WriterLock: one writing vern run per store for the whole run, not only per transaction.
// A purge commits batch by batch; SQLite's own write lock is free between two batches, so
// without this a second purge, ingest or erase could slip in and one of the two would fail
// half-way with exit 75. An flock(2) on the store file, held from open to close, keeps writers
// apart; readers (plan, status, other programs) never take it.
#pragma once

#include <string>

namespace vern::store {

class WriterLock {
  public:
    WriterLock() = default; // holds nothing (in-memory and read-only stores)
    // Waits up to timeout_seconds for the lock; throws Error(locked) naming the store.
    WriterLock(const std::string& path, int timeout_seconds);
    WriterLock(WriterLock&& other) noexcept;
    WriterLock& operator=(WriterLock&& other) noexcept;
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;
    // Closing the descriptor also drops any POSIX lock this process holds on the file (fcntl
    // semantics), so the owner must close its SQLite connection first.
    ~WriterLock();
    bool held() const { return m_fd >= 0; }

  private:
    int m_fd = -1;
};

} // namespace vern::store
