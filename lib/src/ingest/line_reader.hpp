#pragma once
// Splits an IngestSource into lines with bounded memory: a line longer than the limit is skipped
// (and reported as such) instead of being buffered.

#include "vern/ingest.hpp"

#include <string>
#include <string_view>

namespace vern::jsonl {

class LineReader {
  public:
    LineReader(IngestSource& source, std::size_t max_line_bytes);

    // The next line without its "\n" / "\r\n" (a UTF-8 byte-order mark at the start of the input
    // is dropped). Returns false at the end. For a line over the limit, `line` is empty and
    // `too_long` is set. `line` stays valid until the next call.
    bool next(std::string_view& line, bool& too_long);
    std::int64_t line_number() const { return m_line; }

  private:
    bool fill(); // reads more input after m_end; false at the end of input

    IngestSource& m_source;
    std::size_t m_max;
    std::string m_buf;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
    bool m_eof = false;
    bool m_first = true;
    std::int64_t m_line = 0;
};

} // namespace vern::jsonl
