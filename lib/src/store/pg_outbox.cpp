// PgStore: the outbox of deletion notices (the twin of sqlite_outbox.cpp).

#include "pg_store.hpp"
#include "store_common.hpp"

#include <algorithm>
#include <unordered_set>

namespace vern::store {
namespace {

#define NOTICE_COLUMNS                                                                          \
    "seq, notice, system, action, category, cause, record_id, subject_ref, pseudonym, detail, " \
    "created, attempts, last_attempt, last_error, acked"

std::optional<Instant> optional_time(const pg::Result& r, int row, int col) {
    if (r.null(row, col)) return std::nullopt;
    return from_db(r.int64(row, col));
}

std::vector<Notice> read_notices(const pg::Result& r) {
    std::vector<Notice> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        Notice n;
        n.seq = r.int64(i, 0);
        n.notice = r.text(i, 1);
        n.system = r.text(i, 2);
        n.action = r.text(i, 3);
        n.category = r.text(i, 4);
        n.cause = r.text(i, 5);
        n.record_id = r.text(i, 6);
        n.subject_ref = r.text(i, 7);
        n.subject_pseudonym = r.text(i, 8);
        n.detail = r.text(i, 9);
        n.created = from_db(r.int64(i, 10));
        n.attempts = r.int64(i, 11);
        n.last_attempt = optional_time(r, i, 12);
        n.last_error = r.text(i, 13);
        n.acked = optional_time(r, i, 14);
        out.push_back(std::move(n));
    }
    return out;
}

} // namespace

std::int64_t PgStore::add_notices(std::span<const Notice> notices,
                                  std::vector<bool>* added_flags) {
    require_write("add_notices");
    if (added_flags) added_flags->assign(notices.size(), false);
    // One statement per chunk (unnest of column arrays), not one round trip per notice: a
    // nightly purge can write a notice for every record it deletes.
    constexpr std::size_t k_chunk = 2000;
    std::int64_t added = 0;
    for (std::size_t from = 0; from < notices.size(); from += k_chunk) {
        const auto chunk = notices.subspan(from, std::min(k_chunk, notices.size() - from));
        std::vector<std::string> cols[9];
        std::vector<std::int64_t> created;
        for (const Notice& n : chunk) {
            const std::string* values[] = {&n.notice,    &n.system,      &n.action,
                                           &n.category,  &n.cause,       &n.record_id,
                                           &n.subject_ref, &n.subject_pseudonym, &n.detail};
            for (int c = 0; c < 9; ++c) cols[c].push_back(*values[c]);
            created.push_back(to_db(n.created));
        }
        auto r = db().query(
            "INSERT INTO outbox(notice, system, action, category, cause, record_id, subject_ref, "
            "pseudonym, detail, created) "
            "SELECT n, s, a, c, ca, NULLIF(r, ''), NULLIF(sr, ''), NULLIF(p, ''), d, cr "
            "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
            "$7::text[], $8::text[], $9::text[], $10::bigint[]) "
            "AS u(n, s, a, c, ca, r, sr, p, d, cr) "
            "ON CONFLICT (notice) DO NOTHING RETURNING notice",
            {pg::param(pg::array_literal(cols[0])), pg::param(pg::array_literal(cols[1])),
             pg::param(pg::array_literal(cols[2])), pg::param(pg::array_literal(cols[3])),
             pg::param(pg::array_literal(cols[4])), pg::param(pg::array_literal(cols[5])),
             pg::param(pg::array_literal(cols[6])), pg::param(pg::array_literal(cols[7])),
             pg::param(pg::array_literal(cols[8])), pg::param(pg::array_literal(created))});
        added += r.rows();
        if (added_flags && r.rows() > 0) {
            std::unordered_set<std::string> inserted;
            for (int i = 0; i < r.rows(); ++i) inserted.insert(r.text(i, 0));
            for (std::size_t i = 0; i < chunk.size(); ++i) {
                // A repeat of an id within the chunk was not inserted twice: the first is flagged.
                if (inserted.erase(chunk[i].notice) > 0) (*added_flags)[from + i] = true;
            }
        }
    }
    if (added > 0) touched("outbox");
    return added;
}

std::vector<Notice> PgStore::notices(const NoticeQuery& q) {
    auto r = db().query("SELECT " NOTICE_COLUMNS " FROM outbox "
                        "WHERE ($1 = '' OR system = $1) AND ($2 = 0 OR acked IS NULL) "
                        "AND seq > $3 ORDER BY seq LIMIT $4",
                        {pg::param(q.system), pg::param(std::int64_t{q.pending_only ? 1 : 0}),
                         pg::param(q.after_seq),
                         q.limit == 0 ? pg::null_param()
                                      : pg::param(static_cast<std::int64_t>(q.limit))});
    return read_notices(r);
}

std::vector<Notice> PgStore::find_notices(std::span<const std::string> notice_ids) {
    auto r = db().query("SELECT " NOTICE_COLUMNS " FROM outbox WHERE notice = ANY($1::text[]) "
                        "ORDER BY seq",
                        {pg::param(pg::array_literal(notice_ids))});
    return read_notices(r);
}

std::int64_t PgStore::ack_notices(std::span<const std::int64_t> seqs, Instant at) {
    require_write("ack_notices");
    auto r = db().query("UPDATE outbox SET acked = $1, record_id = NULL, subject_ref = NULL "
                        "WHERE seq = ANY($2::bigint[]) AND acked IS NULL",
                        {pg::param(to_db(at)), pg::param(pg::array_literal(seqs))});
    if (r.affected() > 0) touched("outbox");
    return r.affected();
}

void PgStore::record_attempt(std::span<const std::int64_t> seqs, Instant at,
                             std::string_view error) {
    require_write("record_attempt");
    db().query("UPDATE outbox SET attempts = attempts + 1, last_attempt = $1, last_error = $2 "
               "WHERE seq = ANY($3::bigint[]) AND acked IS NULL",
               {pg::param(to_db(at)), pg::param(error), pg::param(pg::array_literal(seqs))});
}

OutboxStats PgStore::outbox_stats(std::string_view system, Instant overdue_before) {
    OutboxStats st;
    auto p = db().query("SELECT count(*), count(*) FILTER (WHERE created < $2), min(created), "
                        "count(*) FILTER (WHERE attempts > 0) "
                        "FROM outbox WHERE system = $1 AND acked IS NULL",
                        {pg::param(system), pg::param(to_db(overdue_before))});
    st.pending = p.int64(0, 0);
    st.overdue = p.int64(0, 1);
    st.oldest_pending = optional_time(p, 0, 2);
    st.failed = p.int64(0, 3);
    auto a = db().query("SELECT count(*), max(acked) FROM outbox "
                        "WHERE system = $1 AND acked IS NOT NULL",
                        {pg::param(system)});
    st.acked = a.int64(0, 0);
    st.last_acked = optional_time(a, 0, 1);
    auto e = db().query("SELECT last_error FROM outbox WHERE system = $1 AND acked IS NULL "
                        "AND last_error IS NOT NULL ORDER BY last_attempt DESC, seq DESC LIMIT 1",
                        {pg::param(system)});
    if (e.rows() > 0) st.last_error = e.text(0, 0);
    return st;
}

std::vector<Notice> PgStore::subject_notices(std::string_view pseudonym) {
    auto r = db().query("SELECT " NOTICE_COLUMNS " FROM outbox WHERE pseudonym = $1 ORDER BY seq",
                        {pg::param(pseudonym)});
    return read_notices(r);
}

} // namespace vern::store
