#include "private_file.hpp"

#include "vern/error.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
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

StagedFile::StagedFile(std::string path, const std::string& content) : m_path(std::move(path)) {
    // The target must be a file name: a directory there would only fail at the rename, after
    // the caller has already recorded the delivery.
    struct stat st {};
    if (::stat(m_path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        throw Error(Code::io, fmt::format("cannot write '{}': it is a directory; give the name of "
                                          "a file to write",
                                          m_path));
    }
    // A new file with a random name beside the target, created exclusively (mkstemp: O_CREAT |
    // O_EXCL, mode 0600): a file or a symbolic link planted at a predictable name such as
    // PATH.tmp is never followed, written through or re-moded.
    const auto slash = m_path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : m_path.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? m_path : m_path.substr(slash + 1);
    std::string pattern =
        (slash == std::string::npos ? std::string() : dir) + "." + base + ".vern-XXXXXX";
    const int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd < 0) {
        fail("create a temporary file in",
             slash == std::string::npos ? "." : (slash == 0 ? "/" : m_path.substr(0, slash)),
             errno);
    }
    m_tmp = pattern;
    auto give_up = [&](const char* what) {
        const int err = errno;
        ::close(fd);
        ::unlink(m_tmp.c_str());
        fail(what, m_tmp, err);
    };
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

void StagedFile::withdraw() noexcept {
    if (m_published) ::unlink(m_path.c_str());
}

void write_private_file(const std::string& path, const std::string& content) {
    StagedFile file(path, content);
    file.publish();
}

} // namespace vern::cli
