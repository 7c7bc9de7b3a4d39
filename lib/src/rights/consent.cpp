// Consent: give, withdraw (deleting the records that rested on it, in the same transaction), list.

#include "vern/rights.hpp"

#include "rights_audit.hpp"
#include "vern/outbox.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <set>

namespace vern {
namespace {

void check_purpose(const Policy& policy, const std::string& purpose) {
    auto purposes = consent_purposes(policy);
    if (std::find(purposes.begin(), purposes.end(), purpose) != purposes.end()) return;
    std::string known;
    for (const auto& p : purposes)
        known += (known.empty() ? "" : ", ") + p;
    throw Error(Code::data, fmt::format("unknown consent purpose \"{}\"; the policy's purposes "
                                        "are: {}",
                                        purpose, known.empty() ? "(none)" : known));
}

void check_time(const Policy& policy, Instant at, Instant now) {
    if (at > now) {
        throw Error(Code::data, fmt::format("--at {} is in the future (now is {})",
                                            format_local(at, policy.info.zone),
                                            format_local(now, policy.info.zone)));
    }
}

} // namespace

std::vector<std::string> consent_purposes(const Policy& policy) {
    std::set<std::string> purposes;
    for (const auto& c : policy.categories) {
        if (!c.consent_purpose.empty()) purposes.insert(c.consent_purpose);
    }
    for (const auto& r : policy.rules) {
        if (!r.if_consent.empty()) purposes.insert(r.if_consent);
        if (!r.unless_consent.empty()) purposes.insert(r.unless_consent);
    }
    return {purposes.begin(), purposes.end()};
}

ConsentResult give_consent(Store& store, const Policy& policy, const std::string& ref,
                           const std::string& purpose, Instant at, Instant now) {
    check_purpose(policy, purpose);
    check_time(policy, at, now);
    ConsentResult result;
    result.subject = ref;
    result.purpose = purpose;
    result.given = true;
    result.at = at;
    const std::string pseudonym = store.pseudonym(ref);
    WriteTransaction tx(store);
    if (store.is_erased(pseudonym)) {
        throw Error(Code::data, fmt::format("subject '{}' was erased; vern does not record data "
                                            "about an erased subject again",
                                            ref));
    }
    auto [subject, created] = store.ensure_subject(ref, now);
    result.subject_created = created;
    result.recorded = store.add_consent(subject.rowid, {purpose, true, at});
    if (result.recorded) {
        store.append_audit(rights::audit_entry(policy, now, "consent", "give", pseudonym, {}, 0,
                                               rights::consent_rule(purpose)));
    }
    tx.commit();
    return result;
}

ConsentResult apply_consent_withdrawal(Store& store, const Policy& policy, const Subject& subject,
                                       const std::string& purpose, Instant at, Instant now,
                                       const std::string& command) {
    ConsentResult result;
    result.subject = subject.ref;
    result.purpose = purpose;
    result.given = false;
    result.at = at;
    const std::string pseudonym = store.pseudonym(subject.ref);
    result.recorded = store.add_consent(subject.rowid, {purpose, false, at});
    store.mark_kept(subject.rowid); // the withdrawal must outlive the records it deleted

    std::vector<std::string> categories;
    for (const auto& c : policy.categories) {
        if (c.consent_purpose == purpose) categories.push_back(c.id);
    }
    std::vector<RowId> doomed;
    NoticeWriter notices(store, policy, now);
    if (!categories.empty() && at <= now) {
        RecordScan scan;
        scan.now = now;
        scan.subject_rowid = subject.rowid;
        scan.categories = categories;
        store.scan_records(scan, [&](std::span<const ScannedRecord> batch) {
            for (const auto& r : batch) {
                if (r.held) {
                    ++result.held;
                    continue;
                }
                doomed.push_back(r.record.rowid);
                notices.deleted(r.record, rights::consent_rule(purpose));
                ++result.deleted[r.record.category];
            }
            return true;
        });
    }
    result.deleted_total = store.delete_records(doomed);
    if (!result.recorded && result.deleted_total == 0) return result; // nothing changed
    store.append_audit(rights::audit_entry(policy, now, command, "withdraw", pseudonym, {},
                                           result.deleted_total, rights::consent_rule(purpose)));
    for (const auto& [category, count] : result.deleted) {
        store.append_audit(
            rights::audit_entry(policy, now, command, "delete", pseudonym, category, count));
    }
    result.notified = notices.flush(rights::audit_entry(policy, now, command, "", pseudonym));
    return result;
}

ConsentResult withdraw_consent(Store& store, const Policy& policy, const std::string& ref,
                               const std::string& purpose, Instant at, Instant now) {
    check_purpose(policy, purpose);
    check_time(policy, at, now);
    ConsentResult result;
    {
        WriteTransaction tx(store);
        auto subject = store.find_subject(ref);
        if (!subject) {
            throw Error(Code::problem, fmt::format("no subject with ref '{}' in the store", ref));
        }
        result = apply_consent_withdrawal(store, policy, *subject, purpose, at, now, "consent");
        tx.commit();
    }
    if (result.deleted_total > 0) result.wal_truncated = store.checkpoint();
    return result;
}

ConsentStatus list_consents(Store& store, const std::string& ref, Instant now) {
    ConsentStatus status;
    status.subject = ref;
    ReadTransaction snapshot(store);
    auto subject = store.find_subject(ref);
    if (!subject)
        throw Error(Code::problem, fmt::format("no subject with ref '{}' in the store", ref));
    status.history = store.consent_history(subject->rowid);
    for (const auto& c : status.history) {
        status.active[c.purpose] = store.consent_active(subject->rowid, c.purpose, now);
    }
    return status;
}

} // namespace vern
