// PgStore: legal holds and data-subject requests (the twin of sqlite_holds_requests.cpp).

#include "pg_store.hpp"
#include "store_common.hpp"

#include <fmt/core.h>

namespace vern::store {
namespace {

pg::Param optional_time_param(const std::optional<Instant>& t) {
    return t ? pg::param(to_db(*t)) : pg::null_param();
}

std::optional<Instant> optional_time(const pg::Result& r, int row, int col) {
    if (r.null(row, col)) return std::nullopt;
    return from_db(r.int64(row, col));
}

Request read_request(const pg::Result& r, int row) {
    Request q;
    q.id = r.int64(row, 0);
    q.kind = r.text(row, 1);
    q.subject_rowid = r.int64(row, 2); // 0 for NULL
    q.subject = r.text(row, 3);        // "" for NULL
    q.subject_pseudonym = r.text(row, 4);
    q.received = from_db(r.int64(row, 5));
    q.due = from_db(r.int64(row, 6));
    q.extended_due = optional_time(r, row, 7);
    q.extension_reason = r.text(row, 8);
    q.closed = optional_time(r, row, 9);
    q.selector = r.text(row, 10);
    return q;
}

} // namespace

std::int64_t PgStore::place_hold(const Hold& hold) {
    require_write("place_hold");
    auto r = db().query("INSERT INTO holds(sid, category, reason, placed, released) "
                        "VALUES ($1, $2, $3, $4, $5) RETURNING hid",
                        {hold.subject_rowid != 0 ? pg::param(hold.subject_rowid) : pg::null_param(),
                         hold.subject_rowid != 0 ? pg::null_param() : pg::param(hold.category),
                         pg::param(hold.reason), pg::param(to_db(hold.placed)),
                         optional_time_param(hold.released)});
    return r.int64(0, 0);
}

void PgStore::release_hold(std::int64_t id, Instant at) {
    require_write("release_hold");
    auto r = db().query("UPDATE holds SET released = $1 WHERE hid = $2 AND released IS NULL",
                        {pg::param(to_db(at)), pg::param(id)});
    if (r.affected() == 0) {
        throw Error(Code::no_input,
                    fmt::format("no active hold with id {}; 'vern hold list' shows them", id));
    }
}

std::vector<Hold> PgStore::list_holds() {
    std::vector<Hold> out;
    auto r = db().query("SELECT h.hid, h.sid, s.ref, h.category, h.reason, h.placed, h.released "
                        "FROM holds h LEFT JOIN subjects s ON s.sid = h.sid ORDER BY h.hid");
    for (int i = 0; i < r.rows(); ++i) {
        Hold h;
        h.id = r.int64(i, 0);
        h.subject_rowid = r.int64(i, 1);
        h.subject = r.text(i, 2);
        h.category = r.text(i, 3);
        h.reason = r.text(i, 4);
        h.placed = from_db(r.int64(i, 5));
        h.released = optional_time(r, i, 6);
        out.push_back(std::move(h));
    }
    return out;
}

std::int64_t PgStore::open_request(const Request& request) {
    require_write("open_request");
    auto r = db().query(
        "INSERT INTO requests(kind, sid, pseudonym, received, due, extended_due, "
        "extension_reason, closed, selector) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "RETURNING qid",
        {pg::param(request.kind),
         request.subject_rowid != 0 ? pg::param(request.subject_rowid) : pg::null_param(),
         pg::param(request.subject_pseudonym), pg::param(to_db(request.received)),
         pg::param(to_db(request.due)), optional_time_param(request.extended_due),
         pg::param(request.extension_reason), optional_time_param(request.closed),
         request.selector.empty() ? pg::null_param() : pg::param(request.selector)});
    return r.int64(0, 0);
}

#define VERN_REQUEST_COLUMNS                                                                    \
    "SELECT q.qid, q.kind, q.sid, s.ref, q.pseudonym, q.received, q.due, q.extended_due, "      \
    "q.extension_reason, q.closed, q.selector FROM requests q "                                 \
    "LEFT JOIN subjects s ON s.sid = q.sid "

std::optional<Request> PgStore::find_request(std::int64_t id) {
    auto r = db().query(VERN_REQUEST_COLUMNS "WHERE q.qid = $1", {pg::param(id)});
    if (r.empty()) return std::nullopt;
    return read_request(r, 0);
}

std::vector<Request> PgStore::list_requests() {
    std::vector<Request> out;
    auto r = db().query(VERN_REQUEST_COLUMNS "ORDER BY q.qid");
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_request(r, i));
    return out;
}
#undef VERN_REQUEST_COLUMNS

void PgStore::update_request(const Request& request) {
    require_write("update_request");
    auto r = db().query("UPDATE requests SET extended_due = $1, extension_reason = $2, "
                        "closed = $3 WHERE qid = $4",
                        {optional_time_param(request.extended_due),
                         pg::param(request.extension_reason), optional_time_param(request.closed),
                         pg::param(request.id)});
    if (r.affected() == 0) {
        throw Error(Code::no_input, fmt::format("no request with id {}; 'vern request list' "
                                                "shows them", request.id));
    }
    // The old reason stays as a dead tuple until a VACUUM.
    touched("requests");
}

void PgStore::forget_subject_reasons(RowId subject_rowid) {
    require_write("forget_subject_reasons");
    db().query("UPDATE requests SET extension_reason = $1 WHERE sid = $2 "
               "AND extension_reason <> '' AND extension_reason <> $1",
               {pg::param(k_reason_removed), pg::param(subject_rowid)});
    db().query("UPDATE holds SET reason = $1 WHERE sid = $2 AND reason <> $1",
               {pg::param(k_reason_removed), pg::param(subject_rowid)});
    touched("requests");
    touched("holds");
}

void PgStore::forget_orphaned_request_reasons() {
    // A request loses its subject only when the subject is removed (ON DELETE SET NULL). A
    // request registered for a person the store did not hold (selector) never had one.
    db().query("UPDATE requests SET extension_reason = $1 WHERE sid IS NULL "
               "AND selector IS NULL AND extension_reason <> '' AND extension_reason <> $1",
               {pg::param(k_reason_removed)});
    touched("requests");
}

} // namespace vern::store
