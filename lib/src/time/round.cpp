// The names of the round modes of a rule (SPEC 3.4 `round`).

#include "vern/time.hpp"

#include <fmt/format.h>

namespace vern {

Expected<Round> parse_round(std::string_view text) {
    for (Round r :
         {Round::end_of_day, Round::end_of_week, Round::end_of_month, Round::end_of_year}) {
        if (text == round_name(r)) {
            return r;
        }
    }
    return Expected<Round>::failure(fmt::format(
        "invalid round \"{}\": expected end_of_day, end_of_week, end_of_month or end_of_year",
        text));
}

const char* round_name(Round r) {
    switch (r) {
    case Round::none:
        return "none";
    case Round::end_of_day:
        return "end_of_day";
    case Round::end_of_week:
        return "end_of_week";
    case Round::end_of_month:
        return "end_of_month";
    case Round::end_of_year:
        return "end_of_year";
    }
    return "none";
}

} // namespace vern
