// An LD_PRELOAD library for the kill-point tests (tests/fault/test_kill_points.sh): it counts
// the calls a process makes that change a file (write/pwrite to a regular file, fsync,
// fdatasync, ftruncate, unlink, rename) and, when VERN_KILLSHIM_AT=N is set, SIGKILLs the process
// right before its Nth such call, so that the call never happens. Every commit of a vern run is
// several such calls (WAL frames, the commit frame, checkpoint writes, WAL truncation), so
// stepping N through 1..total kills the run at every commit and between the writes of one.
//
// VERN_KILLSHIM_COUNT=FILE: at normal exit, the process writes its number of calls to FILE (to
// find the total of an uninterrupted run).
//
// Test tooling only: built as a MODULE in the normal build, never linked into vern.

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace {

std::atomic<long> g_calls{0};
long g_kill_at = -1;

struct Init {
    Init() {
        if (const char* at = std::getenv("VERN_KILLSHIM_AT")) g_kill_at = std::atol(at);
    }
    ~Init() {
        if (const char* path = std::getenv("VERN_KILLSHIM_COUNT")) {
            if (std::FILE* f = std::fopen(path, "w")) {
                std::fprintf(f, "%ld\n", g_calls.load());
                std::fclose(f);
            }
        }
    }
} g_init;

bool is_regular_file(int fd) {
    struct stat st;
    return fd > 2 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

// Counts one call; SIGKILLs the process instead when it is the Nth.
void step() {
    long n = ++g_calls;
    if (n == g_kill_at) {
        ::kill(::getpid(), SIGKILL);
        for (;;) ::pause();
    }
}

template <typename F> F next(const char* name) {
    return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

} // namespace

extern "C" {

ssize_t write(int fd, const void* buf, size_t n) {
    static auto real = next<ssize_t (*)(int, const void*, size_t)>("write");
    if (is_regular_file(fd)) step();
    return real(fd, buf, n);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
    static auto real = next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
    if (is_regular_file(fd)) step();
    return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off64_t off) {
    static auto real = next<ssize_t (*)(int, const void*, size_t, off64_t)>("pwrite64");
    if (is_regular_file(fd)) step();
    return real(fd, buf, n, off);
}

int fsync(int fd) {
    static auto real = next<int (*)(int)>("fsync");
    step();
    return real(fd);
}

int fdatasync(int fd) {
    static auto real = next<int (*)(int)>("fdatasync");
    step();
    return real(fd);
}

int ftruncate(int fd, off_t len) {
    static auto real = next<int (*)(int, off_t)>("ftruncate");
    step();
    return real(fd, len);
}

int ftruncate64(int fd, off64_t len) {
    static auto real = next<int (*)(int, off64_t)>("ftruncate64");
    step();
    return real(fd, len);
}

int unlink(const char* path) {
    static auto real = next<int (*)(const char*)>("unlink");
    step();
    return real(path);
}

int rename(const char* from, const char* to) {
    static auto real = next<int (*)(const char*, const char*)>("rename");
    step();
    return real(from, to);
}

} // extern "C"
