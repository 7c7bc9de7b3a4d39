// The audit log's canonical form and hash chain (audit.hpp; man vern-store(5), AUDIT HASH CHAIN).
//
// NOTE: persisted and recomputed by `vern audit verify`; never change for "vern-audit-1".

#include "vern/audit.hpp"

#include <sodium.h>

#include <pwd.h>
#include <unistd.h>

namespace vern {
namespace {

void netstring(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
    out += ',';
}

} // namespace

std::string audit_canonical(std::int64_t seq, const AuditEntry& e) {
    std::string out;
    out.reserve(256);
    netstring(out, "vern-audit-1");
    netstring(out, std::to_string(seq));
    netstring(out, std::to_string(e.at.time_since_epoch().count()));
    netstring(out, e.user);
    netstring(out, e.command);
    netstring(out, e.action);
    netstring(out, e.rule);
    netstring(out, e.category);
    netstring(out, std::to_string(e.count));
    netstring(out, e.policy_digest);
    netstring(out, e.subject);
    return out;
}

std::string audit_hash(std::string_view prev_hash, std::int64_t seq, const AuditEntry& entry) {
    std::string canonical = audit_canonical(seq, entry);
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(prev_hash.data()),
                              prev_hash.size());
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(canonical.data()),
                              canonical.size());
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, digest);
    char hex[2 * sizeof digest + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

std::string current_os_user() {
    uid_t uid = ::geteuid();
    if (const passwd* pw = ::getpwuid(uid); pw != nullptr && pw->pw_name != nullptr) {
        return pw->pw_name;
    }
    return "uid " + std::to_string(uid);
}

} // namespace vern
