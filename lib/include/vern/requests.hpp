#pragma once
// Data-subject requests and their deadlines (SPEC section 6, GDPR art. 12(3)): due = received +
// the policy's request_deadline (calendar arithmetic in the policy time zone); one extension of
// at most two further months, with a reason, decided before the original deadline.
//
// Audit entries: command "request", action "request_open" | "request_extend" | "request_close",
// rule = the request kind, subject pseudonym (Request::subject_pseudonym: the selector's
// pseudonym for a request registered for a person the store did not hold). NOTE: read by
// `vern audit report`; keep the names.

#include "vern/policy.hpp"
#include "vern/selector.hpp"
#include "vern/store.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vern {

// access | erasure | rectification | restriction | objection | portability
bool is_request_kind(std::string_view kind);
// "access, erasure, rectification, restriction, objection, portability"
const char* request_kinds_text();

// NOTE: the names are a format users rely on (request list JSON "status").
enum class RequestStatus { open, overdue, closed, closed_late };
const char* request_status_name(RequestStatus s); // "open" | "overdue" | "closed" | "closed_late"
RequestStatus request_status(const Request& request, Instant now);
// Whole days from now until the effective due time, rounded down; negative when overdue.
std::int64_t request_days_left(const Request& request, Instant now);

// Opens a request about an existing subject. Throws Error(usage) for an unknown kind,
// Error(data) when received is after now.
Request open_request(Store& store, const Policy& policy, const Subject& subject,
                     const std::string& kind, Instant received, Instant now);

// Opens a request for the person `selector` names (SPEC 2 selectors; "We hold no data about you"
// is an answer too, with the same deadline): about the one subject it matches, as open_request;
// when it matches nobody (an unknown --subject REF included), without a subject: the request
// keeps selector_pseudonym(store, selector) as its pseudonym and the selector kind's name in
// Request::selector, never the value. Same checks as open_request, plus find_subjects' (an
// invalid national id: Error(data)); several matches: Error(problem, selector_problem),
// nothing registered. The lookup and the registration run in one write transaction.
Request open_request_by_selector(Store& store, const Policy& policy, const Selector& selector,
                                 const std::string& kind, Instant received, Instant now);

// Extends an open request once: the new due time is due + `by` (default and maximum 2 months).
// Throws Error(problem) when it was already extended, is closed, or its deadline has passed;
// Error(usage) for an empty reason or `by` longer than two months; Error(no_input) for an
// unknown id.
Request extend_request(Store& store, const Policy& policy, std::int64_t id,
                       const std::string& reason, const std::optional<Duration>& by, Instant now);

// Closes an open request. Throws Error(problem) if it is closed already, Error(no_input) if
// unknown.
Request close_request(Store& store, const Policy& policy, std::int64_t id, Instant now);

// Every request (by id), or only the open ones past their due time.
std::vector<Request> list_requests(Store& store, bool overdue_only, Instant now);

// For `access --request` / `erase --request`: the request, checked to be open, of one of
// `kinds` and about the subject with pseudonym `subject_pseudonym`, or registered for the
// selector with pseudonym `selector_pseudonym` when that is given (a request opened for a person
// the store did not hold then; selector_pseudonym). Throws Error(no_input) for an unknown id,
// Error(problem) otherwise.
Request check_answering_request(Store& store, std::int64_t id, std::string_view subject_pseudonym,
                                std::initializer_list<const char*> kinds,
                                std::string_view selector_pseudonym = {});

// Closes `request` at now and appends its audit entry. REQUIRES a write transaction.
void close_request_in_transaction(Store& store, const Policy& policy, Request& request,
                                  Instant now, const std::string& command);

} // namespace vern
