// SqliteStore: the outbox of deletion notices (schema version 5, man vern-store(5)).

#include "sqlite_store.hpp"

#include <algorithm>

namespace vern::store {
namespace {

#define NOTICE_COLUMNS                                                                          \
    "seq, notice, system, action, category, cause, record_id, subject_ref, pseudonym, detail, " \
    "created, attempts, last_attempt, last_error, acked"

std::string text_or_empty(const SQLite::Column& c) {
    return c.isNull() ? std::string() : c.getString();
}

std::optional<Instant> optional_time(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return from_db(c.getInt64());
}

Notice read_notice(SQLite::Statement& s) {
    Notice n;
    n.seq = s.getColumn(0).getInt64();
    n.notice = s.getColumn(1).getString();
    n.system = s.getColumn(2).getString();
    n.action = s.getColumn(3).getString();
    n.category = s.getColumn(4).getString();
    n.cause = s.getColumn(5).getString();
    n.record_id = text_or_empty(s.getColumn(6));
    n.subject_ref = text_or_empty(s.getColumn(7));
    n.subject_pseudonym = text_or_empty(s.getColumn(8));
    n.detail = s.getColumn(9).getString();
    n.created = from_db(s.getColumn(10).getInt64());
    n.attempts = s.getColumn(11).getInt64();
    n.last_attempt = optional_time(s.getColumn(12));
    n.last_error = text_or_empty(s.getColumn(13));
    n.acked = optional_time(s.getColumn(14));
    return n;
}

void bind_text_or_null(SQLite::Statement& s, int index, const std::string& value) {
    if (value.empty()) {
        s.bind(index);
    } else {
        s.bind(index, value);
    }
}

} // namespace

std::int64_t SqliteStore::add_notices(std::span<const Notice> notices,
                                      std::vector<bool>* added_flags) {
    require_write("add_notices");
    if (added_flags) added_flags->assign(notices.size(), false);
    std::int64_t added = 0;
    std::size_t i = 0;
    try {
        auto s = stmt("INSERT INTO outbox(notice, system, action, category, cause, record_id, "
                      "subject_ref, pseudonym, detail, created) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(notice) DO NOTHING");
        for (const Notice& n : notices) {
            s->reset();
            s->clearBindings();
            s->bind(1, n.notice);
            s->bind(2, n.system);
            s->bind(3, n.action);
            s->bind(4, n.category);
            s->bind(5, n.cause);
            bind_text_or_null(*s, 6, n.record_id);
            bind_text_or_null(*s, 7, n.subject_ref);
            bind_text_or_null(*s, 8, n.subject_pseudonym);
            s->bind(9, n.detail);
            s->bind(10, to_db(n.created));
            const int n_added = s->exec();
            added += n_added;
            if (added_flags && n_added > 0) (*added_flags)[i] = true;
            ++i;
        }
    } catch (const std::exception& e) {
        fail(e);
    }
    return added;
}

std::vector<Notice> SqliteStore::notices(const NoticeQuery& q) {
    std::vector<Notice> out;
    try {
        auto s = stmt("SELECT " NOTICE_COLUMNS " FROM outbox "
                      "WHERE (?1 = '' OR system = ?1) AND (?2 = 0 OR acked IS NULL) AND seq > ?3 "
                      "ORDER BY seq LIMIT ?4");
        s->bind(1, q.system);
        s->bind(2, q.pending_only ? 1 : 0);
        s->bind(3, q.after_seq);
        s->bind(4, q.limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(q.limit));
        while (s->executeStep()) out.push_back(read_notice(*s));
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
}

std::vector<Notice> SqliteStore::find_notices(std::span<const std::string> notice_ids) {
    std::vector<Notice> out;
    try {
        auto s = stmt("SELECT " NOTICE_COLUMNS " FROM outbox WHERE notice = ?");
        for (const std::string& id : notice_ids) {
            s->reset();
            s->clearBindings();
            s->bind(1, id);
            if (s->executeStep()) out.push_back(read_notice(*s));
        }
    } catch (const std::exception& e) {
        fail(e);
    }
    std::sort(out.begin(), out.end(), [](const Notice& a, const Notice& b) { return a.seq < b.seq; });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const Notice& a, const Notice& b) { return a.seq == b.seq; }),
              out.end());
    return out;
}

std::int64_t SqliteStore::ack_notices(std::span<const std::int64_t> seqs, Instant at) {
    require_write("ack_notices");
    std::int64_t changed = 0;
    try {
        auto s = stmt("UPDATE outbox SET acked = ?, record_id = NULL, subject_ref = NULL "
                      "WHERE seq = ? AND acked IS NULL");
        for (std::int64_t seq : seqs) {
            s->reset();
            s->bind(1, to_db(at));
            s->bind(2, seq);
            changed += s->exec();
        }
    } catch (const std::exception& e) {
        fail(e);
    }
    return changed;
}

void SqliteStore::record_attempt(std::span<const std::int64_t> seqs, Instant at,
                                 std::string_view error) {
    require_write("record_attempt");
    try {
        auto s = stmt("UPDATE outbox SET attempts = attempts + 1, last_attempt = ?, "
                      "last_error = ? WHERE seq = ? AND acked IS NULL");
        for (std::int64_t seq : seqs) {
            s->reset();
            s->bind(1, to_db(at));
            s->bind(2, std::string(error));
            s->bind(3, seq);
            s->exec();
        }
    } catch (const std::exception& e) {
        fail(e);
    }
}

OutboxStats SqliteStore::outbox_stats(std::string_view system, Instant overdue_before) {
    OutboxStats st;
    try {
        auto p = stmt("SELECT count(*), sum(created < ?2), min(created), sum(attempts > 0) "
                      "FROM outbox WHERE system = ?1 AND acked IS NULL");
        p->bind(1, std::string(system));
        p->bind(2, to_db(overdue_before));
        if (p->executeStep()) {
            st.pending = p->getColumn(0).getInt64();
            st.overdue = p->getColumn(1).isNull() ? 0 : p->getColumn(1).getInt64();
            st.oldest_pending = optional_time(p->getColumn(2));
            st.failed = p->getColumn(3).isNull() ? 0 : p->getColumn(3).getInt64();
        }
        p->reset();
        auto a = stmt("SELECT count(*), max(acked) FROM outbox "
                      "WHERE system = ? AND acked IS NOT NULL");
        a->bind(1, std::string(system));
        if (a->executeStep()) {
            st.acked = a->getColumn(0).getInt64();
            st.last_acked = optional_time(a->getColumn(1));
        }
        a->reset();
        auto e = stmt("SELECT last_error FROM outbox WHERE system = ? AND acked IS NULL "
                      "AND last_error IS NOT NULL ORDER BY last_attempt DESC, seq DESC LIMIT 1");
        e->bind(1, std::string(system));
        if (e->executeStep()) st.last_error = e->getColumn(0).getString();
        e->reset();
    } catch (const std::exception& ex) {
        fail(ex);
    }
    return st;
}

std::vector<Notice> SqliteStore::subject_notices(std::string_view pseudonym) {
    std::vector<Notice> out;
    try {
        auto s = stmt("SELECT " NOTICE_COLUMNS " FROM outbox WHERE pseudonym = ? ORDER BY seq");
        s->bind(1, std::string(pseudonym));
        while (s->executeStep()) out.push_back(read_notice(*s));
    } catch (const std::exception& e) {
        fail(e);
    }
    return out;
}

} // namespace vern::store
