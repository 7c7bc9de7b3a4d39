// Time zone lookup in the system tz database.

#include "vern/time.hpp"

#include <exception>
#include <fmt/format.h>

namespace vern {

Expected<Zone> find_zone(std::string_view name) {
    // Debian's zoneinfo has a "localtime" link to /etc/localtime: a policy must not depend on the
    // machine it runs on.
    if (name != "localtime") {
        try {
            return date::locate_zone(name);
        } catch (const std::exception&) {
            // date reports an unknown name and an unreadable database the same way.
        }
    }
    return Expected<Zone>::failure(
        fmt::format("unknown time zone \"{}\": expected an IANA name like Europe/Oslo", name));
}

} // namespace vern
