// store_tables(): every table of the current schema with every column, as both backends name
// them (sqlite_schema.cpp, pg_schema.cpp; man vern-store(5)). `vern store copy` moves a store
// table by table in this order: meta first, then parents before the tables that refer to them.
//
// NOTE: a migration that adds a table or a column adds it here too (copy_store_test checks that
// a copied store has the same rows as its source, column for column).

#include "vern/store.hpp"

namespace vern {

const std::vector<StoreTable>& store_tables() {
    static const std::vector<StoreTable> tables = {
        {"meta", {"key", "value"}},
        {"subjects", {"sid", "ref", "created", "emptied"}},
        {"records",
         {"rid", "id", "sid", "category", "created", "fields", "applied", "unlinked", "ingested",
          "case_id"}},
        {"events", {"eid", "scope", "sid", "rid", "kind", "at", "case_id"}},
        {"consents", {"cid", "sid", "purpose", "given", "at"}},
        {"holds", {"hid", "sid", "category", "reason", "placed", "released"}},
        {"requests",
         {"qid", "kind", "sid", "pseudonym", "received", "due", "extended_due", "extension_reason",
          "closed", "selector"}},
        {"erased", {"pseudonym", "at"}},
        {"identifiers", {"rid", "kind", "value"}},
        {"audit",
         {"seq", "at", "user", "command", "action", "rule", "category", "count", "policy_digest",
          "subject", "prev_hash", "hash"}},
        {"outbox",
         {"seq", "notice", "system", "action", "category", "cause", "record_id", "subject_ref",
          "pseudonym", "detail", "created", "attempts", "last_attempt", "last_error", "acked"}},
    };
    return tables;
}

} // namespace vern
