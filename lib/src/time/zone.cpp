// Time zone lookup in the system tz database.

#include "vern/time.hpp"

#include <fmt/format.h>
#include <stdexcept>

namespace vern {

Expected<Zone> find_zone(std::string_view name) {
    try {
        return date::locate_zone(name);
    } catch (const std::runtime_error&) {
        // date reports an unknown name and an unreadable database the same way.
        return Expected<Zone>::failure(
            fmt::format("unknown time zone \"{}\": expected an IANA name like Europe/Oslo", name));
    }
}

} // namespace vern
