#pragma once
// Errors: a closed set of codes, each mapping 1:1 to an exit status of vern(1).
//
// The library reports failure by throwing vern::Error; the CLI has one top-level catch that prints
// "vern: error: <message>" and exits with exit_status(code). Parsers that must report many
// problems at once return diagnostics instead (see policy.hpp).

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace vern {

// NOTE: the numeric values are vern's exit statuses, a documented interface (SPEC section 2,
// man vern(1) EXIT STATUS). Never change an existing value.
enum class Code : int {
    ok = 0,
    problem = 1,     // the command ran and found a problem (invalid policy, failed test, ...)
    usage = 2,       // unknown option, missing argument
    data = 65,       // bad input data: malformed JSONL, unknown category, invalid time, bad policy
    no_input = 66,   // a named input (store, policy file) does not exist
    io = 74,         // I/O or database error
    locked = 75,     // the store is locked by another vern run; try again later
    permission = 77, // store not readable / writable
};

inline int exit_status(Code c) { return static_cast<int>(c); }

// Short name of a code, as used in JSON output ("data", "locked", ...).
const char* code_name(Code c);

class Error : public std::runtime_error {
  public:
    Error(Code code, std::string message)
        : std::runtime_error(std::move(message)), m_code(code) {}
    Code code() const { return m_code; }

  private:
    Code m_code;
};

// A value or an error message: for small fallible parsers (durations, times, ids) whose callers
// decide how to report the message (a diagnostic with file:line:col, or a vern::Error).
template <typename T> class Expected {
  public:
    Expected(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    static Expected failure(std::string message) {
        Expected e;
        e.m_v.template emplace<1>(std::move(message));
        return e;
    }
    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return std::get<0>(m_v); }
    T& value() & { return std::get<0>(m_v); }
    const T& operator*() const { return value(); }
    const T* operator->() const { return &value(); }
    const std::string& error() const { return std::get<1>(m_v); }

  private:
    Expected() = default;
    std::variant<T, std::string> m_v;
};

} // namespace vern
