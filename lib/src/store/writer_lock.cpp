#include "writer_lock.hpp"

#include "vern/error.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace vern::store {

WriterLock::WriterLock(const std::string& path, int timeout_seconds) {
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
        const int err = errno;
        throw Error(err == EACCES ? Code::permission : Code::io,
                    fmt::format("cannot open store '{}': {}", path, std::strerror(err)));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    while (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        if (err == EINTR) continue;
        if (err != EWOULDBLOCK || std::chrono::steady_clock::now() >= deadline) {
            ::close(m_fd);
            m_fd = -1;
            if (err != EWOULDBLOCK) {
                throw Error(Code::io, fmt::format("cannot lock store '{}': {}", path,
                                                  std::strerror(err)));
            }
            throw Error(Code::locked,
                        fmt::format("the store '{}' is locked by another vern run (waited {} s); "
                                    "try again later", path, timeout_seconds));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

WriterLock::WriterLock(WriterLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

WriterLock& WriterLock::operator=(WriterLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

WriterLock::~WriterLock() {
    if (m_fd >= 0) ::close(m_fd); // releases the flock
}

} // namespace vern::store
