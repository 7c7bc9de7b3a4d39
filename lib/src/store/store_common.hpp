#pragma once
// What the store backends (SQLite, PostgreSQL) share: how values are stored (times, applied
// rules), the keyed pseudonyms, the secret key, the fresh ids of unlinked records and which
// identifier rows a record's fields give; and which records of a scan need their subject's
// history. One definition each, so the backends cannot drift.
//
// NOTE: the values, pseudonyms, keys and identifier rows are persisted (man vern-store(5)); never
// change their computation.

#include "vern/policy.hpp"
#include "vern/store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace vern::store {

// Times as stored: Unix seconds.
inline std::int64_t to_db(Instant t) { return t.time_since_epoch().count(); }
inline Instant from_db(std::int64_t s) { return Instant{std::chrono::seconds{s}}; }

// JSON array text <-> sorted string list (applied rules). identifiers.cpp
std::string rules_to_json(const std::vector<std::string>& rules);
std::vector<std::string> rules_from_json(const std::string& text);

// The store's secret key (meta `secret_key`, 64 hex digits) as 32 raw bytes; `hex` is wiped.
// Error(io) naming `store` when it is not a valid key. store_common.cpp
std::string decode_secret_key(std::string hex, const std::string& store);

// Store::pseudonym: lower-case hex HMAC-SHA-256 of `data` keyed with the raw secret key.
std::string keyed_pseudonym(const std::string& secret, std::string_view data);

// A fresh random id of an unlinked record: "anon-" and 16 hex digits.
std::string random_unlinked_id();

// One row of the identifiers table derived from a record's fields.
struct IdentifierRow {
    const char* kind; // identifier_kind_name()
    std::string value; // normalize_identifier(); never empty
};

// The identifier rows of a record with these fields: each field named in `ids` whose value is a
// string or an integer, normalised, unless that leaves nothing. identifiers.cpp
void identifier_rows(const Identifiers& ids, const nlohmann::json& fields,
                     std::vector<IdentifierRow>& out);

// RecordScan::history_categories as a predicate on a record's category (both scans).
class HistoryFilter {
  public:
    explicit HistoryFilter(const RecordScan& scan) : m_all(!scan.history_categories) {
        if (!m_all) {
            m_categories.insert(scan.history_categories->begin(), scan.history_categories->end());
        }
    }
    bool operator()(std::string_view category) const {
        return m_all || m_categories.count(category) != 0;
    }

  private:
    bool m_all;
    std::set<std::string, std::less<>> m_categories;
};

} // namespace vern::store
