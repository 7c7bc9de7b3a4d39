// SqliteStore: appending to and reading the hash-chained audit log.

#include "sqlite_store.hpp"

#include <fmt/core.h>

namespace vern::store {

std::int64_t SqliteStore::append_audit(const AuditEntry& entry) {
    require_write("append_audit");
    try {
        std::int64_t seq = 1;
        std::string prev(k_audit_genesis);
        {
            auto last = stmt("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
            if (last->executeStep()) {
                seq = last->getColumn(0).getInt64() + 1;
                prev = last->getColumn(1).getString();
            }
        }
        auto s = stmt("INSERT INTO audit(seq, at, user, command, action, rule, category, count, "
                      "policy_digest, subject, prev_hash, hash) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s->bind(1, seq);
        s->bind(2, to_db(entry.at));
        s->bind(3, entry.user);
        s->bind(4, entry.command);
        s->bind(5, entry.action);
        s->bind(6, entry.rule);
        s->bind(7, entry.category);
        s->bind(8, entry.count);
        s->bind(9, entry.policy_digest);
        s->bind(10, entry.subject);
        s->bind(11, prev);
        s->bind(12, audit_hash(prev, seq, entry));
        s->exec();
        return seq;
    } catch (const std::exception& e) {
        fail(e);
    }
}

void SqliteStore::read_audit(std::int64_t after_seq,
                             const std::function<bool(const StoredAuditEntry&)>& on_entry) {
    try {
        SQLite::Statement s(*m_db, "SELECT seq, at, user, command, action, rule, category, count, "
                                   "policy_digest, subject, prev_hash, hash FROM audit "
                                   "WHERE seq > ? ORDER BY seq");
        s.bind(1, after_seq);
        while (s.executeStep()) {
            StoredAuditEntry e;
            e.seq = s.getColumn(0).getInt64();
            e.entry.at = from_db(s.getColumn(1).getInt64());
            e.entry.user = s.getColumn(2).getString();
            e.entry.command = s.getColumn(3).getString();
            e.entry.action = s.getColumn(4).getString();
            e.entry.rule = s.getColumn(5).getString();
            e.entry.category = s.getColumn(6).getString();
            e.entry.count = s.getColumn(7).getInt64();
            e.entry.policy_digest = s.getColumn(8).getString();
            e.entry.subject = s.getColumn(9).getString();
            e.prev_hash = s.getColumn(10).getString();
            e.hash = s.getColumn(11).getString();
            if (!on_entry(e)) break;
        }
    } catch (const std::exception& e) {
        fail(e);
    }
}

std::pair<std::int64_t, std::string> SqliteStore::audit_head() {
    try {
        auto last = stmt("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
        if (last->executeStep()) {
            return {last->getColumn(0).getInt64(), last->getColumn(1).getString()};
        }
        return {0, std::string(k_audit_genesis)};
    } catch (const std::exception& e) {
        fail(e);
    }
}

} // namespace vern::store
