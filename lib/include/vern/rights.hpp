#pragma once
// Data-subject rights (SPEC section 6): the art. 15 access report, art. 17 erasure and consent
// withdrawal. Subjects are found with selector.hpp; rights requests are tracked in requests.hpp;
// the erasure ledger (replay after a restore) is in ledger.hpp.
//
// Every function that changes the store runs its changes and their audit entries in ONE
// WriteTransaction (nothing is half-applied), throws vern::Error and prints nothing.
// Audit entries (SPEC 7) carry the subject only as Store::pseudonym(ref), never content:
//   access:   command "access",  action "access",   category C, count = records disclosed in C
//   erase:    command "erase",   action "erase",    category C, count = records deleted in C
//             command "erase",   action "erase_subject" when the subject itself was removed
//   consent:  command "consent", action "give" | "withdraw", rule "consent:PURPOSE"
//             command "consent", action "delete",  category C, count (records it deleted)
// NOTE: these action names and the "consent:PURPOSE" rule form are read back by the erasure
// ledger export (ledger.hpp) and by `vern audit report`; never change them.

#include "vern/policy.hpp"
#include "vern/selector.hpp"
#include "vern/store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vern {

// The language of the fixed texts of a report.
enum class Language { nb, en };
// "nb" | "en"; error: `invalid language "de": expected nb or en`.
Expected<Language> parse_language(std::string_view text);
const char* language_name(Language l);

// A retention rule in plain words, e.g. "deleted 30 days after creation" /
// "slettes 30 dager etter at den ble opprettet"; anonymise rules name their fields and methods,
// round modes and where/consent conditions are spelled out.
// `words`, if given, turns a field key, event kind or consent purpose into words for a citizen
// (the policy's labels, Policy::field_label); by default they are shown as written.
std::string describe_rule(const Rule& rule, Language lang,
                          const std::function<std::string(const std::string&)>& words = {});
// "public task or official authority (GDPR art. 6(1)(e))" / "... (personvernforordningen ...)".
std::string describe_legal_basis(LegalBasis basis, Language lang);

// ---- access (GDPR art. 15, art. 20) ----------------------------------------------------------

struct AccessOptions {
    Language language = Language::nb;
    bool include_special = false;         // show the fields of special categories (art. 9)
    std::optional<std::int64_t> request;  // the request answered (closed by record_access)
    // With request: selector_pseudonym() of the selector used, so that a request registered for
    // a person the store did not hold then is answered too (requests.hpp).
    std::string selector_pseudonym;
};

struct ReportRecord {
    std::string id;
    std::string case_id;              // the episode it belongs to; empty when none
    Instant created{};
    std::optional<Instant> next_due;  // the next scheduled deletion/anonymisation (engine)
    std::string next_action;          // "delete" | "anonymize" | "" (with next_due)
    std::string next_rule;            // rule id of next_due
    // Already due (overdue): what the next purge does to it, since when, and by which rule.
    std::optional<Instant> due_since;
    std::string due_action;           // "delete" | "anonymize" (with due_since)
    std::string due_rule;
    nlohmann::json fields = nlohmann::json::object(); // empty object when withheld
    bool withheld = false;            // special category, shown only with include_special
    bool held = false;                // under an active legal hold
};

struct ReportCategory {
    std::string id;
    bool known = true;                // false: the category is no longer in the policy
    std::string title;
    std::string purpose;
    LegalBasis legal_basis = LegalBasis::public_task;
    std::string legal_basis_text;     // describe_legal_basis in the report's language
    std::string legal_ref;
    Role role = Role::controller;
    std::string controller;           // processor categories: whose data it is
    std::vector<std::string> recipients; // free-text entries and the names of linked recipients
    std::string source;
    bool special = false;
    std::vector<std::string> retention; // describe_rule of every rule covering the category
    std::map<std::string, std::string> labels; // field key -> words, in the report's language
    std::vector<ReportRecord> records;
};

// A place that holds a copy of some of the reported categories (a policy [[recipient]]).
struct ReportRecipient {
    std::string id;
    std::string name;
    RecipientRole role = RecipientRole::processor;
    std::string role_text;            // in the report's language
    std::string engaged_by;           // sub-processor: the name of the processor engaging it
    std::vector<std::string> categories; // ids of the reported categories it holds
    std::vector<std::string> category_titles;
    std::string purpose;
    std::string location;
    bool third_country = false;
    Safeguard safeguard = Safeguard::none;
    std::string safeguard_text;       // in the report's language
    std::string safeguard_ref;
    std::string contact;
    bool active = true;
    std::string note;
};

struct ReportEvent {
    std::string kind;
    std::string label;                // the kind in words ([labels]); the kind if none
    Instant at{};
    std::string record;               // record id for a record event; empty for a subject event
};

struct ReportConsent {
    std::string purpose;
    std::string label;                // the purpose in words ([labels]); the purpose if none
    bool given = true;
    Instant at{};
};

struct ReportRight {
    std::string key;                  // rectification | erasure | restriction | objection |
                                      // portability | withdraw_consent | complaint |
                                      // contact (how to exercise them, and the deadline)
    std::string text;
};

// A deletion notice about the subject's data (outbox.hpp): which system was asked to delete or
// anonymise its copy, when, and when it confirmed.
struct ReportNotice {
    std::string system;         // the [[recipient]] id
    std::string name;           // its name (the id when the policy no longer has it)
    std::string category;
    std::string category_title;
    std::string action;         // "delete" | "anonymize"
    Instant created{};
    std::optional<Instant> acknowledged;
};

struct AccessReport {
    Language language = Language::nb;
    Instant generated{};
    Zone zone = nullptr;
    std::string policy_name;
    std::string controller;
    std::string contact;
    std::string supervisory_authority;
    std::string organisation;         // the policy's name: who runs vern and answers
    std::string statement_title;      // the privacy statement, when the policy names it
    std::string statement_url;
    std::string data_protection_officer;
    std::string storage;
    std::vector<std::string> complaint_bodies;
    std::vector<ReportRecipient> recipients; // those holding a reported category, policy order
    std::string subject;              // the subject's ref; empty in a report for nobody
    // A report for a person the store holds no data about (build_unknown_person_report): the
    // selector kind searched ("email", ...; selector_kind_name). Empty otherwise.
    std::string selector;
    std::string pseudonym;            // for the audit log (the selector's for nobody)
    std::string selector_pseudonym;   // AccessOptions::selector_pseudonym
    bool include_special = false;
    bool special_withheld = false;    // some record's fields were left out
    std::int64_t record_count = 0;
    std::vector<ReportCategory> categories; // policy order, only those with records
    std::vector<ReportEvent> events;
    std::vector<ReportConsent> consents;    // history, by time
    std::map<std::string, bool> consent_state; // purpose -> active at `generated`
    std::vector<ReportRight> rights;
    std::optional<std::int64_t> request;
    std::vector<ReportNotice> notices; // by time
};

// The policy's recipients that hold any of `categories` (policy order), in `lang`.
std::vector<ReportRecipient> report_recipients(const Policy& policy,
                                               const std::vector<ReportCategory>& categories,
                                               Language lang);

// Builds the report of one subject at `now` (reads only, one snapshot). With options.request,
// first checks that the request is open, about this subject and of kind access or portability
// (else Error(problem)); an unknown id is Error(no_input).
AccessReport build_access_report(Store& store, const Policy& policy, const Subject& subject,
                                 Instant now, const AccessOptions& options);

// The report for a person the store holds no data about, answering an open access or
// portability request registered for that same selector (options.request, REQUIRED; its
// pseudonym must be selector_pseudonym(store, selector)): the controller, contact and rights,
// no records, and "We hold no data about you". The caller checked that the selector matches
// nobody. Without options.request: Error(problem, selector_problem(selector, {})); a request
// that does not fit: as build_access_report. record_access audits it (one "access" entry with
// the selector's pseudonym, no category, count 0) and closes the request.
AccessReport build_unknown_person_report(Store& store, const Policy& policy,
                                         const Selector& selector, Instant now,
                                         const AccessOptions& options);

// Audits the disclosure (one "access" entry per category, with its record count; one entry with
// an empty category when the subject has no records) and closes report.request, in one write
// transaction. Call it before handing the report out. `deliver`, if given, runs inside that
// transaction just before it commits (e.g. moving the written report into place): when it
// throws, nothing is audited and the request stays open.
void record_access(Store& store, const Policy& policy, const AccessReport& report, Instant now,
                   const std::function<void()>& deliver = {});

// The three renderings. Text: headed sections for a terminal or a letter. JSON: the art. 20
// export, schema "vern-access-1" (man vern(1), ACCESS REPORT JSON). HTML: one self-contained page.
std::string render_access_text(const AccessReport& report);
nlohmann::json access_report_json(const AccessReport& report);
std::string render_access_html(const AccessReport& report);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// ---- erase (GDPR art. 17) --------------------------------------------------------------------

struct EraseOptions {
    std::vector<std::string> categories;  // only these (each must be a policy category)
    bool include_processor = false;       // also erase processor categories
    bool dry_run = false;                 // compute the outcome, change nothing
    std::optional<std::int64_t> request;  // an open erasure request about this subject: closed
    // With request: selector_pseudonym() of the selector used, so that a request registered for
    // a person the store did not hold then is answered too (requests.hpp).
    std::string selector_pseudonym;
    std::string command = "erase";        // for the audit log
};

// NOTE: the names are a format users rely on (erase JSON "outcome").
enum class EraseOutcome { erased, held, legal_obligation, processor };
// "erased" | "held" | "legal_obligation" | "processor"
const char* erase_outcome_name(EraseOutcome o);

struct ErasureItem {
    std::string record;
    std::string category;
    EraseOutcome outcome = EraseOutcome::erased;
};

struct ErasureCategory {
    std::string category;
    EraseOutcome outcome = EraseOutcome::erased;
    std::int64_t records = 0;
    std::string legal_ref;   // legal_obligation
    std::string controller;  // processor
};

struct ErasureResult {
    std::string subject;      // the subject's ref; empty for a person the store does not hold
    // erase_unknown_person: the selector kind ("email", ...; selector_kind_name). Empty otherwise.
    std::string selector;
    std::string pseudonym;
    Instant now{};
    bool dry_run = false;
    std::vector<ErasureItem> records;          // every record of the subject considered
    std::vector<ErasureCategory> categories;   // grouped by (category, outcome), policy order
    std::int64_t erased = 0;
    std::int64_t retained = 0;
    // Nothing was left: the subject (events, consents) was removed and its pseudonym recorded so
    // that ingest refuses it from now on. Not when anything was retained or an active subject
    // hold exists.
    bool subject_removed = false;
    std::optional<std::int64_t> request_closed;
    // false when a reader kept the WAL alive after the commit (Store::checkpoint): the erased
    // content stays in the WAL file until the next checkpoint.
    bool wal_truncated = true;
    // The systems holding copies that are told (outbox.hpp): system -> notices added. With
    // dry_run: the systems that would be told.
    std::map<std::string, std::int64_t> notified;
};

// Erases one subject's records except those under an active hold, those in legal_obligation
// categories and (unless include_processor) processor categories. With dry_run nothing changes
// and no lock is taken. Throws Error(data) for an unknown --category, Error(problem) for a
// request that is not an open erasure request about this subject.
ErasureResult erase_subject(Store& store, const Policy& policy, const Subject& subject, Instant now,
                            const EraseOptions& options);

// Answers an open erasure request registered for a person the store holds no data about
// (options.request, REQUIRED; its pseudonym must be selector_pseudonym(store, selector)):
// nothing to erase; the request is closed (its audit entry "request_close" under
// options.command, with the selector's pseudonym) and its extension reason, which may name the
// person, replaced by k_reason_removed. The caller checked that the selector matches nobody.
// With dry_run nothing changes. Without options.request: Error(problem, selector_problem(
// selector, {})); an unknown --category: Error(data); a request that does not fit: as
// erase_subject.
ErasureResult erase_unknown_person(Store& store, const Policy& policy, const Selector& selector,
                                   Instant now, const EraseOptions& options);

// ---- consent ---------------------------------------------------------------------------------

// The purposes a policy knows: every consent_purpose, if_consent and unless_consent, sorted.
std::vector<std::string> consent_purposes(const Policy& policy);

struct ConsentResult {
    std::string subject;
    std::string purpose;
    bool given = true;
    Instant at{};
    bool recorded = false;          // false when an identical change was already stored
    bool subject_created = false;
    std::map<std::string, std::int64_t> deleted; // category -> records deleted by the withdrawal
    std::int64_t deleted_total = 0;
    std::int64_t held = 0;          // consent-based records kept because of an active hold
    bool wal_truncated = true;      // as in ErasureResult
    std::map<std::string, std::int64_t> notified; // system -> deletion notices added (outbox)
};

// Records a consent (the subject is created if new, unless it was erased: Error(data)).
// Throws Error(data) for a purpose the policy does not know or `at` after `now`.
ConsentResult give_consent(Store& store, const Policy& policy, const std::string& ref,
                           const std::string& purpose, Instant at, Instant now);

// Records a withdrawal and, in the same transaction, deletes the subject's records in the
// categories whose consent_purpose is `purpose` (except held ones). The subject stays, even with
// no records left, so that its withdrawal keeps ingest from bringing the data back. Unknown
// subject: Error(problem).
ConsentResult withdraw_consent(Store& store, const Policy& policy, const std::string& ref,
                               const std::string& purpose, Instant at, Instant now);

// The body of withdraw_consent for a caller that already holds a WriteTransaction (ingest of a
// withdrawal line): stores the withdrawal and deletes the records that rested on the consent,
// with audit entries under `command`. A withdrawal stamped after `now` has not happened yet: it
// is stored, but nothing is deleted. Audited only when something changed. REQUIRES a write
// transaction; `purpose` known to the policy.
ConsentResult apply_consent_withdrawal(Store& store, const Policy& policy, const Subject& subject,
                                       const std::string& purpose, Instant at, Instant now,
                                       const std::string& command);

struct ConsentStatus {
    std::string subject;
    std::vector<ConsentChange> history;  // by time
    std::map<std::string, bool> active;  // every purpose in the history -> active at now
};
ConsentStatus list_consents(Store& store, const std::string& ref, Instant now);

} // namespace vern
