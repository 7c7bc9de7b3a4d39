#pragma once
// The policy: categories of personal data and the retention rules that keep them (SPEC section 3),
// loaded from one TOML file or a directory of *.toml files, with gcc-style diagnostics.
//
// NOTE: the TOML keys are a format users rely on (man vern-policy(5)). Add keys; never rename or
// change the meaning of existing ones.

#include "vern/time.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vern {

// A position in a policy file, for diagnostics. line/column are 1-based; 0 when unknown.
struct SourcePos {
    std::string file;
    int line = 0;
    int column = 0;
};

enum class Severity { warning, error };

// One problem found in a policy: printed as "FILE:LINE:COL: error: MESSAGE".
struct Diagnostic {
    SourcePos pos;
    Severity severity = Severity::error;
    std::string message;
};

enum class LegalBasis { consent, contract, legal_obligation, vital_interests, public_task,
                        legitimate_interests };
const char* legal_basis_name(LegalBasis b); // "public_task", ...

enum class Role { controller, processor };

struct PolicyInfo {
    std::string name;
    std::string controller;
    std::string contact;
    std::string timezone;                    // IANA name as written
    Zone zone = nullptr;                     // resolved time zone
    std::string language = "nb";             // "nb" | "en"
    Duration request_deadline{0, 0, 30, "30d"};
    std::string supervisory_authority;
    // The privacy statement this policy encodes (`statement = { title, url }`); empty when absent.
    std::string statement_title;
    std::string statement_url;
    std::string data_protection_officer;        // GDPR art. 13(1)(b); empty when none is named
    std::string storage;                        // where the data are stored, in words
    std::vector<std::string> complaint_bodies;  // besides the supervisory authority
    SourcePos pos;
};

// Field key -> words for a citizen, in one language (`[labels.nb]`, a category's `labels.en`).
using FieldLabels = std::map<std::string, std::string>;

// Which record fields identify a subject, per selector kind (SPEC 3.2).
struct Identifiers {
    std::vector<std::string> email;
    std::vector<std::string> phone;
    std::vector<std::string> national_id;
    std::vector<std::string> name;
};

struct Category {
    std::string id;
    std::string title;
    std::string purpose;
    LegalBasis legal_basis = LegalBasis::public_task;
    std::string legal_ref;         // optional
    std::string consent_purpose;   // set iff legal_basis == consent
    Role role = Role::controller;
    std::string controller;        // set iff role == processor
    std::vector<std::string> recipients;
    std::string source;
    bool special = false;          // GDPR art. 9 special category
    std::optional<std::vector<std::string>> fields; // if set, ingest rejects other fields
    std::map<std::string, FieldLabels> labels;  // language ("nb" | "en") -> overrides
    std::vector<std::string> free_text;         // fields holding free text
    std::vector<std::string> times;             // fields holding dates or times
    SourcePos pos;
};

// A place outside the controller that holds a copy of some categories' data (`[[recipient]]`):
// a processor, a processor's sub-processor, or a third party that receives the data and decides
// about them itself. One concept for every copy, so that deletions can reach each of them.
// `source`: one of the controller's own systems that holds the originals vern's records were
// ingested from (the chat service, the case journal); not a recipient in the GDPR sense, so the
// access report does not list it among those who hold copies.
enum class RecipientRole { processor, sub_processor, controller, source };
// "processor" | "sub_processor" | "controller" | "source"
const char* recipient_role_name(RecipientRole r);

// How a place that holds copies learns of deletions (the outbox, man vern-policy(5)).
enum class Delivery { none, exec, pull };
const char* delivery_name(Delivery d); // "" | "exec" | "pull"

// The safeguard of a transfer outside the EU/EEA (GDPR art. 45, 46, 47, 49).
enum class Safeguard { none, adequacy_decision, standard_contractual_clauses,
                       binding_corporate_rules, derogation };
const char* safeguard_name(Safeguard s); // "adequacy_decision", ...; "" for none

struct Recipient {
    std::string id;
    std::string name;
    RecipientRole role = RecipientRole::processor;
    std::string engaged_by;              // sub_processor: the id of the processor engaging it
    std::vector<std::string> categories; // resolved: listed, "*" expanded, and named by categories
    std::string purpose;
    std::string location;
    bool third_country = false;          // outside the EU/EEA
    Safeguard safeguard = Safeguard::none;
    std::string safeguard_ref;
    std::string contact;
    bool active = true;                  // false: named by the statement, not in use at present
    std::string note;
    // Deletion notices (none: vern tells it nothing; its deletions are the operator's job).
    Delivery deliver = Delivery::none;
    // exec: the program and its arguments (no shell). A program path with a '/' that is not
    // absolute is resolved against the directory of the policy file that declares it.
    std::vector<std::string> command;
    int timeout_seconds = 60;            // exec: a batch not acknowledged by then has failed
    std::size_t batch_size = 1000;       // exec: notices per run of the command
    Duration confirm_within{0, 0, 7, "7d"}; // a notice pending longer is overdue
    bool identify_record = true;         // `identify`: notices carry the record's id ...
    bool identify_subject = false;       // ... and/or the subject's ref
    SourcePos pos;

    // Notices are made for it: it has `deliver` and is in use.
    bool notified() const { return deliver != Delivery::none && active; }

    bool holds(const std::string& category_id) const;
};

enum class AnchorKind { created, event, global, last_activity };

// `after = "created" | "event:KIND" | "global:KIND" | "last_activity"`.
struct Anchor {
    AnchorKind kind = AnchorKind::created;
    std::string event_kind; // for event / global
    std::string text() const; // back to the policy spelling
};

enum class Action { erase, anonymize }; // erase is `action = "delete"`
const char* action_name(Action a);      // "delete" | "anonymize"

// One anonymisation method (SPEC 3.4).
struct AnonMethod {
    enum class Kind { remove, redact, drop_last, mask_last, truncate_ip, band, year, month, week };
    Kind kind = Kind::remove;
    int n = 0;        // for drop_last:N, mask_last:N, band:N
    std::string text; // as written, e.g. "drop_last:4"
};

struct Rule {
    std::string id;
    std::vector<std::string> categories; // resolved category ids; every category for "*"
    bool all_categories = false;         // category = "*"
    Anchor after;
    Duration keep;
    Round round = Round::none;
    Action action = Action::erase;
    std::map<std::string, AnonMethod> fields; // anonymize only: field -> method
    bool unlink = false;                      // anonymize only
    std::map<std::string, nlohmann::json> where; // field -> required value (string/number/bool)
    // last_activity only: the event kinds that count as activity (sorted, unique); empty: every
    // record and subject event counts. The record's creation always counts.
    std::vector<std::string> activity;
    std::string if_consent;     // empty when absent
    std::string unless_consent; // empty when absent
    SourcePos pos;

    bool covers(const std::string& category_id) const;
};

// A policy test case (SPEC 3.6). Records, events and consents have the shape of ingest lines
// (SPEC section 4) without "type"; they are kept as JSON and validated when the test runs.
struct PolicyTest {
    std::string name;
    std::vector<Instant> now;            // one purge per instant, in order ("now" may be a list)
    std::vector<nlohmann::json> records; // {"id","subject","case","category","created","fields"}
    std::vector<nlohmann::json> events;  // {"subject"[,"case"]|"record"|"scope":"global","kind","at"}
    std::vector<nlohmann::json> consents;// {"subject","purpose","given"|"withdrawn"}
    std::vector<nlohmann::json> holds;   // {"subject"} | {"category"}
    std::vector<std::string> expect_deleted;
    std::vector<std::string> expect_kept;      // present, no anonymize rule applied
    std::map<std::string, nlohmann::json> expect_anonymized; // id -> exact fields afterwards
    std::vector<std::string> expect_unlinked;  // detached from their subject
    SourcePos pos;
};

struct Policy {
    PolicyInfo info;
    Identifiers identifiers;
    std::vector<Category> categories;
    std::vector<Rule> rules;
    std::vector<Recipient> recipients;
    std::map<std::string, FieldLabels> labels; // language ("nb" | "en") -> field labels
    std::vector<PolicyTest> tests;
    std::vector<std::string> files; // the files read, in order
    std::string digest;             // hex SHA-256 over the files (sorted paths and contents)

    const Category* find_category(const std::string& id) const;
    const Recipient* find_recipient(const std::string& id) const;
    // The words for a field of a category in `language`: the category's label, else the
    // policy's, else the field key itself.
    std::string field_label(const std::string& category_id, const std::string& field,
                            const std::string& language) const;
};

struct PolicyLoad {
    Policy policy;
    std::vector<Diagnostic> diagnostics; // errors and warnings, in file/line order
    bool has_errors() const;
    bool has_warnings() const;
};

// A policy path that cannot be read at all (it does not exist, a directory has no *.toml files,
// it is unreadable): a vern::Error that also names the path, as given or as shown in
// diagnostics, so that `check --format json` can put it in a diagnostic of its own.
class PolicyFileError : public Error {
  public:
    PolicyFileError(Code code, std::string path, std::string message)
        : Error(code, std::move(message)), m_path(std::move(path)) {}
    const std::string& path() const { return m_path; }

  private:
    std::string m_path;
};

// Loads a policy from files and/or directories (a directory contributes its *.toml files, sorted
// by name). Never throws for problems in the policy text: they become diagnostics. Throws
// PolicyFileError (a vern::Error): no_input if a path does not exist or a directory has no
// *.toml files, permission if unreadable, io if reading fails.
PolicyLoad load_policy(const std::vector<std::string>& paths);

// Groups command-line POLICY arguments (of `check` and `test`) into policies: each argument is one
// policy (a file, or a directory whose *.toml files together form one), except a directory with
// no *.toml files of its own whose subdirectories hold them (like vern's policies/, one
// subdirectory per organisation): there each such subdirectory, in name order, is a policy.
// Paths are not checked here; load_policy reports missing ones.
std::vector<std::vector<std::string>> group_policy_arguments(const std::vector<std::string>& args);

// Loads and requires a valid policy: throws vern::Error(data) listing the diagnostics
// ("FILE:LINE:COL: error: ...") if there is any error. For commands other than `check`.
Policy load_valid_policy(const std::vector<std::string>& paths);

// "FILE:LINE:COL: error: MESSAGE"
std::string format_diagnostic(const Diagnostic& d);

// Retention changes between two versions of a policy, for `vern check --baseline`.
struct PolicyChange {
    enum class Kind { category_added, category_removed, rule_added, rule_removed, longer, shorter,
                      changed };
    Kind kind;
    std::string category; // category id concerned
    std::string rule;      // rule id concerned (empty for category changes)
    std::string before;    // e.g. "delete 30d after created"
    std::string after;
};
const char* change_kind_name(PolicyChange::Kind k); // "longer", "category_added", ...
std::vector<PolicyChange> compare_policies(const Policy& old_policy, const Policy& new_policy);

} // namespace vern
