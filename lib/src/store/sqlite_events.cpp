// SqliteStore: events and consents.

#include "sqlite_store.hpp"

#include <fmt/core.h>

namespace vern::store {

bool SqliteStore::add_event(const Event& event) {
    require_write("add_event");
    try {
        auto s = stmt("INSERT INTO events(scope, sid, rid, kind, at, case_id) "
                      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
        s->bind(1, event_scope_name(event.scope));
        if (event.scope == EventScope::subject) {
            s->bind(2, event.subject_rowid);
        } else {
            s->bind(2);
        }
        if (event.scope == EventScope::record) {
            s->bind(3, event.record_rowid);
        } else {
            s->bind(3);
        }
        s->bindNoCopy(4, event.kind);
        s->bind(5, to_db(event.at));
        if (event.scope == EventScope::subject && !event.case_id.empty()) {
            s->bindNoCopy(6, event.case_id);
        } else {
            s->bind(6);
        }
        return s->exec() > 0;
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::vector<Event> SqliteStore::subject_events(RowId subject_rowid) {
    restore_indexes();
    std::vector<Event> out;
    try {
        auto s = stmt("SELECT scope, ifnull(sid, 0), ifnull(rid, 0), kind, at, "
                      "ifnull(case_id, '') FROM events WHERE sid = ?1 UNION ALL "
                      "SELECT e.scope, 0, e.rid, e.kind, e.at, '' FROM events e "
                      "JOIN records r ON r.rid = e.rid WHERE r.sid = ?1 ORDER BY 5, 4, 6");
        s->bind(1, subject_rowid);
        while (s->executeStep()) {
            Event e;
            std::string scope = s->getColumn(0).getString();
            e.scope = scope == "record" ? EventScope::record : EventScope::subject;
            e.subject_rowid = s->getColumn(1).getInt64();
            e.record_rowid = s->getColumn(2).getInt64();
            e.kind = s->getColumn(3).getString();
            e.at = from_db(s->getColumn(4).getInt64());
            e.case_id = s->getColumn(5).getString();
            out.push_back(std::move(e));
        }
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
}

std::map<std::string, Instant> SqliteStore::latest_global_events(Instant now) {
    restore_indexes();
    std::map<std::string, Instant> out;
    try {
        auto s = stmt("SELECT kind, max(at) FROM events WHERE scope = 'global' AND at <= ? "
                      "GROUP BY kind");
        s->bind(1, to_db(now));
        while (s->executeStep()) {
            out[s->getColumn(0).getString()] = from_db(s->getColumn(1).getInt64());
        }
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
}

bool SqliteStore::add_consent(RowId subject_rowid, const ConsentChange& change) {
    require_write("add_consent");
    try {
        auto s = stmt("INSERT INTO consents(sid, purpose, given, at) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT DO NOTHING");
        s->bind(1, subject_rowid);
        s->bindNoCopy(2, change.purpose);
        s->bind(3, change.given ? 1 : 0);
        s->bind(4, to_db(change.at));
        return s->exec() > 0;
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::vector<ConsentChange> SqliteStore::consent_history(RowId subject_rowid) {
    std::vector<ConsentChange> out;
    try {
        auto s = stmt("SELECT purpose, given, at FROM consents WHERE sid = ? "
                      "ORDER BY at, purpose, given DESC");
        s->bind(1, subject_rowid);
        while (s->executeStep()) {
            out.push_back(ConsentChange{s->getColumn(0).getString(), s->getColumn(1).getInt() != 0,
                                        from_db(s->getColumn(2).getInt64())});
        }
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
}

bool SqliteStore::consent_active(RowId subject_rowid, std::string_view purpose, Instant now) {
    try {
        // The latest change at or before now; at the same instant a withdrawal (given = 0) wins.
        auto s = stmt("SELECT given FROM consents WHERE sid = ? AND purpose = ? AND at <= ? "
                      "ORDER BY at DESC, given ASC LIMIT 1");
        s->bind(1, subject_rowid);
        bind_text(*s, 2, purpose);
        s->bind(3, to_db(now));
        return s->executeStep() && s->getColumn(0).getInt() != 0;
    } catch (const std::exception& e) {
        fail(e);
    }
}

bool SqliteStore::consent_withdrawn(RowId subject_rowid, std::string_view purpose, Instant now) {
    try {
        auto s = stmt("SELECT given FROM consents WHERE sid = ? AND purpose = ? AND at <= ? "
                      "ORDER BY at DESC, given ASC LIMIT 1");
        s->bind(1, subject_rowid);
        bind_text(*s, 2, purpose);
        s->bind(3, to_db(now));
        return s->executeStep() && s->getColumn(0).getInt() == 0;
    } catch (const std::exception& e) {
        fail(e);
    }
}

} // namespace vern::store
