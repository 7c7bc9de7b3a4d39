#pragma once
// Runs an exec system's command: its argv without a shell, the notices on standard input, its
// standard output sent to vern's standard error (vern's own output stays a clean report), in a
// process group of its own so that a timeout stops the command and everything it started.

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace vern::outbox_detail {

struct CommandOutcome {
    bool ok = false;        // exited with status 0 within the timeout, and read its input
    std::string error;      // otherwise: why, for status and the audit ("exit status 3", ...)
};

CommandOutcome run_command(const std::vector<std::string>& argv, const std::string& input,
                           std::chrono::seconds timeout,
                           const std::map<std::string, std::string>& environment);

} // namespace vern::outbox_detail
