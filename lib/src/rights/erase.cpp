// GDPR art. 17 erasure of one subject: everything except held records, legal-obligation
// categories and (unless asked) processor categories; the subject and its pseudonym when nothing
// is left.

#include "vern/requests.hpp"
#include "vern/rights.hpp"

#include "erasure_marks.hpp"
#include "rights_audit.hpp"
#include "vern/outbox.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace vern {
namespace {

struct Candidate {
    RowId rowid = 0;
    std::string id;
    std::string category;
    bool held = false;
    Instant created{};
};

std::vector<Candidate> subject_records(Store& store, RowId subject_rowid, Instant now) {
    std::vector<Candidate> out;
    RecordScan scan;
    scan.now = now;
    scan.subject_rowid = subject_rowid;
    store.scan_records(scan, [&](std::span<const ScannedRecord> batch) {
        for (const auto& r : batch) {
            out.push_back({r.record.rowid, r.record.id, r.record.category, r.held,
                           r.record.created});
        }
        return true;
    });
    return out;
}

void check_categories(const Policy& policy, const std::vector<std::string>& categories) {
    for (const auto& c : categories) {
        if (policy.find_category(c)) continue;
        std::string known;
        for (const auto& cat : policy.categories)
            known += (known.empty() ? "" : ", ") + cat.id;
        throw Error(Code::data, fmt::format("unknown category \"{}\" (--category); the policy's "
                                            "categories are: {}",
                                            c, known));
    }
}

EraseOutcome outcome_of(const Policy& policy, const Candidate& r, bool include_processor) {
    if (r.held) return EraseOutcome::held;
    const Category* cat = policy.find_category(r.category);
    if (cat && cat->legal_basis == LegalBasis::legal_obligation)
        return EraseOutcome::legal_obligation;
    if (cat && cat->role == Role::processor && !include_processor) return EraseOutcome::processor;
    return EraseOutcome::erased;
}

std::size_t category_order(const Policy& policy, const std::string& id) {
    for (std::size_t i = 0; i < policy.categories.size(); ++i) {
        if (policy.categories[i].id == id) return i;
    }
    return policy.categories.size();
}

void group_categories(const Policy& policy, ErasureResult& result) {
    for (const auto& item : result.records) {
        auto it = std::find_if(result.categories.begin(), result.categories.end(),
                               [&](const ErasureCategory& c) {
                                   return c.category == item.category && c.outcome == item.outcome;
                               });
        if (it == result.categories.end()) {
            ErasureCategory c;
            c.category = item.category;
            c.outcome = item.outcome;
            if (const Category* cat = policy.find_category(item.category)) {
                c.legal_ref = cat->legal_ref;
                c.controller = cat->controller;
            }
            result.categories.push_back(c);
            it = result.categories.end() - 1;
        }
        ++it->records;
    }
    std::stable_sort(result.categories.begin(), result.categories.end(),
                     [&](const ErasureCategory& a, const ErasureCategory& b) {
                         auto oa = category_order(policy, a.category);
                         auto ob = category_order(policy, b.category);
                         if (oa != ob) return oa < ob;
                         if (a.category != b.category) return a.category < b.category;
                         return a.outcome < b.outcome;
                     });
}

// Works out the outcome; with `apply`, also changes the store (REQUIRES a write transaction).
void run_erasure(Store& store, const Policy& policy, const Subject& subject, Instant now,
                 const EraseOptions& options, ErasureResult& result, bool apply) {
    std::optional<Request> request;
    if (options.request) {
        request = check_answering_request(store, *options.request, result.pseudonym, {"erasure"},
                                          options.selector_pseudonym);
    }
    std::vector<RowId> doomed;
    std::int64_t left = 0;
    NoticeWriter notices(store, policy, now);
    for (const auto& r : subject_records(store, subject.rowid, now)) {
        const bool selected = options.categories.empty() ||
                              std::find(options.categories.begin(), options.categories.end(),
                                        r.category) != options.categories.end();
        if (!selected) {
            ++left;
            continue;
        }
        EraseOutcome outcome = outcome_of(policy, r, options.include_processor);
        result.records.push_back({r.id, r.category, outcome});
        if (outcome == EraseOutcome::erased) {
            doomed.push_back(r.rowid);
            ++result.erased;
            if (notices.wanted(r.category)) {
                StoredRecord slim;
                slim.id = r.id;
                slim.subject = subject.ref;
                slim.category = r.category;
                slim.created = r.created;
                if (apply) {
                    notices.deleted(slim, "erasure");
                } else {
                    for (const Recipient& rec : policy.recipients) {
                        if (rec.notified() && rec.holds(r.category)) ++result.notified[rec.id];
                    }
                }
            }
        } else {
            ++result.retained;
            ++left;
        }
    }
    group_categories(policy, result);
    result.subject_removed = left == 0 && !rights::subject_hold_active(store, subject.rowid);
    if (request) result.request_closed = request->id;
    if (!apply) return;

    store.delete_records(doomed);
    result.notified =
        notices.flush(rights::audit_entry(policy, now, options.command, "", result.pseudonym));
    for (const auto& c : result.categories) {
        if (c.outcome != EraseOutcome::erased) continue;
        store.append_audit(rights::audit_entry(policy, now, options.command, "erase",
                                               result.pseudonym, c.category, c.records));
    }
    if (result.erased == 0 && !result.subject_removed) {
        store.append_audit(
            rights::audit_entry(policy, now, options.command, "erase", result.pseudonym));
    }
    if (request) {
        // Its reason may name the person (a request registered by selector has no subject for
        // forget_subject_reasons to find).
        if (!request->extension_reason.empty()) request->extension_reason = k_reason_removed;
        close_request_in_transaction(store, policy, *request, now, options.command);
    }
    // Free-text reasons of the subject's requests and holds may name the person: they go with
    // the erasure (the requests' dates and the holds themselves stay).
    store.forget_subject_reasons(subject.rowid);
    if (!result.subject_removed) {
        std::vector<std::string> erased_ids;
        for (const auto& item : result.records) {
            if (item.outcome == EraseOutcome::erased) erased_ids.push_back(item.record);
        }
        rights::remember_erased_records(store, subject, erased_ids, now);
    }
    if (result.subject_removed) {
        store.delete_subject(subject.rowid);
        store.add_erased(result.pseudonym, now);
        store.append_audit(
            rights::audit_entry(policy, now, options.command, "erase_subject", result.pseudonym));
    }
}

} // namespace

const char* erase_outcome_name(EraseOutcome o) {
    switch (o) {
    case EraseOutcome::erased: return "erased";
    case EraseOutcome::held: return "held";
    case EraseOutcome::legal_obligation: return "legal_obligation";
    case EraseOutcome::processor: return "processor";
    }
    return "erased";
}

ErasureResult erase_subject(Store& store, const Policy& policy, const Subject& subject, Instant now,
                            const EraseOptions& options) {
    check_categories(policy, options.categories);
    ErasureResult result;
    result.subject = subject.ref;
    result.pseudonym = store.pseudonym(subject.ref);
    result.now = now;
    result.dry_run = options.dry_run;
    if (options.dry_run) {
        ReadTransaction snapshot(store);
        run_erasure(store, policy, subject, now, options, result, false);
        return result;
    }
    {
        WriteTransaction tx(store);
        run_erasure(store, policy, subject, now, options, result, true);
        tx.commit();
    }
    // Deleted content must not survive in the WAL (SPEC 5; secure_delete covers the main file).
    result.wal_truncated = store.checkpoint();
    return result;
}

ErasureResult erase_unknown_person(Store& store, const Policy& policy, const Selector& selector,
                                   Instant now, const EraseOptions& options) {
    check_categories(policy, options.categories);
    if (!options.request) throw Error(Code::problem, selector_problem(selector, {}));
    ErasureResult result;
    result.selector = selector_kind_name(selector.kind);
    result.pseudonym = selector_pseudonym(store, selector);
    result.now = now;
    result.dry_run = options.dry_run;
    if (options.dry_run) {
        check_answering_request(store, *options.request, result.pseudonym, {"erasure"});
        result.request_closed = options.request;
        return result;
    }
    {
        WriteTransaction tx(store);
        Request request =
            check_answering_request(store, *options.request, result.pseudonym, {"erasure"});
        if (!request.extension_reason.empty()) request.extension_reason = k_reason_removed;
        close_request_in_transaction(store, policy, request, now, options.command);
        result.request_closed = request.id;
        tx.commit();
    }
    // The replaced reason must not survive in the WAL either.
    result.wal_truncated = store.checkpoint();
    return result;
}

} // namespace vern
