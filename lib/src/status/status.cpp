// `vern status`: the state of a store at a glance.

#include "vern/status.hpp"
#include "vern/requests.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace vern {
namespace {

std::int64_t size_of(const std::string& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    return ec ? 0 : static_cast<std::int64_t>(size);
}

std::vector<StatusRequest> open_requests(Store& store, Instant now) {
    std::vector<StatusRequest> list;
    for (const Request& r : store.list_requests()) {
        if (r.closed) {
            continue;
        }
        StatusRequest s;
        s.id = r.id;
        s.kind = r.kind;
        s.received = r.received;
        s.due = r.effective_due();
        s.extended = r.extended_due.has_value();
        s.days_left = request_days_left(r, now);
        s.overdue = request_status(r, now) == RequestStatus::overdue;
        list.push_back(std::move(s));
    }
    std::stable_sort(list.begin(), list.end(),
                     [](const StatusRequest& a, const StatusRequest& b) { return a.due < b.due; });
    return list;
}

std::vector<StatusHold> active_holds(Store& store) {
    std::vector<StatusHold> list;
    for (const Hold& h : store.list_holds()) {
        if (!h.active()) {
            continue;
        }
        StatusHold s;
        s.id = h.id;
        s.scope = h.category.empty() ? "subject" : "category";
        s.category = h.category;
        s.placed = h.placed;
        list.push_back(std::move(s));
    }
    return list;
}

// Follows the audit log's purge entries; the last run seen is the last purge.
void track_purge(std::optional<LastPurge>& last, const AuditEntry& e) {
    if (e.command != "purge") {
        return;
    }
    // A run starts with a "run" entry, and its entries share its now; a later run (even at an
    // earlier --now) starts anew.
    if (!last || e.action == "run" || last->at != e.at || last->user != e.user ||
        last->policy_digest != e.policy_digest) {
        last = LastPurge{};
        last->at = e.at;
        last->user = e.user;
        last->policy_digest = e.policy_digest;
    }
    if (e.action == "delete") {
        last->deleted += e.count;
    } else if (e.action == "anonymize") {
        last->anonymized += e.count;
    } else if (e.action == "remove_subject") {
        last->subjects_removed += e.count;
    }
}

// Everything status reads, in one snapshot.
void read_status(Store& store, const Policy* policy, Instant now,
                 const std::function<void(std::int64_t, std::int64_t)>& progress,
                 StoreStatus& status, QuietUpdate& quiet) {
    ReadTransaction snapshot(store);
    status.subjects = store.count_subjects();
    status.records = store.count_records();
    status.records_by_category = store.count_records_by_category();
    store.read_audit(0, [&](const StoredAuditEntry& s) {
        ++status.audit_entries;
        track_purge(status.last_purge, s.entry);
        return true;
    });
    status.audit_head = store.audit_head().second;
    status.checkpoint_pending = store.checkpoint_pending();
    status.open_requests = open_requests(store, now);
    status.active_holds = active_holds(store);
    if (policy) {
        EvaluatedCount evaluated;
        if (progress) {
            evaluated = [&](std::int64_t n) { progress(n, status.records); };
        }
        status.outlook = retention_outlook(store, *policy, now, Duration{0, 0, 30, "30d"},
                                           evaluated, &quiet);
        status.outbox = outbox_overview(store, *policy, now);
    }
}

} // namespace

std::optional<LastPurge> find_last_purge(Store& store) {
    std::optional<LastPurge> last;
    store.read_audit(0, [&](const StoredAuditEntry& s) {
        track_purge(last, s.entry);
        return true;
    });
    return last;
}

StoreStatus store_status(Store& store, const Policy* policy, Instant now,
                         const std::function<void(std::int64_t, std::int64_t)>& progress) {
    StoreStatus status;
    status.now = now;
    status.store_path = store.path();
    status.backend = store.backend();
    if (status.backend != "sqlite") {
        status.file_bytes = store.size_bytes();
    } else if (store.path() != ":memory:") {
        status.file_bytes = size_of(store.path());
        status.wal_bytes = size_of(store.path() + "-wal");
    }
    status.schema_version = store.schema_version();
    QuietUpdate quiet;
    read_status(store, policy, now, progress, status, quiet);
    // After the snapshot: the quiet table's new rows, when nothing changed since (best effort).
    if (!quiet.rows.empty() || quiet.replace_all) store.save_quiet(quiet);
    return status;
}

} // namespace vern
