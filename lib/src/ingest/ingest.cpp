// ingest(): reads JSON Lines sources and applies them all-or-nothing in one write transaction.

#include "vern/ingest.hpp"

#include "line_reader.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

namespace vern {
namespace {

// The message of a JSON parse error without the library's "[json.exception...] " prefix.
std::string json_error(const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    if (auto pos = what.find("] "); pos != std::string::npos) what.erase(0, pos + 2);
    // "parse error at line 1, column 5: ..." -> "column 5: ..." (always line 1 of one line)
    if (what.rfind("parse error at line 1, ", 0) == 0) what.erase(0, 23);
    return "invalid JSON: " + what;
}

struct Fd {
    int fd = -1;
    bool owned = false;
    ~Fd() {
        if (owned && fd >= 0) ::close(fd);
    }
};

} // namespace

IngestSource file_source(const std::string& path) {
    auto fd = std::make_shared<Fd>();
    std::string name = path;
    if (path == "-") {
        fd->fd = STDIN_FILENO;
        name = "stdin";
    } else {
        fd->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd->fd < 0) {
            int err = errno;
            Code code = err == ENOENT ? Code::no_input
                        : (err == EACCES || err == EPERM) ? Code::permission
                                                          : Code::io;
            throw Error(code, fmt::format("cannot open '{}': {}", path, std::strerror(err)));
        }
        fd->owned = true;
    }
    return IngestSource{name, [fd, name](char* buf, std::size_t n) -> std::size_t {
                            while (true) {
                                ssize_t got = ::read(fd->fd, buf, n);
                                if (got >= 0) return static_cast<std::size_t>(got);
                                if (errno == EINTR) continue;
                                throw Error(Code::io, fmt::format("cannot read '{}': {}", name,
                                                                  std::strerror(errno)));
                            }
                        }};
}

IngestSource text_source(std::string name, std::string text) {
    auto data = std::make_shared<std::string>(std::move(text));
    auto pos = std::make_shared<std::size_t>(0);
    return IngestSource{std::move(name), [data, pos](char* buf, std::size_t n) -> std::size_t {
                            std::size_t k = std::min(n, data->size() - *pos);
                            std::memcpy(buf, data->data() + *pos, k);
                            *pos += k;
                            return k;
                        }};
}

IngestSummary ingest(Store& store, const Policy& policy, std::span<IngestSource> sources,
                     const IngestOptions& options) {
    WriteTransaction tx(store);
    Ingester ingester(store, policy, options);
    std::vector<std::string> errors;
    std::int64_t bad = 0;
    std::int64_t total_lines = 0;
    auto report = [&](std::string message) {
        ++bad;
        if (errors.size() < options.max_errors) errors.push_back(std::move(message));
    };

    for (IngestSource& source : sources) {
        jsonl::LineReader reader(source, options.max_line_bytes);
        std::string_view line;
        bool too_long = false;
        std::int64_t lines = 0;
        while (reader.next(line, too_long)) {
            std::string where = fmt::format("{}:{}", source.name, reader.line_number());
            if (too_long) {
                report(fmt::format("{}: line is longer than {} bytes; refused (records are "
                                   "expected to be small: split or shorten it)", where,
                                   options.max_line_bytes));
                ++lines;
                continue;
            }
            if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue; // blank
            ++lines;
            nlohmann::json doc;
            try {
                doc = nlohmann::json::parse(line);
            } catch (const nlohmann::json::parse_error& e) {
                report(fmt::format("{}: {}", where, json_error(e)));
                continue;
            }
            std::string message = ingester.add(doc, where);
            if (!message.empty()) report(fmt::format("{}: {}", where, message));
        }
        total_lines += lines;
        if (lines == 0) report(fmt::format("{}: empty input (no lines)", source.name));
    }
    for (std::string& message : ingester.finish()) report(std::move(message));

    if (bad > 0) {
        tx.rollback();
        std::string text = fmt::format("{} bad line{}; nothing was ingested:", bad,
                                       bad == 1 ? "" : "s");
        for (const std::string& e : errors) text += "\n" + e;
        if (bad > static_cast<std::int64_t>(errors.size())) {
            text += fmt::format("\n... and {} more bad line{}",
                                bad - static_cast<std::int64_t>(errors.size()),
                                bad - static_cast<std::int64_t>(errors.size()) == 1 ? "" : "s");
        }
        throw Error(Code::data, text);
    }
    ingester.append_audit(policy.digest);
    tx.commit();
    IngestSummary summary = ingester.summary();
    summary.lines = total_lines;
    return summary;
}

} // namespace vern
