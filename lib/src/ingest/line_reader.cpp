// LineReader: bounded-memory line splitting for ingest.

#include "line_reader.hpp"

#include <algorithm>
#include <cstring>

namespace vern::jsonl {
namespace {
constexpr std::size_t k_chunk = 1 << 16;
} // namespace

LineReader::LineReader(IngestSource& source, std::size_t max_line_bytes)
    : m_source(source), m_max(max_line_bytes) {
    m_buf.resize(std::max<std::size_t>(m_max + 2, k_chunk) + k_chunk);
}

bool LineReader::fill() {
    if (m_eof) return false;
    if (m_begin > 0) { // compact: move the unread part to the front
        std::memmove(m_buf.data(), m_buf.data() + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }
    std::size_t room = m_buf.size() - m_end;
    std::size_t n = m_source.read(m_buf.data() + m_end, std::min(room, k_chunk * 16));
    if (n == 0) {
        m_eof = true;
        return false;
    }
    m_end += n;
    return true;
}

bool LineReader::next(std::string_view& line, bool& too_long) {
    too_long = false;
    std::size_t scanned = m_begin; // where to resume looking for '\n'
    while (true) {
        const char* start = m_buf.data() + scanned;
        const void* nl = std::memchr(start, '\n', m_end - scanned);
        if (nl != nullptr) {
            std::size_t pos = static_cast<const char*>(nl) - m_buf.data();
            line = std::string_view(m_buf.data() + m_begin, pos - m_begin);
            m_begin = pos + 1;
            break;
        }
        if (m_end - m_begin > m_max) {
            // Too long: drop what we have and skip to the next newline.
            too_long = true;
            m_begin = m_end = 0;
            while (true) {
                if (!fill()) break;
                const void* skip = std::memchr(m_buf.data(), '\n', m_end);
                if (skip != nullptr) {
                    m_begin = static_cast<const char*>(skip) - m_buf.data() + 1;
                    break;
                }
                m_begin = m_end = 0;
            }
            line = {};
            ++m_line;
            m_first = false;
            return true;
        }
        std::size_t offset = m_end - m_begin;
        if (!fill()) {
            if (m_end == m_begin) return false;
            line = std::string_view(m_buf.data() + m_begin, m_end - m_begin);
            m_begin = m_end;
            break;
        }
        scanned = m_begin + offset;
    }
    ++m_line;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (m_first) {
        m_first = false;
        if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    }
    if (line.size() > m_max) {
        too_long = true;
        line = {};
    }
    return true;
}

} // namespace vern::jsonl
