// NoticeWriter and the notice's wire form: what a system is told about a change of a record.

#include "vern/outbox.hpp"

#include "vern/audit.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vern {
namespace {

// The id a system sees: a keyed hash (Store::pseudonym) of what the notice says. The same
// deletion made again, e.g. by `erase --replay` after a restore from backup, has the same id,
// so a system that already did it can ignore the repeat; no record id can be read from it.
// NOTE: persisted and relied on by receivers; never change how it is computed.
std::string notice_id(const Store& store, const std::string& system, const std::string& action,
                      const std::string& cause, const StoredRecord& record) {
    std::string key = "\x1d";
    for (const std::string* part : {&system, &action, &cause, &record.id}) {
        key += *part;
        key += '\x1f';
    }
    key += std::to_string(record.created.time_since_epoch().count());
    return store.pseudonym(key).substr(0, 32);
}

} // namespace

bool notifies_any(const Policy& policy) {
    return std::any_of(policy.recipients.begin(), policy.recipients.end(),
                       [](const Recipient& r) { return r.notified(); });
}

nlohmann::json notice_json(const Notice& n) {
    nlohmann::json j = {{"notice", n.notice},
                        {"system", n.system},
                        {"action", n.action},
                        {"category", n.category},
                        {"cause", n.cause}};
    if (!n.record_id.empty()) j["record"] = n.record_id;
    if (!n.subject_ref.empty()) j["subject"] = n.subject_ref;
    auto detail = nlohmann::json::parse(n.detail, nullptr, false);
    if (detail.is_object()) {
        for (auto& [key, value] : detail.items()) j[key] = value;
    }
    j["created"] = format_utc(n.created);
    return j;
}

NoticeWriter::NoticeWriter(Store& store, const Policy& policy, Instant now)
    : m_store(store), m_policy(policy), m_now(now) {
    for (const Recipient& rec : policy.recipients) {
        if (!rec.notified()) continue;
        for (const std::string& category : rec.categories) {
            m_by_category[category].push_back(&rec);
        }
    }
}

bool NoticeWriter::wanted(const std::string& category) const {
    return m_by_category.count(category) > 0;
}

void NoticeWriter::deleted(const StoredRecord& record, const std::string& cause) {
    add(record, "delete", cause, "{}");
}

void NoticeWriter::anonymized(const StoredRecord& record, const Rule& rule, bool unlink) {
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& [name, method] : rule.fields) fields.push_back(name);
    add(record, "anonymize", "rule:" + rule.id,
        nlohmann::json{{"fields", fields}, {"unlink", unlink}}.dump());
}

void NoticeWriter::add(const StoredRecord& record, const std::string& action,
                       const std::string& cause, const std::string& detail) {
    auto it = m_by_category.find(record.category);
    if (it == m_by_category.end()) return;
    for (const Recipient* rec : it->second) {
        Notice n;
        n.notice = notice_id(m_store, rec->id, action, cause, record);
        n.system = rec->id;
        n.action = action;
        n.category = record.category;
        n.cause = cause;
        if (rec->identify_record) n.record_id = record.id;
        if (rec->identify_subject) n.subject_ref = record.subject;
        if (!record.subject.empty()) n.subject_pseudonym = m_store.pseudonym(record.subject);
        n.detail = detail;
        n.created = m_now;
        m_notices.push_back(std::move(n));
    }
}

std::map<std::string, std::int64_t> NoticeWriter::flush(const AuditEntry& base) {
    std::map<std::string, std::int64_t> added_by_system;
    if (m_notices.empty()) return added_by_system;
    // Counted per (system, category) from what add_notices really added: a repeat of a notice
    // already in the outbox is not added again.
    std::map<std::pair<std::string, std::string>, std::int64_t> counts;
    std::vector<bool> added;
    m_store.add_notices(m_notices, &added);
    for (std::size_t i = 0; i < m_notices.size(); ++i) {
        if (!added[i]) continue;
        ++counts[{m_notices[i].system, m_notices[i].category}];
        ++added_by_system[m_notices[i].system];
    }
    for (const auto& [key, count] : counts) {
        AuditEntry e = base;
        e.action = "notify";
        e.rule = "system:" + key.first;
        e.category = key.second;
        e.count = count;
        m_store.append_audit(e);
    }
    m_notices.clear();
    return added_by_system;
}

} // namespace vern
