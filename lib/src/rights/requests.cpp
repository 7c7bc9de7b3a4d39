// Data-subject requests: open, extend (once, at most two months), close, list.

#include "vern/requests.hpp"

#include "rights_audit.hpp"

#include <fmt/core.h>

#include <array>

namespace vern {
namespace {

constexpr std::array<std::string_view, 6> k_kinds{"access",      "erasure",   "rectification",
                                                  "restriction", "objection", "portability"};

const Duration k_max_extension{0, 2, 0, "2mo"};

Request find_or_throw(Store& store, std::int64_t id) {
    auto r = store.find_request(id);
    if (!r) {
        throw Error(Code::no_input,
                    fmt::format("no request with id {}; 'vern request list' shows them", id));
    }
    return *r;
}

std::string date_text(Instant t, const Policy& policy) {
    return format_local_date(t, policy.info.zone);
}

} // namespace

bool is_request_kind(std::string_view kind) {
    for (auto k : k_kinds) {
        if (k == kind) return true;
    }
    return false;
}

const char* request_kinds_text() {
    return "access, erasure, rectification, restriction, objection, portability";
}

const char* request_status_name(RequestStatus s) {
    switch (s) {
    case RequestStatus::open: return "open";
    case RequestStatus::overdue: return "overdue";
    case RequestStatus::closed: return "closed";
    case RequestStatus::closed_late: return "closed_late";
    }
    return "open";
}

RequestStatus request_status(const Request& request, Instant now) {
    if (request.closed) {
        return *request.closed > request.effective_due() ? RequestStatus::closed_late
                                                         : RequestStatus::closed;
    }
    return now > request.effective_due() ? RequestStatus::overdue : RequestStatus::open;
}

std::int64_t request_days_left(const Request& request, Instant now) {
    auto seconds = (request.effective_due() - now).count();
    auto days = seconds / 86400;
    if (seconds < 0 && seconds % 86400 != 0) --days; // round down
    return days;
}

namespace {

void check_new_request(const Policy& policy, const std::string& kind, Instant received,
                       Instant now) {
    if (!is_request_kind(kind)) {
        throw Error(Code::usage, fmt::format("unknown request kind \"{}\": expected one of {}",
                                             kind, request_kinds_text()));
    }
    if (received > now) {
        throw Error(Code::data, fmt::format("--received {} is in the future (now is {})",
                                            format_local(received, policy.info.zone),
                                            format_local(now, policy.info.zone)));
    }
}

// Stores `r` (kind, subject or selector, pseudonym and received set) with its due time and
// audits it. REQUIRES a write transaction.
void register_request(Store& store, const Policy& policy, Request& r, Instant now) {
    r.due = add_calendar(r.received, policy.info.request_deadline, policy.info.zone);
    r.id = store.open_request(r);
    store.append_audit(rights::audit_entry(policy, now, "request", "request_open",
                                           r.subject_pseudonym, {}, 0, r.kind));
}

Request about_subject(Store& store, const Subject& subject, const std::string& kind,
                      Instant received) {
    Request r;
    r.kind = kind;
    r.subject_rowid = subject.rowid;
    r.subject = subject.ref;
    r.subject_pseudonym = store.pseudonym(subject.ref);
    r.received = received;
    return r;
}

} // namespace

Request open_request(Store& store, const Policy& policy, const Subject& subject,
                     const std::string& kind, Instant received, Instant now) {
    check_new_request(policy, kind, received, now);
    Request r = about_subject(store, subject, kind, received);
    WriteTransaction tx(store);
    register_request(store, policy, r, now);
    tx.commit();
    return r;
}

Request open_request_by_selector(Store& store, const Policy& policy, const Selector& selector,
                                 const std::string& kind, Instant received, Instant now) {
    check_new_request(policy, kind, received, now);
    WriteTransaction tx(store);
    const std::vector<Subject> matches = find_subjects(store, selector);
    Request r;
    if (matches.size() == 1) {
        r = about_subject(store, matches.front(), kind, received);
    } else if (matches.empty()) {
        r.kind = kind;
        r.subject_pseudonym = selector_pseudonym(store, selector);
        r.selector = selector_kind_name(selector.kind);
        r.received = received;
    } else {
        throw Error(Code::problem, selector_problem(selector, matches));
    }
    register_request(store, policy, r, now);
    tx.commit();
    return r;
}

Request extend_request(Store& store, const Policy& policy, std::int64_t id,
                       const std::string& reason, const std::optional<Duration>& by, Instant now) {
    if (reason.find_first_not_of(" \t\n") == std::string::npos) {
        throw Error(Code::usage, "request extend needs --reason TEXT: art. 12(3) requires telling "
                                 "the person why the answer takes longer");
    }
    WriteTransaction tx(store);
    Request r = find_or_throw(store, id);
    if (r.closed) {
        throw Error(Code::problem, fmt::format("request {} was closed on {}; a closed request "
                                               "cannot be extended",
                                               id, date_text(*r.closed, policy)));
    }
    if (r.extended_due) {
        throw Error(Code::problem,
                    fmt::format("request {} was already extended to {}; GDPR art. 12(3) allows "
                                "one extension of at most two months",
                                id, date_text(*r.extended_due, policy)));
    }
    if (now > r.due) {
        throw Error(Code::problem,
                    fmt::format("request {} was due on {}; an extension must be decided within "
                                "the original deadline",
                                id, date_text(r.due, policy)));
    }
    const Duration extension = by ? *by : k_max_extension;
    const Instant limit = add_calendar(r.due, k_max_extension, policy.info.zone);
    const Instant extended = add_calendar(r.due, extension, policy.info.zone);
    if (extended > limit) {
        throw Error(Code::usage, fmt::format("--by {} is longer than the two further months GDPR "
                                             "art. 12(3) allows",
                                             extension.text));
    }
    r.extended_due = extended;
    r.extension_reason = reason;
    store.update_request(r);
    store.append_audit(rights::audit_entry(policy, now, "request", "request_extend",
                                           r.subject_pseudonym, {}, 0, r.kind));
    tx.commit();
    return r;
}

void close_request_in_transaction(Store& store, const Policy& policy, Request& request, Instant now,
                                  const std::string& command) {
    request.closed = now;
    store.update_request(request);
    store.append_audit(rights::audit_entry(policy, now, command, "request_close",
                                           request.subject_pseudonym, {}, 0, request.kind));
}

Request close_request(Store& store, const Policy& policy, std::int64_t id, Instant now) {
    WriteTransaction tx(store);
    Request r = find_or_throw(store, id);
    if (r.closed) {
        throw Error(Code::problem, fmt::format("request {} is already closed (on {})", id,
                                               date_text(*r.closed, policy)));
    }
    close_request_in_transaction(store, policy, r, now, "request");
    tx.commit();
    return r;
}

std::vector<Request> list_requests(Store& store, bool overdue_only, Instant now) {
    std::vector<Request> out;
    for (auto& r : store.list_requests()) {
        if (overdue_only && request_status(r, now) != RequestStatus::overdue) continue;
        out.push_back(std::move(r));
    }
    return out;
}

Request check_answering_request(Store& store, std::int64_t id, std::string_view subject_pseudonym,
                                std::initializer_list<const char*> kinds,
                                std::string_view selector_pseudonym) {
    Request r = find_or_throw(store, id);
    std::string expected;
    bool kind_ok = false;
    for (const char* k : kinds) {
        expected += (expected.empty() ? "" : " or ") + std::string(k);
        if (r.kind == k) kind_ok = true;
    }
    if (r.closed) {
        throw Error(Code::problem,
                    fmt::format("request {} is already closed; nothing was done", id));
    }
    if (!kind_ok) {
        throw Error(Code::problem, fmt::format("request {} is a {} request, not {}; nothing was "
                                               "done",
                                               id, r.kind, expected));
    }
    const bool matches =
        r.subject_pseudonym == subject_pseudonym ||
        (!selector_pseudonym.empty() && r.subject_pseudonym == selector_pseudonym);
    if (!matches) {
        const auto registered = parse_selector_kind(r.selector);
        if (registered) {
            const char* option = selector_option(*registered);
            throw Error(Code::problem,
                        fmt::format("request {} was registered by {} for a person the store did "
                                    "not hold, and this selector does not name that person; "
                                    "answer it with the same {}; nothing was done",
                                    id, option, option));
        }
        throw Error(Code::problem, fmt::format("request {} is about another subject; nothing was "
                                               "done",
                                               id));
    }
    return r;
}

} // namespace vern
