// run_command(): fork/exec with a pipe on standard input, a deadline, and a process group.

#include "run_command.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string_view>

extern char** environ;

namespace vern::outbox_detail {
namespace {

using Clock = std::chrono::steady_clock;

int millis_left(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1000));
}

// Stops the command's process group: SIGTERM, then SIGKILL if it is still there after a grace
// period, and reaps the command.
void stop_group(pid_t pid) {
    ::kill(-pid, SIGTERM);
    const auto grace = Clock::now() + std::chrono::seconds(2);
    int status = 0;
    while (Clock::now() < grace) {
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            ::kill(-pid, SIGKILL); // children it left behind
            return;
        }
        ::usleep(20000);
    }
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
}

// SIGPIPE ignored while writing to a command that may exit without reading; restored after.
class IgnoreSigpipe {
  public:
    IgnoreSigpipe() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        ::sigaction(SIGPIPE, &ignore, &m_old);
    }
    ~IgnoreSigpipe() { ::sigaction(SIGPIPE, &m_old, nullptr); }

  private:
    struct sigaction m_old {};
};

} // namespace

CommandOutcome run_command(const std::vector<std::string>& argv, const std::string& input,
                           std::chrono::seconds timeout,
                           const std::map<std::string, std::string>& environment) {
    CommandOutcome out;
    int in_pipe[2];
    int err_pipe[2]; // reports a failed exec (close-on-exec: EOF means exec succeeded)
    if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
        out.error = fmt::format("cannot create a pipe: {}", std::strerror(errno));
        return out;
    }
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        out.error = fmt::format("cannot create a pipe: {}", std::strerror(errno));
        ::close(in_pipe[0]);
        ::close(in_pipe[1]);
        return out;
    }
    // The environment is built before fork: the child may only make async-signal-safe calls.
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        const std::string_view entry(*e);
        const auto key = entry.substr(0, entry.find('='));
        if (!environment.count(std::string(key))) env_strings.emplace_back(entry);
    }
    for (const auto& [key, value] : environment) env_strings.push_back(key + "=" + value);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    IgnoreSigpipe ignore_sigpipe;
    const pid_t pid = ::fork();
    if (pid < 0) {
        out.error = fmt::format("cannot start '{}': {}", argv.front(), std::strerror(errno));
        for (int fd : {in_pipe[0], in_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
        return out;
    }
    if (pid == 0) {
        // The child: only async-signal-safe calls until exec.
        ::setpgid(0, 0);
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        ::sigaction(SIGPIPE, &dfl, nullptr);
        ::dup2(in_pipe[0], STDIN_FILENO);
        ::dup2(STDERR_FILENO, STDOUT_FILENO);
        ::execvpe(args[0], args.data(), envp.data());
        const int err = errno;
        [[maybe_unused]] auto n = ::write(err_pipe[1], &err, sizeof err);
        ::_exit(127);
    }
    ::setpgid(pid, pid); // also in the parent: no race with the kill below
    // The parent keeps its read end of the command's input open until the command has exited,
    // to see whether it left input unread (FIONREAD below): a batch that fits in the pipe's
    // buffer is written in full even when the command never reads it. Closed on every return.
    struct CloseOnReturn {
        int fd;
        ~CloseOnReturn() { ::close(fd); }
    } unread_probe{in_pipe[0]};
    ::close(err_pipe[1]);
    int exec_errno = 0;
    if (::read(err_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
        ::close(err_pipe[0]);
        ::close(in_pipe[1]);
        int status = 0;
        ::waitpid(pid, &status, 0);
        out.error = fmt::format("cannot run '{}': {}", argv.front(), std::strerror(exec_errno));
        return out;
    }
    ::close(err_pipe[0]);

    const auto deadline = Clock::now() + timeout;
    bool input_complete = true;
    // Feed the input without blocking past the deadline (a command that does not read must not
    // hang vern).
    ::fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
    std::size_t written = 0;
    int status = 0;
    bool exited = false;
    while (written < input.size()) {
        if (Clock::now() >= deadline) {
            stop_group(pid);
            ::close(in_pipe[1]);
            out.error = fmt::format("timed out after {} s", timeout.count());
            return out;
        }
        pollfd p{in_pipe[1], POLLOUT, 0};
        if (::poll(&p, 1, std::min(millis_left(deadline), 50)) <= 0) {
            // No room: has the command exited without reading the rest? (No EPIPE: the
            // parent holds a read end.)
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                exited = true;
                input_complete = false;
                break;
            }
            continue;
        }
        const ssize_t n = ::write(in_pipe[1], input.data() + written, input.size() - written);
        if (n > 0) {
            written += static_cast<std::size_t>(n);
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            input_complete = false; // EPIPE: it closed its input early
            break;
        }
    }
    ::close(in_pipe[1]);
    while (!exited) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) {
            out.error = fmt::format("lost the command: {}", std::strerror(errno));
            return out;
        }
        if (Clock::now() >= deadline) {
            stop_group(pid);
            out.error = fmt::format("timed out after {} s", timeout.count());
            return out;
        }
        ::usleep(10000);
    }
    if (WIFSIGNALED(status)) {
        out.error = fmt::format("killed by signal {} ({})", WTERMSIG(status),
                                ::sigabbrev_np(WTERMSIG(status)) ? ::sigabbrev_np(WTERMSIG(status))
                                                                 : "?");
        return out;
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code != 0) {
        out.error = fmt::format("exit status {}", code);
        return out;
    }
    int unread = 0;
    if (::ioctl(unread_probe.fd, FIONREAD, &unread) == 0 && unread > 0) input_complete = false;
    if (!input_complete) {
        // Exit 0 without reading every notice: it cannot have acted on the ones it never read.
        out.error = "exited 0 without reading all notices";
        return out;
    }
    out.ok = true;
    return out;
}

} // namespace vern::outbox_detail
