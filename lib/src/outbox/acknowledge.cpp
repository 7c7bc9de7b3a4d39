// vern outbox ack: a pull system's acknowledgements, all or nothing.

#include "vern/audit.hpp"
#include "vern/error.hpp"
#include "vern/outbox.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace vern {
namespace {

bool is_notice_id(std::string_view s) {
    return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

} // namespace

std::vector<AckItem> read_ack_items(std::istream& in, const std::string& source) {
    std::vector<AckItem> items;
    std::string text;
    std::size_t line = 0;
    while (std::getline(in, text)) {
        ++line;
        const std::string_view s = trim(text);
        if (s.empty()) continue;
        std::string id;
        if (s.front() == '{') {
            auto j = nlohmann::json::parse(s, nullptr, false);
            if (j.is_discarded() || !j.is_object()) {
                throw Error(Code::data, fmt::format("{}:{}: not valid JSON; expected a notice id "
                                                    "or a JSON object with \"notice\" (nothing was "
                                                    "acknowledged)",
                                                    source, line));
            }
            auto it = j.find("notice");
            if (it == j.end() || !it->is_string()) {
                throw Error(Code::data, fmt::format("{}:{}: the JSON object has no string "
                                                    "\"notice\" (nothing was acknowledged)",
                                                    source, line));
            }
            id = it->get<std::string>();
        } else {
            id = std::string(s);
        }
        if (!is_notice_id(id)) {
            throw Error(Code::data, fmt::format("{}:{}: '{}' is not a notice id (32 lower-case "
                                                "hex digits, as `vern outbox list` shows them); "
                                                "nothing was acknowledged",
                                                source, line, id.substr(0, 40)));
        }
        items.push_back({line, std::move(id)});
    }
    if (in.bad()) {
        throw Error(Code::io, fmt::format("cannot read {} (nothing was acknowledged)", source));
    }
    return items;
}

AckResult acknowledge(Store& store, const Policy& policy, const std::string& system,
                      std::span<const AckItem> items, const std::string& source, Instant now,
                      const std::string& user) {
    AckResult result;
    result.system = system;
    WriteTransaction tx(store);
    std::vector<std::string> ids;
    for (const AckItem& item : items) ids.push_back(item.notice);
    std::map<std::string, Notice> found;
    for (Notice& n : store.find_notices(ids)) found.emplace(n.notice, std::move(n));
    std::vector<std::int64_t> seqs;
    std::map<std::string, std::int64_t> per_category;
    for (const AckItem& item : items) {
        auto it = found.find(item.notice);
        if (it == found.end()) {
            throw Error(Code::data, fmt::format("{}:{}: unknown notice '{}': the store has no "
                                                "notice with this id (was the store restored "
                                                "from a backup, or is it another store?); "
                                                "nothing was acknowledged",
                                                source, item.line, item.notice));
        }
        const Notice& n = it->second;
        if (n.system != system) {
            throw Error(Code::data, fmt::format("{}:{}: notice '{}' is for system '{}', not "
                                                "'{}'; nothing was acknowledged",
                                                source, item.line, item.notice, n.system, system));
        }
        if (std::find(seqs.begin(), seqs.end(), n.seq) != seqs.end()) continue; // a repeat line
        seqs.push_back(n.seq);
        if (n.acked) {
            ++result.already;
        } else {
            ++per_category[n.category];
        }
    }
    result.acknowledged = store.ack_notices(seqs, now);
    for (const auto& [category, count] : per_category) {
        AuditEntry e;
        e.at = now;
        e.user = user.empty() ? current_os_user() : user;
        e.command = "outbox";
        e.action = "acknowledge";
        e.rule = "system:" + system;
        e.category = category;
        e.count = count;
        e.policy_digest = policy.digest;
        store.append_audit(e);
    }
    tx.commit();
    if (result.acknowledged > 0) store.checkpoint();
    return result;
}

} // namespace vern
