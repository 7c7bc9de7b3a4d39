#pragma once
// Verifying the audit log's hash chain (SPEC section 7, `vern audit verify`).
//
// The chain is recomputed from the entries as stored (Store::read_audit): entry N must have
// seq N (1, 2, 3, ... without gaps), prev_hash equal to the hash of entry N-1 (k_audit_genesis for
// entry 1), and hash equal to audit_hash(prev_hash, N, entry). The first entry that breaks one of
// these is reported; nothing after it is trusted. A truncated tail (the last entries removed)
// leaves a valid shorter chain: only a head hash kept elsewhere detects it (`expect_head`).

#include "vern/store.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace vern {

// What is wrong with the chain. NOTE: the names are a format users rely on (audit verify JSON
// "problem").
enum class ChainProblem {
    none,
    changed,   // an entry's hash does not match its contents: the entry was edited
    removed,   // a sequence number is missing: entries were removed
    reordered, // an entry's prev_hash is not the previous entry's hash: entries were removed,
               // reordered or inserted
    truncated, // the expected head is not in the chain: entries were removed from its end, or
               // the log was rewritten
};
const char* chain_problem_name(ChainProblem p); // "none" | "changed" | "removed" | ...

struct ChainVerification {
    bool intact = true;
    std::int64_t entries = 0;  // entries read (up to the first bad one when broken)
    std::int64_t head_seq = 0; // seq of the last entry (0 for an empty log)
    std::string head;          // its hash (k_audit_genesis for an empty log)
    ChainProblem problem = ChainProblem::none;
    std::int64_t bad_seq = 0; // the first bad entry (with changed/removed/reordered)
    std::string message;      // for people, e.g. "entry 5 was changed: ..."
    // With expect_head: the seq of the entry whose hash it is (0 when not found). Entries after
    // it were appended since the head was noted, which is how the log grows.
    std::int64_t expected_head_seq = 0;
    std::int64_t appended_since = 0; // head_seq - expected_head_seq when found
};

// REQUIRES: expect_head, if given, is 64 lower-case hex characters (is_audit_hash()).
// Reads only (call it inside a ReadTransaction for one snapshot). Throws Error(io) for store
// errors; a broken chain is a result, not an exception.
ChainVerification verify_audit_chain(Store& store,
                                     const std::optional<std::string>& expect_head = {});

// True for 64 hex characters (either case).
bool is_audit_hash(std::string_view text);

} // namespace vern
