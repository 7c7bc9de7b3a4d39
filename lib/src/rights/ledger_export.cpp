// The erasure ledger, written from the audit log (see vern/ledger.hpp for the format).

#include "vern/ledger.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace vern {
namespace {

constexpr std::string_view k_consent_prefix = "consent:";

// One erasure being assembled from consecutive audit entries of one run.
struct Pending {
    bool active = false;
    std::string subject;
    Instant at{};
    std::vector<std::string> categories;
    bool complete = false;
};

class LedgerWriter {
  public:
    explicit LedgerWriter(std::ostream& out) : m_out(out) {}

    void entry(const AuditEntry& e) {
        const bool erase =
            (e.action == "erase" || e.action == "erase_subject") && !e.subject.empty();
        if (erase && m_pending.active && m_pending.subject == e.subject && m_pending.at == e.at) {
            add(e);
            return;
        }
        flush();
        if (erase) {
            m_pending = Pending{true, e.subject, e.at, {}, false};
            add(e);
        } else if (e.action == "withdraw" && !e.subject.empty() &&
                   e.rule.compare(0, k_consent_prefix.size(), k_consent_prefix) == 0) {
            nlohmann::json line{{"type", "consent_withdrawal"},
                                {"subject", e.subject},
                                {"purpose", e.rule.substr(k_consent_prefix.size())},
                                {"at", format_utc(e.at)}};
            if (write(line, line["type"].dump() + line["subject"].dump() +
                                line["purpose"].dump())) {
                ++m_result.consent_withdrawals;
            }
        }
    }

    LedgerExport finish() {
        flush();
        return m_result;
    }

  private:
    void add(const AuditEntry& e) {
        if (e.action == "erase_subject") m_pending.complete = true;
        if (!e.category.empty() &&
            std::find(m_pending.categories.begin(), m_pending.categories.end(), e.category) ==
                m_pending.categories.end()) {
            m_pending.categories.push_back(e.category);
        }
    }

    void flush() {
        if (!m_pending.active) return;
        std::sort(m_pending.categories.begin(), m_pending.categories.end());
        nlohmann::json line{{"type", "erasure"},
                            {"subject", m_pending.subject},
                            {"at", format_utc(m_pending.at)},
                            {"categories", m_pending.categories},
                            {"complete", m_pending.complete}};
        if (write(line, line["type"].dump() + line["subject"].dump() + line["categories"].dump() +
                            line["complete"].dump())) {
            ++m_result.erasures;
        }
        m_pending = Pending{};
    }

    // Writes a line unless an identical one (by `key`) was written already.
    bool write(const nlohmann::json& line, const std::string& key) {
        if (!m_seen.insert(key).second) return false;
        m_out << line.dump() << '\n';
        return true;
    }

    std::ostream& m_out;
    Pending m_pending;
    std::set<std::string> m_seen;
    LedgerExport m_result;
};

} // namespace

LedgerExport export_erasure_ledger(Store& store, std::ostream& out) {
    LedgerWriter writer(out);
    ReadTransaction snapshot(store);
    store.read_audit(0, [&](const StoredAuditEntry& stored) {
        writer.entry(stored.entry);
        return true;
    });
    LedgerExport result = writer.finish();
    out.flush();
    if (!out) throw Error(Code::io, "cannot write the erasure ledger");
    return result;
}

} // namespace vern
