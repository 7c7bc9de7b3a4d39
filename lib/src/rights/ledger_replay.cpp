// Replaying an erasure ledger on a store restored from a backup (see vern/ledger.hpp).

#include "vern/ledger.hpp"

#include "erasure_marks.hpp"
#include "rights_audit.hpp"
#include "vern/outbox.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>

namespace vern {
namespace {

struct LedgerLine {
    std::int64_t line = 0;
    std::string type;
    std::string subject;
    Instant at{};
    std::vector<std::string> categories;
    bool complete = false;
    std::string purpose;
};

std::string string_field(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) {
        throw std::invalid_argument(fmt::format("\"{}\" must be a non-empty string", key));
    }
    return it->get<std::string>();
}

LedgerLine parse_line(const std::string& text, std::int64_t number) {
    LedgerLine l;
    l.line = number;
    auto j = nlohmann::json::parse(text);
    if (!j.is_object()) throw std::invalid_argument("expected a JSON object");
    l.type = string_field(j, "type");
    l.subject = string_field(j, "subject");
    auto at = parse_time(string_field(j, "at"), date::locate_zone("UTC"));
    if (!at) throw std::invalid_argument(at.error());
    l.at = *at;
    if (l.type == "erasure") {
        auto c = j.find("categories");
        if (c == j.end() || !c->is_array())
            throw std::invalid_argument("\"categories\" must be an array");
        for (const auto& v : *c) {
            if (!v.is_string()) throw std::invalid_argument("\"categories\" must hold strings");
            l.categories.push_back(v.get<std::string>());
        }
        auto complete = j.find("complete");
        if (complete == j.end() || !complete->is_boolean()) {
            throw std::invalid_argument("\"complete\" must be true or false");
        }
        l.complete = complete->get<bool>();
    } else if (l.type == "consent_withdrawal") {
        l.purpose = string_field(j, "purpose");
    } else {
        throw std::invalid_argument(
            fmt::format("unknown type \"{}\": expected erasure or consent_withdrawal", l.type));
    }
    return l;
}

std::vector<LedgerLine> read_ledger(std::istream& in, const std::string& name) {
    std::vector<LedgerLine> lines;
    std::string text;
    std::int64_t number = 0;
    while (std::getline(in, text)) {
        ++number;
        if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
        try {
            lines.push_back(parse_line(text, number));
        } catch (const std::exception& e) {
            throw Error(Code::data,
                        fmt::format("{}:{}: {}; nothing was replayed", name, number, e.what()));
        }
    }
    if (in.bad()) throw Error(Code::io, fmt::format("cannot read the ledger '{}'", name));
    return lines;
}

// pseudonym -> subject, over every subject that has records.
std::unordered_map<std::string, Subject> subjects_by_pseudonym(Store& store, Instant now) {
    std::unordered_map<RowId, std::string> refs;
    RecordScan scan;
    scan.now = now;
    store.scan_records(scan, [&](std::span<const ScannedRecord> batch) {
        for (const auto& r : batch) {
            if (r.record.subject_rowid != 0) refs.emplace(r.record.subject_rowid, r.record.subject);
        }
        return true;
    });
    std::unordered_map<std::string, Subject> out;
    for (const auto& [rowid, ref] : refs)
        out.emplace(store.pseudonym(ref), Subject{rowid, ref, {}});
    return out;
}

class Replayer {
  public:
    Replayer(Store& store, const Policy& policy, Instant now, bool dry_run)
        : m_store(store), m_policy(policy), m_now(now), m_dry_run(dry_run),
          m_subjects(subjects_by_pseudonym(store, now)) {}

    void apply(const LedgerLine& l) {
        ++m_result.entries;
        auto it = m_subjects.find(l.subject);
        if (l.type == "erasure" && l.complete && !m_dry_run) m_store.add_erased(l.subject, l.at);
        if (it == m_subjects.end()) return;
        ++m_result.subjects_found;
        ReplayedEntry entry{l.line, l.type, it->second.ref, l.purpose, 0, 0, false};
        if (l.type == "erasure") {
            erase(l, it->second, entry);
            if (entry.subject_removed) m_subjects.erase(it);
        } else {
            withdraw(l, it->second, entry);
        }
        m_result.deleted += entry.deleted;
        m_result.applied.push_back(std::move(entry));
    }

    ReplayResult result() const { return m_result; }

  private:
    // Deletes the subject's records that match, except held ones; returns the count per category.
    std::map<std::string, std::int64_t>
    delete_where(const Subject& s, ReplayedEntry& entry,
                 const std::function<bool(const std::string&)>& match, std::int64_t& left,
                 const std::string& cause, const std::string& pseudonym,
                 std::vector<std::string>* deleted_ids = nullptr) {
        // The systems holding copies are told again: a notice made before the backup and not
        // acknowledged is still in the restored outbox; one made after it comes back with the
        // same id (outbox.hpp), so a system that did it already can ignore it.
        NoticeWriter notices(m_store, m_policy, m_now);
        std::map<std::string, std::int64_t> deleted;
        std::vector<RowId> doomed;
        RecordScan scan;
        scan.now = m_now;
        scan.subject_rowid = s.rowid;
        m_store.scan_records(scan, [&](std::span<const ScannedRecord> batch) {
            for (const auto& r : batch) {
                if (!match(r.record.category)) {
                    ++left;
                } else if (r.held) {
                    ++entry.held;
                    ++left;
                } else {
                    doomed.push_back(r.record.rowid);
                    if (!m_dry_run) notices.deleted(r.record, cause);
                    if (deleted_ids) deleted_ids->push_back(r.record.id);
                    ++deleted[r.record.category];
                }
            }
            return true;
        });
        entry.deleted = static_cast<std::int64_t>(doomed.size());
        if (!m_dry_run) {
            m_store.delete_records(doomed);
            for (const auto& [system, n] :
                 notices.flush(rights::audit_entry(m_policy, m_now, "erase", "", pseudonym))) {
                m_result.notified[system] += n;
            }
        }
        return deleted;
    }

    void audit(const std::string& action, const std::string& pseudonym,
               const std::string& category = {}, std::int64_t count = 0,
               const std::string& rule = {}) {
        if (m_dry_run) return;
        m_store.append_audit(rights::audit_entry(m_policy, m_now, "erase", action, pseudonym,
                                                 category, count, rule));
    }

    void erase(const LedgerLine& l, const Subject& s, ReplayedEntry& entry) {
        std::int64_t left = 0;
        std::vector<std::string> deleted_ids;
        auto deleted = delete_where(
            s, entry,
            [&](const std::string& category) {
                return l.complete || std::find(l.categories.begin(), l.categories.end(),
                                               category) != l.categories.end();
            },
            left, "erasure", l.subject, &deleted_ids);
        for (const auto& [category, count] : deleted)
            audit("erase", l.subject, category, count);
        // As the original erasure did: the subject's free-text reasons go (a backup has them).
        if (!m_dry_run) m_store.forget_subject_reasons(s.rowid);
        if (!l.complete || left != 0 || rights::subject_hold_active(m_store, s.rowid)) {
            // The subject stays, as after the original erasure.
            if (!m_dry_run) rights::remember_erased_records(m_store, s, deleted_ids, m_now);
            return;
        }
        entry.subject_removed = true;
        ++m_result.subjects_removed;
        if (m_dry_run) return;
        m_store.delete_subject(s.rowid);
        audit("erase_subject", l.subject);
    }

    // The store knows a giving of the purpose after the withdrawal was recorded: the person
    // consented again, and what rests on that consent is not the withdrawal's to delete.
    bool given_again_after(const Subject& s, const std::string& purpose, Instant withdrawn) {
        for (const ConsentChange& c : m_store.consent_history(s.rowid)) {
            if (c.purpose == purpose && c.given && c.at > withdrawn && c.at <= m_now) return true;
        }
        return false;
    }

    void withdraw(const LedgerLine& l, const Subject& s, ReplayedEntry& entry) {
        if (!m_dry_run && m_store.add_consent(s.rowid, {l.purpose, false, l.at})) {
            ++m_result.withdrawals_added;
        }
        if (!m_dry_run) m_store.mark_kept(s.rowid);
        if (given_again_after(s, l.purpose, l.at)) {
            entry.given_again = true;
            return;
        }
        std::int64_t left = 0;
        auto deleted = delete_where(
            s, entry,
            [&](const std::string& category) {
                const Category* c = m_policy.find_category(category);
                return c && c->consent_purpose == l.purpose;
            },
            left, rights::consent_rule(l.purpose), l.subject);
        audit("withdraw", l.subject, {}, entry.deleted, rights::consent_rule(l.purpose));
        for (const auto& [category, count] : deleted)
            audit("delete", l.subject, category, count);
    }

    Store& m_store;
    const Policy& m_policy;
    Instant m_now;
    bool m_dry_run;
    std::unordered_map<std::string, Subject> m_subjects;
    ReplayResult m_result;
};

} // namespace

ReplayResult replay_erasure_ledger(Store& store, const Policy& policy, std::istream& in,
                                   const std::string& name, Instant now, bool dry_run) {
    const std::vector<LedgerLine> lines = read_ledger(in, name);
    ReplayResult result;
    if (dry_run) {
        ReadTransaction snapshot(store);
        Replayer replayer(store, policy, now, true);
        for (const auto& l : lines)
            replayer.apply(l);
        return replayer.result();
    }
    {
        WriteTransaction tx(store);
        Replayer replayer(store, policy, now, false);
        for (const auto& l : lines)
            replayer.apply(l);
        result = replayer.result();
        tx.commit();
    }
    result.wal_truncated = store.checkpoint();
    return result;
}

} // namespace vern
