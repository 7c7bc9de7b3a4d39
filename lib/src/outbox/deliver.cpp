// vern deliver: runs each exec system's command with its pending notices, batch by batch.

#include "run_command.hpp"
#include "vern/audit.hpp"
#include "vern/error.hpp"
#include "vern/outbox.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vern {
namespace {

// The batch as JSON Lines. Text that is not valid UTF-8 (a record id written by another
// program) is replaced rather than the delivery fail.
std::string json_lines(const std::vector<Notice>& batch) {
    std::string out;
    for (const Notice& n : batch) {
        out += notice_json(n).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out += '\n';
    }
    return out;
}

AuditEntry deliver_entry(const Policy& policy, Instant now, const std::string& user,
                         const std::string& action, const std::string& system,
                         const std::string& category, std::int64_t count) {
    AuditEntry e;
    e.at = now;
    e.user = user;
    e.command = "deliver";
    e.action = action;
    e.rule = "system:" + system;
    e.category = category;
    e.count = count;
    e.policy_digest = policy.digest;
    return e;
}

void check_systems(const Policy& policy, const std::vector<std::string>& wanted) {
    std::vector<std::string> notified;
    for (const Recipient& rec : policy.recipients) {
        if (rec.notified()) notified.push_back(rec.id);
    }
    for (const std::string& id : wanted) {
        if (std::find(notified.begin(), notified.end(), id) != notified.end()) continue;
        const Recipient* rec = policy.find_recipient(id);
        std::string known;
        for (const auto& n : notified) known += (known.empty() ? "" : ", ") + n;
        throw Error(Code::data,
                    fmt::format("--system '{}': {}; the systems with `deliver` are: {}", id,
                                !rec          ? "no [[recipient]] has this id"
                                : !rec->active ? "the recipient is not in use (active = false)"
                                               : "the recipient has no `deliver`",
                                known.empty() ? "(none)" : known));
    }
}

} // namespace

bool DeliverResult::any_failed() const {
    return std::any_of(systems.begin(), systems.end(),
                       [](const SystemDelivery& d) { return d.failed; });
}

DeliverResult deliver(Store& store, const Policy& policy, const DeliverOptions& options) {
    check_systems(policy, options.systems);
    const std::string user = options.user.empty() ? current_os_user() : options.user;
    DeliverResult result;
    result.now = options.now;
    bool changed = false;
    for (const Recipient& rec : policy.recipients) {
        if (!rec.notified()) continue;
        if (!options.systems.empty() &&
            std::find(options.systems.begin(), options.systems.end(), rec.id) ==
                options.systems.end()) {
            continue;
        }
        SystemDelivery d;
        d.system = rec.id;
        d.deliver = rec.deliver;
        std::int64_t after = 0;
        while (rec.deliver == Delivery::exec) {
            NoticeQuery q;
            q.system = rec.id;
            q.after_seq = after;
            q.limit = options.batch_size.value_or(rec.batch_size);
            const std::vector<Notice> batch = store.notices(q);
            if (batch.empty()) break;
            after = batch.back().seq;
            const auto outcome = outbox_detail::run_command(
                rec.command, json_lines(batch), std::chrono::seconds(rec.timeout_seconds),
                {{"VERN_SYSTEM", rec.id}, {"VERN_NOTICES", std::to_string(batch.size())}});
            std::vector<std::int64_t> seqs;
            std::map<std::string, std::int64_t> per_category;
            for (const Notice& n : batch) {
                seqs.push_back(n.seq);
                ++per_category[n.category];
            }
            // The outcome and its audit entries in one transaction. Killed before the commit,
            // the batch stays pending and goes again next run (at least once).
            WriteTransaction tx(store);
            if (outcome.ok) {
                d.delivered += store.ack_notices(seqs, options.now);
                ++d.batches;
                for (const auto& [category, count] : per_category) {
                    store.append_audit(deliver_entry(policy, options.now, user, "acknowledge",
                                                     rec.id, category, count));
                }
            } else {
                store.record_attempt(seqs, options.now, outcome.error);
                for (const auto& [category, count] : per_category) {
                    store.append_audit(deliver_entry(policy, options.now, user,
                                                     "delivery_failed", rec.id, category, count));
                }
                d.failed = true;
                d.error = outcome.error;
            }
            tx.commit();
            changed = true;
            if (d.failed) break; // its later notices wait: in order, and no hammering
        }
        d.pending = store.outbox_stats(rec.id, options.now).pending;
        result.systems.push_back(std::move(d));
    }
    // Acknowledged notices lost their identifiers: write them out of the WAL too.
    if (changed) store.checkpoint();
    return result;
}

} // namespace vern
