#include "vern/clock.hpp"

#include <chrono>

namespace vern {

Instant SystemClock::now() const {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

} // namespace vern
