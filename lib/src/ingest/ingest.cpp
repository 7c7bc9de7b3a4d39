// ingest(): reads JSON Lines sources and applies them all-or-nothing in one write transaction.

#include "vern/ingest.hpp"

#include "line_reader.hpp"

#include "vern/text.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <unordered_set>
#include <unistd.h>

namespace vern {
namespace {

// How deep a line may nest objects and arrays. A record is an object holding a "fields" object
// of scalars (two levels); 64 leaves room for anything a source system might reasonably add and
// refuses, before it is built, a value deep enough to exhaust the stack of whatever walks it.
constexpr int k_max_depth = 64;

// A problem LineParser found in a line (nesting too deep, a key given twice).
struct LineProblem {
    std::string message;
};

// The message of a JSON parse error without the library's "[json.exception...] " prefix, with
// the token it quotes cut to a short, escaped prefix.
std::string json_error(const nlohmann::json::exception& e) {
    std::string what = e.what();
    if (auto pos = what.find("] "); pos != std::string::npos) what.erase(0, pos + 2);
    // "parse error at line 1, column 5: ..." -> "column 5: ..." (always line 1 of one line)
    if (what.rfind("parse error at line 1, ", 0) == 0) what.erase(0, 23);
    if (auto pos = what.find("; last read: '"); pos != std::string::npos && what.back() == '\'') {
        const std::string token = what.substr(pos + 14, what.size() - pos - 15);
        what = what.substr(0, pos) + "; last read: " + quoted_excerpt(token);
    }
    return "invalid JSON: " + printable(what);
}

// "number overflow parsing '1e400'" -> a message that says what is wrong with the line.
std::string number_error(const nlohmann::json::out_of_range& e) {
    std::string what = e.what();
    const auto open = what.find('\'');
    const auto close = what.rfind('\'');
    std::string token = open != std::string::npos && close > open
                            ? what.substr(open + 1, close - open - 1)
                            : std::string();
    return fmt::format("invalid JSON: the number {} is out of range (too large for a "
                       "double-precision number); write it as a string if it is an identifier",
                       token.empty() ? std::string("in this line") : excerpt(token));
}

// Parses one line, refusing (as LineProblem) objects and arrays nested deeper than k_max_depth
// and an object that gives a key twice (JSON parsers would silently keep one of them: a record
// could land under the wrong subject). Throws nlohmann's exceptions for malformed JSON.
//
// A SAX handler in front of nlohmann's own DOM builder: the checks happen while the line is read,
// before anything deep is built, and cost no more than a look at each key.
class LineParser {
    using json = nlohmann::json;
    using Dom = nlohmann::detail::json_sax_dom_parser<json>;

  public:
    json parse(std::string_view line) {
        json result;
        Dom dom(result, true);
        m_dom = &dom;
        m_depth = 0;
        json::sax_parse(line.begin(), line.end(), this);
        m_dom = nullptr;
        return result;
    }

    // The SAX interface (nlohmann::json_sax), forwarded to the DOM builder.
    bool null() { return m_dom->null(); }
    bool boolean(bool v) { return m_dom->boolean(v); }
    bool number_integer(json::number_integer_t v) { return m_dom->number_integer(v); }
    bool number_unsigned(json::number_unsigned_t v) { return m_dom->number_unsigned(v); }
    bool number_float(json::number_float_t v, const json::string_t& s) {
        return m_dom->number_float(v, s);
    }
    bool string(json::string_t& v) { return m_dom->string(v); }
    bool binary(json::binary_t& v) { return m_dom->binary(v); }
    bool start_object(std::size_t n) {
        open(true);
        return m_dom->start_object(n);
    }
    bool key(json::string_t& k) {
        check_key(k);
        return m_dom->key(k);
    }
    bool end_object() {
        --m_depth;
        return m_dom->end_object();
    }
    bool start_array(std::size_t n) {
        open(false);
        return m_dom->start_array(n);
    }
    bool end_array() {
        --m_depth;
        return m_dom->end_array();
    }
    template <class Exception>
    bool parse_error(std::size_t position, const std::string& token, const Exception& ex) {
        return m_dom->parse_error(position, token, ex);
    }

  private:
    struct Frame {
        bool object = false;
        std::vector<std::string> keys;        // objects: keys so far (a record has a handful)
        std::unordered_set<std::string> many; // ... all of them, once there are many
    };

    void open(bool object) {
        if (m_depth >= static_cast<std::size_t>(k_max_depth)) {
            throw LineProblem{fmt::format("objects and arrays are nested more than {} levels "
                                          "deep; refused",
                                          k_max_depth)};
        }
        if (m_frames.size() <= m_depth) m_frames.emplace_back();
        Frame& f = m_frames[m_depth++];
        f.object = object;
        f.keys.clear();
        f.many.clear();
    }

    void check_key(const std::string& key) {
        Frame& f = m_frames[m_depth - 1];
        constexpr std::size_t k_linear = 16;
        bool fresh = true;
        if (f.keys.size() < k_linear) {
            fresh = std::find(f.keys.begin(), f.keys.end(), key) == f.keys.end();
        } else {
            if (f.many.empty()) f.many.insert(f.keys.begin(), f.keys.end());
            fresh = f.many.insert(key).second;
        }
        if (!fresh) {
            // Where the object is, from the keys that lead to it: "fields", "a.b[]".
            std::string where;
            for (std::size_t i = 0; i + 1 < m_depth; ++i) {
                const Frame& outer = m_frames[i];
                if (outer.object) {
                    where += (where.empty() ? "" : ".") + outer.keys.back();
                } else {
                    where += "[]";
                }
            }
            throw LineProblem{
                where.empty()
                    ? fmt::format("duplicate key {}: a key may appear once per object",
                                  quoted_excerpt(key))
                    : fmt::format("duplicate key {} in {}: a key may appear once per object",
                                  quoted_excerpt(key), quoted_excerpt(where))};
        }
        f.keys.push_back(key);
    }

    Dom* m_dom = nullptr;
    std::size_t m_depth = 0;
    std::vector<Frame> m_frames; // reused from line to line
};

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
    // Into a store without records, the store builds its indexes after the rows (much faster
    // for a first load of history; nothing else changes).
    store.prepare_bulk_load();
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
        LineParser parser;
        std::string_view line;
        bool too_long = false;
        std::int64_t lines = 0;
        while (reader.next(line, too_long)) {
            std::string where = fmt::format("{}:{}", printable(source.name), reader.line_number());
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
                doc = parser.parse(line);
            } catch (const LineProblem& p) {
                report(fmt::format("{}: {}", where, p.message));
                continue;
            } catch (const nlohmann::json::out_of_range& e) {
                report(fmt::format("{}: {}", where, number_error(e)));
                continue;
            } catch (const nlohmann::json::exception& e) {
                report(fmt::format("{}: {}", where, json_error(e)));
                continue;
            }
            std::string message = ingester.add(doc, where);
            // Messages quote refs and ids from the line: escaped, and never a whole huge value.
            if (!message.empty()) report(fmt::format("{}: {}", where, excerpt(message, 400)));
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
