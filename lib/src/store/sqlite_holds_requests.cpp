// SqliteStore: legal holds and data-subject requests.

#include "sqlite_store.hpp"

#include <fmt/core.h>

namespace vern::store {
namespace {

void bind_optional_time(SQLite::Statement& s, int index, const std::optional<Instant>& t) {
    if (t) {
        s.bind(index, to_db(*t));
    } else {
        s.bind(index);
    }
}

std::optional<Instant> optional_time(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return from_db(c.getInt64());
}

Request read_request(SQLite::Statement& s) {
    Request r;
    r.id = s.getColumn(0).getInt64();
    r.kind = s.getColumn(1).getString();
    r.subject_rowid = s.getColumn(2).isNull() ? 0 : s.getColumn(2).getInt64();
    r.subject = s.getColumn(3).isNull() ? std::string() : s.getColumn(3).getString();
    r.subject_pseudonym = s.getColumn(4).getString();
    r.received = from_db(s.getColumn(5).getInt64());
    r.due = from_db(s.getColumn(6).getInt64());
    r.extended_due = optional_time(s.getColumn(7));
    r.extension_reason = s.getColumn(8).getString();
    r.closed = optional_time(s.getColumn(9));
    r.selector = s.getColumn(10).isNull() ? std::string() : s.getColumn(10).getString();
    return r;
}

} // namespace

std::int64_t SqliteStore::place_hold(const Hold& hold) {
    require_write("place_hold");
    try {
        auto s = stmt("INSERT INTO holds(sid, category, reason, placed, released) "
                      "VALUES (?, ?, ?, ?, ?)");
        if (hold.subject_rowid != 0) {
            s->bind(1, hold.subject_rowid);
            s->bind(2);
        } else {
            s->bind(1);
            s->bind(2, hold.category);
        }
        s->bind(3, hold.reason);
        s->bind(4, to_db(hold.placed));
        bind_optional_time(*s, 5, hold.released);
        s->exec();
        return m_db->getLastInsertRowid();
    } catch (const std::exception& e) {
        fail(e);
    }
}

void SqliteStore::release_hold(std::int64_t id, Instant at) {
    require_write("release_hold");
    try {
        auto s = stmt("UPDATE holds SET released = ? WHERE hid = ? AND released IS NULL");
        s->bind(1, to_db(at));
        s->bind(2, id);
        if (s->exec() == 0) {
            throw Error(Code::no_input,
                        fmt::format("no active hold with id {}; 'vern hold list' shows them", id));
        }
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::vector<Hold> SqliteStore::list_holds() {
    std::vector<Hold> out;
    try {
        auto s = stmt("SELECT h.hid, h.sid, s.ref, h.category, h.reason, h.placed, h.released "
                      "FROM holds h LEFT JOIN subjects s ON s.sid = h.sid ORDER BY h.hid");
        while (s->executeStep()) {
            Hold h;
            h.id = s->getColumn(0).getInt64();
            h.subject_rowid = s->getColumn(1).isNull() ? 0 : s->getColumn(1).getInt64();
            h.subject = s->getColumn(2).isNull() ? std::string() : s->getColumn(2).getString();
            h.category = s->getColumn(3).isNull() ? std::string() : s->getColumn(3).getString();
            h.reason = s->getColumn(4).getString();
            h.placed = from_db(s->getColumn(5).getInt64());
            h.released = optional_time(s->getColumn(6));
            out.push_back(std::move(h));
        }
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
}

std::int64_t SqliteStore::open_request(const Request& request) {
    require_write("open_request");
    try {
        auto s = stmt("INSERT INTO requests(kind, sid, pseudonym, received, due, extended_due, "
                      "extension_reason, closed, selector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s->bind(1, request.kind);
        if (request.subject_rowid != 0) {
            s->bind(2, request.subject_rowid);
        } else {
            s->bind(2);
        }
        s->bind(3, request.subject_pseudonym);
        s->bind(4, to_db(request.received));
        s->bind(5, to_db(request.due));
        bind_optional_time(*s, 6, request.extended_due);
        s->bind(7, request.extension_reason);
        bind_optional_time(*s, 8, request.closed);
        if (request.selector.empty()) {
            s->bind(9);
        } else {
            s->bind(9, request.selector);
        }
        s->exec();
        return m_db->getLastInsertRowid();
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::optional<Request> SqliteStore::find_request(std::int64_t id) {
    try {
        auto s = stmt("SELECT q.qid, q.kind, q.sid, s.ref, q.pseudonym, q.received, q.due, "
                      "q.extended_due, q.extension_reason, q.closed, q.selector FROM requests q "
                      "LEFT JOIN subjects s ON s.sid = q.sid WHERE q.qid = ?");
        s->bind(1, id);
        if (!s->executeStep()) return std::nullopt;
        return read_request(*s);
    } catch (const std::exception& e) {
        fail(e);
    }
}

void SqliteStore::update_request(const Request& request) {
    require_write("update_request");
    try {
        auto s = stmt("UPDATE requests SET extended_due = ?, extension_reason = ?, closed = ? "
                      "WHERE qid = ?");
        bind_optional_time(*s, 1, request.extended_due);
        s->bind(2, request.extension_reason);
        bind_optional_time(*s, 3, request.closed);
        s->bind(4, request.id);
        if (s->exec() == 0) {
            throw Error(Code::no_input, fmt::format("no request with id {}; 'vern request list' "
                                                    "shows them", request.id));
        }
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::vector<Request> SqliteStore::list_requests() {
    std::vector<Request> out;
    try {
        auto s = stmt("SELECT q.qid, q.kind, q.sid, s.ref, q.pseudonym, q.received, q.due, "
                      "q.extended_due, q.extension_reason, q.closed, q.selector FROM requests q "
                      "LEFT JOIN subjects s ON s.sid = q.sid ORDER BY q.qid");
        while (s->executeStep()) out.push_back(read_request(*s));
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
}

void SqliteStore::forget_subject_reasons(RowId subject_rowid) {
    require_write("forget_subject_reasons");
    try {
        auto q = stmt("UPDATE requests SET extension_reason = ?1 WHERE sid = ?2 "
                      "AND extension_reason <> '' AND extension_reason <> ?1");
        bind_text(*q, 1, k_reason_removed);
        q->bind(2, subject_rowid);
        q->exec();
        auto h = stmt("UPDATE holds SET reason = ?1 WHERE sid = ?2 AND reason <> ?1");
        bind_text(*h, 1, k_reason_removed);
        h->bind(2, subject_rowid);
        h->exec();
    } catch (const std::exception& e) {
        fail(e);
    }
}

void SqliteStore::forget_orphaned_request_reasons() {
    // A request loses its subject only when the subject is removed (ON DELETE SET NULL). A
    // request registered for a person the store did not hold (selector) never had one.
    auto q = stmt("UPDATE requests SET extension_reason = ?1 WHERE sid IS NULL "
                  "AND selector IS NULL AND extension_reason <> '' AND extension_reason <> ?1");
    bind_text(*q, 1, k_reason_removed);
    q->exec();
}

} // namespace vern::store
