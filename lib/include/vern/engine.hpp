#pragma once
// The retention engine (SPEC sections 3.5, 3.6 and 5): evaluates the policy's rules for each
// record at an instant `now`, and applies what is due (`vern purge`), shows what would be done
// (`vern plan`, `purge --dry-run`), explains a record's rules (`vern explain`), runs a policy's
// own test cases (`vern test`). The rights commands and audit reports use evaluate_records() for
// each record's next due time and for overdue records.
//
// Semantics, in short (SPEC 3.5 is the reference):
//  - a rule covers a record when it names the record's category; it is not_applicable when its
//    `where` (every listed field equal; a missing field is unequal), `if_consent` or
//    `unless_consent` (consent active at now; an unlinked record has no consents) is false at now;
//  - anchor: created | event:K: the latest event of kind K naming the record, or subject event
//    of its subject at or after the record's creation whose case applies (no case on either
//    side, or the same case) | global:K: the latest global event at or after the creation |
//    last_activity: the latest of the creation and every applicable record/subject event (of the
//    rule's `activity` kinds, if given); events after now are ignored; no anchor yet -> pending;
//    a record without a case is pending on event:K while one of its subject's cases waits for
//    its own K event; a record created after now is not acted on (pending);
//  - due = due_time(anchor, keep, round, policy zone); the rule applies when now >= due;
//  - the earliest-due applicable delete rule that is due deletes the record (decided_by); else
//    every due anonymize rule not yet applied to the record is applied, in policy order;
//  - an active hold (subject or category) blocks every change: decision `held`.
//
// Everything here throws vern::Error (store errors, Code::problem for refused runs / unknown
// explain targets). Nothing prints or exits.

#include "vern/policy.hpp"
#include "vern/store.hpp"
#include "vern/time.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vern {

// ---- evaluation ------------------------------------------------------------------------------

// NOTE: the names are a format users rely on (explain JSON "status").
enum class RuleState {
    due,             // applicable, anchor known, now >= due: the action applies now
    not_due,         // applicable, anchor known, now < due
    pending,         // applicable but the anchor does not exist yet (or the record is created
                     // after now)
    not_applicable,  // where / if_consent / unless_consent is false at now
    held,            // due, but an active hold blocks it
    already_applied, // an anonymize rule this record already went through
};
const char* rule_state_name(RuleState s); // "due", "not_due", "pending", ...

// NOTE: the names are a format users rely on (explain JSON "decision").
enum class Decision { keep, erase, anonymize, held };
const char* decision_name(Decision d); // "keep" | "delete" | "anonymize" | "held"

// An event (or the record's creation) as explain shows it: what anchors a rule, or what was
// passed over.
struct AnchorEvent {
    enum class Source { created, record, subject, global };
    Source source = Source::created;
    std::string kind;     // the event kind; "created" for the record's creation
    std::string case_id;  // subject events: the case it carries, if any
    Instant at{};
};
const char* anchor_source_name(AnchorEvent::Source s); // "created" | "record" | "subject" | "global"

// One rule covering one record.
struct RuleStatus {
    const Rule* rule = nullptr;      // points into the Policy given to the evaluation
    std::optional<Instant> anchor;   // empty when pending
    std::optional<Instant> due;      // empty when pending
    std::optional<AnchorEvent> anchor_event; // what gives the anchor (empty when pending)
    // event:/global: rules: the latest event of the rule's kind that applies to the record but
    // happened before its creation (it closed an earlier episode), when no later one anchors it.
    std::optional<AnchorEvent> passed_over;
    // event: rules on a record without a case: a case of the subject that still waits for its
    // own event of the rule's kind (the record is pending until every case has had it).
    std::string waiting_case;
    RuleState status = RuleState::pending;
    std::string reason;              // for people: why not_applicable / pending, e.g.
                                     // "where: direction is not \"external\"",
                                     // "consent \"survey\" is not active",
                                     // "no event \"final_report_sent\" yet"
};

struct RecordEvaluation {
    StoredRecord record;
    std::vector<RuleStatus> rules;  // every rule covering the record's category, in policy order
    Decision decision = Decision::keep;
    // erase: the delete rule with the earliest due time (ties: the first in policy order);
    // anonymize: the first anonymize rule applied; held: the rule a purge would apply but for the
    // hold (the earliest due delete rule, else the earliest due anonymize rule); keep: nullptr.
    const Rule* decided_by = nullptr;
    std::vector<const Rule*> anonymize_rules; // anonymize: every rule applied now, policy order
    std::optional<Instant> decided_due;       // due time of decided_by
    // The earliest due time after now among the record's not_due rules (for access reports and
    // "falls due in the next 30 days"); empty if nothing more is scheduled.
    std::optional<Instant> next_due;
    // An active hold covers the record (whether or not anything is due yet).
    bool held = false;

    bool overdue() const { return decision == Decision::erase || decision == Decision::anonymize; }
};

// Which records to evaluate.
struct EvaluationScope {
    std::vector<std::string> categories;  // empty: every category
    std::optional<RowId> subject_rowid;   // only this subject's records
    std::optional<std::string> record_id; // only this record
    std::size_t batch_size = 10000;
    bool subject_refs = true;             // fill StoredRecord::subject (RecordScan::subject_refs)
    bool fields = true; // fill StoredRecord::fields_json (read anyway when a rule has `where`)
    // Evaluate on a thread of its own while the store is read (two cores for a whole-store
    // count such as vern status). The callback then runs on that thread: it must not use the
    // store, and it sees the batches in rowid order all the same.
    bool parallel = false;
    // RecordScan::history_preload_limit (only inside a ReadTransaction; 0: per batch).
    std::size_t history_preload_limit = 0;
    // RecordScan::skip_subjects / skipped_records: subjects not evaluated (vern status).
    const SubjectSet* skip_subjects = nullptr;
    std::atomic<std::int64_t>* skipped_records = nullptr;
};

// The history_preload_limit of whole-store reads (status, plan, purge --dry-run): 24 bytes a
// group and at most 16 more for its sid index, so at most ~160 MiB held (bench/: 1.2 M groups at
// 10 M records, +35 MiB). Not for a purge that writes, whose memory must not grow with the store.
inline constexpr std::size_t k_history_preload_limit = 4'000'000;

// Called with each batch of evaluations (rowid order); return false to stop. The evaluations'
// Rule pointers point into the Policy passed in.
using EvaluationCallback = std::function<bool(std::span<const RecordEvaluation> batch)>;

// Evaluates every record in `scope` at `now`, streaming (memory: a batch or two, and the
// subject histories when scope.history_preload_limit lets them be read at once).
// Reads only; call it inside a ReadTransaction for a consistent snapshot. What the callback
// throws is thrown from here (also with scope.parallel).
void evaluate_records(Store& store, const Policy& policy, Instant now,
                      const EvaluationScope& scope, const EvaluationCallback& on_batch);

// The pure core of evaluate_records: one scanned record (scan_records with the policy's event
// kinds, last_activity and consent purposes) and the latest global events at now.
RecordEvaluation evaluate_record(const Policy& policy, const ScannedRecord& scanned,
                                 const std::map<std::string, Instant>& global_events, Instant now);

// What scan_records must read for this policy (event kinds, last_activity, consent purposes).
RecordScan scan_for_policy(const Policy& policy, Instant now);

// ---- purge -----------------------------------------------------------------------------------

// One record acted on (or, for `upcoming`, to be acted on); one entry per record and rule.
struct PurgedRecord {
    std::string id;
    std::string subject;   // ref; empty when unlinked
    std::string category;
    std::string rule;
    Action action = Action::erase;
    Instant due{};
    std::string case_id;   // the record's case; empty when it has none
};

// NOTE: by_rule / JSON output is a format users rely on (SPEC section 5).
struct RuleCount {
    std::string rule;
    std::string category;
    Action action = Action::erase;
    std::int64_t records = 0;
};

struct PurgeProgress {
    std::int64_t scanned = 0;   // records looked at so far
    std::int64_t total = 0;     // records in the store when the run began
    std::int64_t deleted = 0;
    std::int64_t anonymized = 0;
};

struct PurgeOptions {
    Instant now{};
    bool dry_run = false;                 // plan only: nothing is written, no write lock taken
    std::size_t batch_size = 10000;
    std::optional<std::int64_t> max_delete;        // refuse a run deleting more records
    std::optional<double> max_delete_percent;      // ... or more than this % of all records
    bool list = false;                    // fill PurgeResult::records (or call on_record)
    std::optional<Duration> within;       // also report what becomes due in (now, now+within]
    std::string command = "purge";        // for the audit log
    std::string user;                     // OS user for the audit log; empty: current_os_user()
    std::function<void(const PurgeProgress&)> progress; // after each batch
    // With list: called for every acted-on record instead of collecting them (streaming output).
    std::function<void(const PurgedRecord&)> on_record;
    // With within: called for every upcoming record instead of collecting them.
    std::function<void(const PurgedRecord&)> on_upcoming;
};

// A field whose anonymisation method could not be applied (a value of the wrong kind, text that
// is not valid UTF-8, stored fields that cannot be read): the field was replaced by "[redacted]"
// instead, never kept in clear, and the purge went on (man vern(1), purge).
struct AnonymizeFallback {
    std::string record;   // record id
    std::string category;
    std::string rule;
    std::string field;
    std::string reason;   // for people, never the value: "truncate_ip: the value is not ..."
};

struct PurgeResult {
    Instant now{};
    bool dry_run = false;
    std::string policy_digest;
    std::int64_t deleted = 0;          // records deleted
    std::int64_t anonymized = 0;       // records anonymised (by one or more rules)
    std::int64_t held = 0;             // records with a due action blocked by an active hold
    std::int64_t subjects_removed = 0; // subjects removed because their last record went
    std::vector<RuleCount> by_rule;    // per rule and category with records > 0, policy order
    std::vector<PurgedRecord> records; // with list and no on_record
    // with list: records a hold kept, with the rule that would have applied (its action, due)
    std::vector<PurgedRecord> held_records;
    // with within: what becomes due in (now, now+within] (records not acted on now)
    std::vector<PurgedRecord> upcoming; // with within and no on_upcoming
    std::int64_t upcoming_deleted = 0;
    std::int64_t upcoming_anonymized = 0;
    std::vector<RuleCount> upcoming_by_rule;
    // Fields redacted because their method could not be applied (AnonymizeFallback): how many,
    // and the first k_listed_fallbacks of them. Audited per rule and category as
    // "anonymize_fallback" (counts only).
    std::int64_t fallbacks = 0;
    std::vector<AnonymizeFallback> fallback_fields;
    static constexpr std::size_t k_listed_fallbacks = 100;
    // Deletion notices added to the outbox per system (outbox.hpp; not in a dry run).
    std::map<std::string, std::int64_t> notified;
};

// Applies the policy at options.now: streams the store in batches; each batch's deletions,
// anonymisations and audit entries commit in one WriteTransaction, with the subjects of the
// records it deleted or unlinked (Store::add_pending_subjects); those left without records are
// removed in the run's last transaction, or by the next run if this one is killed before (so a
// run killed at any instant leaves a consistent store, and the next run finishes the job). With
// dry_run, computes exactly the same result inside one ReadTransaction and writes nothing; a
// run in batches judges every batch by the store as it was at the start (cases whose records an
// earlier batch deleted still count), so it does exactly its plan.
// max_delete / max_delete_percent: a read-only pass counts the deletions first; if more, throws
// Error(problem, "refusing to purge: N records would be deleted, more than the --max-delete
// limit of M; nothing was changed") before any change.
// Does not checkpoint or vacuum (the caller does, outside any transaction).
// Throws Error(locked) when the write lock cannot be had (StoreOptions::lock_timeout).
PurgeResult purge(Store& store, const Policy& policy, const PurgeOptions& options);

// ---- explain ---------------------------------------------------------------------------------

// Every record of a subject (by ref) or one record (by id), evaluated at now. Throws
// Error(problem, "no subject 'X' in the store 'P'") / ("no record 'X' in the store 'P'").
std::vector<RecordEvaluation> explain_subject(Store& store, const Policy& policy, Instant now,
                                              const std::string& subject_ref);
std::vector<RecordEvaluation> explain_record(Store& store, const Policy& policy, Instant now,
                                             const std::string& record_id);

// ---- anonymisation ---------------------------------------------------------------------------

// Applies one method to a field value (SPEC 3.4). Returns nullopt for `remove`. A value the
// method cannot handle (truncate_ip on "abc", band on a non-number, year on a non-date) is
// replaced by "[redacted]" rather than kept.
std::optional<nlohmann::json> anonymize_value(const nlohmann::json& value, const AnonMethod& m);

// ---- policy tests (SPEC 3.6) -----------------------------------------------------------------

struct TestFailure {
    std::string test;     // test name
    std::string record;   // record id concerned (empty for a setup error)
    std::string expected; // e.g. "deleted", "kept", "anonymized {\"phone\":\"+47 912 3\"}"
    std::string actual;   // e.g. "present (not anonymized)", "deleted"
    SourcePos pos;        // the [[test]] table
};

struct TestCaseResult {
    std::string name;
    bool passed = true;
    std::vector<TestFailure> failures;
};

struct TestReport {
    std::vector<TestCaseResult> cases; // in policy order
    int passed = 0;
    int failed = 0;
};

// Runs every [[test]] of the policy, each on a fresh in-memory store: loads the records, events,
// consents and holds (times parsed in the policy zone), runs purge at each `now` in order, then
// checks the expectations. A malformed test (unknown category, bad time) is a failure of that
// test, not an exception.
TestReport run_policy_tests(const Policy& policy);

} // namespace vern
