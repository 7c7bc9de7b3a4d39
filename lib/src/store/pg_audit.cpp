// PgStore: appending to and reading the hash-chained audit log (the twin of sqlite_audit.cpp).

#include "pg_store.hpp"
#include "store_common.hpp"

#include <fmt/core.h>

#include <atomic>

namespace vern::store {
namespace {

constexpr int k_audit_fetch = 10000; // rows per FETCH of read_audit's cursor

} // namespace

std::int64_t PgStore::append_audit(const AuditEntry& entry) {
    require_write("append_audit");
    // The append lock taken by begin_write serialises the appenders: the head read here stays
    // the head until this transaction ends.
    std::int64_t seq = 1;
    std::string prev(k_audit_genesis);
    {
        auto last = db().query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
        if (!last.empty()) {
            seq = last.int64(0, 0) + 1;
            prev = last.text(0, 1);
        }
    }
    db().query("INSERT INTO audit(seq, at, \"user\", command, action, rule, category, count, "
               "policy_digest, subject, prev_hash, hash) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
               {pg::param(seq), pg::param(to_db(entry.at)), pg::param(entry.user),
                pg::param(entry.command), pg::param(entry.action), pg::param(entry.rule),
                pg::param(entry.category), pg::param(entry.count),
                pg::param(entry.policy_digest), pg::param(entry.subject), pg::param(prev),
                pg::param(audit_hash(prev, seq, entry))});
    return seq;
}

void PgStore::read_audit(std::int64_t after_seq,
                         const std::function<bool(const StoredAuditEntry&)>& on_entry) {
    // The log can hold millions of entries: a server-side cursor, FETCHed in chunks, inside the
    // open transaction or, without one, a snapshot of its own.
    static std::atomic<unsigned> cursors{0}; // unique names, also for a nested read_audit
    const std::string cursor = fmt::format("vern_audit_{}", ++cursors);
    const bool own = !m_in_transaction;
    if (own) db().exec_script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    try {
        db().exec_script(fmt::format(
            "DECLARE {} NO SCROLL CURSOR FOR SELECT seq, at, \"user\", command, action, rule, "
            "category, count, policy_digest, subject, prev_hash, hash FROM audit WHERE seq > {} "
            "ORDER BY seq",
            cursor, after_seq));
        const std::string fetch = fmt::format("FETCH {} FROM {}", k_audit_fetch, cursor);
        bool more = true;
        while (more) {
            auto r = db().query_dynamic(fetch, {});
            for (int i = 0; i < r.rows() && more; ++i) {
                StoredAuditEntry e;
                e.seq = r.int64(i, 0);
                e.entry.at = from_db(r.int64(i, 1));
                e.entry.user = r.text(i, 2);
                e.entry.command = r.text(i, 3);
                e.entry.action = r.text(i, 4);
                e.entry.rule = r.text(i, 5);
                e.entry.category = r.text(i, 6);
                e.entry.count = r.int64(i, 7);
                e.entry.policy_digest = r.text(i, 8);
                e.entry.subject = r.text(i, 9);
                e.prev_hash = r.text(i, 10);
                e.hash = r.text(i, 11);
                more = on_entry(e);
            }
            if (r.rows() < k_audit_fetch) more = false;
        }
        db().exec_script("CLOSE " + cursor);
        if (own) db().exec_script("COMMIT");
    } catch (...) {
        if (!db().broken()) {
            try {
                db().exec_script(own ? std::string("ROLLBACK") : "CLOSE " + cursor);
            } catch (...) {
                // An aborted transaction: the caller's rollback closes the cursor.
            }
        }
        throw;
    }
}

std::pair<std::int64_t, std::string> PgStore::audit_head() {
    auto last = db().query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (!last.empty()) return {last.int64(0, 0), last.text(0, 1)};
    return {0, std::string(k_audit_genesis)};
}

} // namespace vern::store
