#pragma once
// Internal: turning a wall-clock time of a zone into an instant, by the rules of SPEC 3.5.

#include "vern/time.hpp"

namespace vern {

// The instant of `local` on the wall clock of `zone`. A local time in a DST gap moves forward by
// the gap (02:30 on the spring-forward night -> 03:30); in a fold the earlier instant is taken.
Instant resolve_local(date::local_seconds local, Zone zone);

} // namespace vern
