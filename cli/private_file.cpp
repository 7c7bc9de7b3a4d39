#include "private_file.hpp"

#include "vern/error.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vern::cli {
namespace {

[[noreturn]] void fail(const char* what, const std::string& name, int err) {
    const Code code = (err == EACCES || err == EPERM || err == EROFS) ? Code::permission : Code::io;
    throw Error(code, fmt::format("cannot {} '{}': {}", what, name, std::strerror(err)));
}

} // namespace

StagedFile::StagedFile(std::string path, const std::string& content)
    : m_path(std::move(path)), m_tmp(m_path + ".tmp") {
    const int fd = ::open(m_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) fail("create", m_tmp, errno);
    auto give_up = [&](const char* what) {
        const int err = errno;
        ::close(fd);
        ::unlink(m_tmp.c_str());
        fail(what, m_tmp, err);
    };
    // O_CREAT's mode only applies to a new file; an existing PATH.tmp keeps its own.
    if (::fchmod(fd, 0600) != 0) give_up("set mode 0600 on");
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            give_up("write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) give_up("write");
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(m_tmp.c_str());
        fail("write", m_tmp, err);
    }
}

StagedFile::~StagedFile() {
    if (!m_published) ::unlink(m_tmp.c_str());
}

void StagedFile::publish() {
    if (std::rename(m_tmp.c_str(), m_path.c_str()) != 0) fail("write", m_path, errno);
    m_published = true;
}

void write_private_file(const std::string& path, const std::string& content) {
    StagedFile file(path, content);
    file.publish();
}

} // namespace vern::cli
