#pragma once
// Audit entries of the rights commands (names listed in vern/rights.hpp and vern/requests.hpp).

#include "vern/audit.hpp"
#include "vern/policy.hpp"

#include <cstdint>
#include <string>

namespace vern::rights {

inline AuditEntry audit_entry(const Policy& policy, Instant now, std::string command,
                              std::string action, std::string pseudonym,
                              std::string category = {}, std::int64_t count = 0,
                              std::string rule = {}) {
    AuditEntry e;
    e.at = now;
    e.user = current_os_user();
    e.command = std::move(command);
    e.action = std::move(action);
    e.rule = std::move(rule);
    e.category = std::move(category);
    e.count = count;
    e.policy_digest = policy.digest;
    e.subject = std::move(pseudonym);
    return e;
}

// The audit "rule" of a consent change: "consent:PURPOSE".
inline std::string consent_rule(const std::string& purpose) { return "consent:" + purpose; }

} // namespace vern::rights
