// Recomputing the audit log's hash chain (`vern audit verify`).

#include "vern/audit_verify.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

namespace vern {

const char* chain_problem_name(ChainProblem p) {
    switch (p) {
    case ChainProblem::none:
        return "none";
    case ChainProblem::changed:
        return "changed";
    case ChainProblem::removed:
        return "removed";
    case ChainProblem::reordered:
        return "reordered";
    case ChainProblem::truncated:
        return "truncated";
    }
    return "none";
}

bool is_audit_hash(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return std::isxdigit(static_cast<unsigned char>(c)) != 0;
           });
}

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Checks one entry against the chain so far; fills `result` and returns false at the first fault.
bool check_entry(const StoredAuditEntry& e, std::int64_t expected_seq, const std::string& prev,
                 ChainVerification& result) {
    auto broken = [&](ChainProblem p, std::int64_t seq, std::string message) {
        result.intact = false;
        result.problem = p;
        result.bad_seq = seq;
        result.message = std::move(message);
        return false;
    };
    if (e.seq != expected_seq) {
        if (expected_seq == 1) {
            return broken(ChainProblem::removed, 1,
                          fmt::format("entry 1 is missing: the log begins at entry {} (entries "
                                      "were removed from its start)",
                                      e.seq));
        }
        return broken(ChainProblem::removed, expected_seq,
                      fmt::format("entry {} is missing: the log jumps from entry {} to entry {} "
                                  "(entries were removed)",
                                  expected_seq, expected_seq - 1, e.seq));
    }
    if (e.prev_hash != prev) {
        if (e.seq == 1) {
            return broken(ChainProblem::reordered, 1,
                          "entry 1 does not start the chain: its prev_hash is not the genesis "
                          "hash (entries were removed, reordered or inserted)");
        }
        return broken(ChainProblem::reordered, e.seq,
                      fmt::format("entry {} does not follow entry {}: its prev_hash is not the "
                                  "hash of entry {} (entries were removed, reordered or inserted)",
                                  e.seq, e.seq - 1, e.seq - 1));
    }
    if (audit_hash(e.prev_hash, e.seq, e.entry) != e.hash) {
        return broken(
            ChainProblem::changed, e.seq,
            fmt::format("entry {} was changed: its hash does not match its contents", e.seq));
    }
    return true;
}

} // namespace

ChainVerification verify_audit_chain(Store& store, const std::optional<std::string>& expect_head) {
    ChainVerification result;
    result.head = std::string(k_audit_genesis);
    const std::string wanted = expect_head ? lower(*expect_head) : std::string();
    std::int64_t expected_seq = 1;
    std::string prev(k_audit_genesis);
    store.read_audit(0, [&](const StoredAuditEntry& e) {
        if (!check_entry(e, expected_seq, prev, result)) {
            return false;
        }
        ++result.entries;
        result.head_seq = e.seq;
        result.head = e.hash;
        if (expect_head && e.hash == wanted) {
            result.expected_head_seq = e.seq;
        }
        prev = e.hash;
        ++expected_seq;
        return true;
    });
    if (!result.intact || !expect_head) {
        return result;
    }
    if (wanted == k_audit_genesis) {
        result.appended_since = result.head_seq; // the head of an empty log: every chain's start
        return result;
    }
    if (result.expected_head_seq == 0) {
        result.intact = false;
        result.problem = ChainProblem::truncated;
        result.message = fmt::format(
            "the expected head {} is not in the chain, whose head is entry {} ({}): entries were "
            "removed from its end, or the log was rewritten",
            wanted, result.head_seq, result.head);
        return result;
    }
    result.appended_since = result.head_seq - result.expected_head_seq;
    return result;
}

} // namespace vern
