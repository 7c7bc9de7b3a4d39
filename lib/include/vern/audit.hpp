#pragma once
// The audit log (SPEC section 7): an append-only, hash-chained log of everything vern changed or
// disclosed. It holds no personal data: subjects appear only as keyed pseudonyms
// (Store::pseudonym), never refs, names or field values.
//
// Entries are appended with Store::append_audit() in the same transaction as the change they
// record; read back with Store::read_audit().
//
// NOTE: the canonical form and the hash are persisted and recomputed by `vern audit verify`
// (man vern-store(5), "AUDIT HASH CHAIN"). Never change them for existing entries; a new form
// needs a new version tag.

#include "vern/time.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace vern {

// One entry as the caller describes it. Empty strings mean "not applicable".
struct AuditEntry {
    Instant at{};              // when the change was made (the command's now)
    std::string user;          // OS user running vern (current_os_user())
    std::string command;       // "ingest", "purge", "erase", "consent", "hold", "access", ...
    std::string action;        // "ingest", "delete", "anonymize", "erase", "withdraw", ...
    std::string rule;          // policy rule id, if a rule caused it
    std::string category;      // category id
    std::int64_t count = 0;    // number of records concerned
    std::string policy_digest; // Policy::digest (hex SHA-256 of the policy files)
    std::string subject;       // Store::pseudonym(ref), or empty
};

// An entry as stored: its position and chain hashes.
struct StoredAuditEntry {
    std::int64_t seq = 0;      // 1, 2, 3, ... in append order
    AuditEntry entry;
    std::string prev_hash;     // hash of entry seq-1 (k_audit_genesis for the first)
    std::string hash;          // audit_hash(prev_hash, seq, entry)
};

// The prev_hash of the first entry: 64 '0' characters.
inline constexpr std::string_view k_audit_genesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The canonical byte string of an entry: the version tag "vern-audit-1" then seq, at (Unix
// seconds), user, command, action, rule, category, count, policy_digest, subject, each written as
// a netstring "<decimal byte length>:<bytes>," (integers in decimal).
std::string audit_canonical(std::int64_t seq, const AuditEntry& entry);

// Lower-case hex SHA-256 of prev_hash (64 hex characters, as ASCII) followed by
// audit_canonical(seq, entry).
std::string audit_hash(std::string_view prev_hash, std::int64_t seq, const AuditEntry& entry);

// The OS user name of the effective uid (getpwuid(geteuid())), or "uid N" if it has no name.
std::string current_os_user();

} // namespace vern
