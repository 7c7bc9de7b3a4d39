#include "vern/error.hpp"

namespace vern {

const char* code_name(Code c) {
    switch (c) {
    case Code::ok: return "ok";
    case Code::problem: return "problem";
    case Code::usage: return "usage";
    case Code::data: return "data";
    case Code::no_input: return "no_input";
    case Code::io: return "io";
    case Code::locked: return "locked";
    case Code::permission: return "permission";
    }
    return "unknown";
}

} // namespace vern
