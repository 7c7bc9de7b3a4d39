#pragma once
// The plain data the record store reads and writes (store.hpp): subjects, records, events,
// consents, holds, requests, what a batch scan returns, outbox notices and whole-table rows.
// Conventions as in store.hpp: Instants are UTC seconds, RowId is the store's internal key.

#include "vern/audit.hpp"
#include "vern/policy.hpp"
#include "vern/time.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vern {

using RowId = std::int64_t;

// What replaces a free-text reason that went with the subject's data (forget_subject_reasons).
inline constexpr std::string_view k_reason_removed = "[removed with the subject's data]";


// ---- plain data ------------------------------------------------------------------------------

struct Subject {
    RowId rowid = 0;
    std::string ref;
    Instant created{}; // when the store first saw it
};

// A record as given to upsert_record (an ingest line or a policy test).
struct NewRecord {
    std::string id;       // external id; REQUIRES non-empty (ingest generates one if absent)
    std::string subject;  // subject ref; REQUIRES non-empty; created if new
    std::string category;
    Instant created{};
    nlohmann::json fields = nlohmann::json::object(); // REQUIRES an object of strings/numbers/bools
    RowId subject_rowid = 0; // optional hint: the rowid of `subject` if the caller knows it
    std::string case_id;     // the episode (SPEC 3.5 "Cases"); empty: the person as a whole
};

// A stored record.
struct StoredRecord {
    RowId rowid = 0;
    std::string id;
    RowId subject_rowid = 0;  // 0 when unlinked
    std::string subject;      // ref; empty when unlinked
    std::string category;
    Instant created{};
    std::string fields_json;  // the fields object as stored (compact JSON text)
    std::vector<std::string> applied_rules; // anonymize rule ids already applied, sorted
    bool unlinked = false;
    std::string case_id;      // empty: no case (belongs to the subject as a whole)

    nlohmann::json fields() const; // parses fields_json
};

enum class UpsertOutcome {
    inserted,          // a new record
    replaced,          // the record with that id existed (same subject) and was replaced
    subject_conflict,  // the id belongs to another subject: nothing changed
    unlinked_conflict, // the id belongs to an anonymised, unlinked record: nothing changed
};

struct UpsertResult {
    UpsertOutcome outcome = UpsertOutcome::inserted;
    RowId rowid = 0;          // the record's rowid (0 on conflict)
    RowId subject_rowid = 0;
    bool subject_created = false;
    std::string existing_subject; // on subject_conflict: the ref the id belongs to
};

// A change to a stored record made by an anonymize rule.
struct RecordUpdate {
    RowId rowid = 0;
    std::string fields_json;                // new fields (compact JSON object)
    std::vector<std::string> applied_rules; // the complete new set
    bool unlink = false;                    // detach from the subject (irreversible)
    Instant at{};                           // when (for the erased key of the former id)
};

enum class EventScope { subject, record, global };
const char* event_scope_name(EventScope s); // "subject" | "record" | "global"

struct Event {
    EventScope scope = EventScope::subject;
    RowId subject_rowid = 0; // for scope subject
    RowId record_rowid = 0;  // for scope record
    std::string kind;
    Instant at{};
    std::string case_id;     // scope subject only: the case it belongs to; empty: every case
};

// One change of a subject's consent to a purpose (given or withdrawn at a time). The history is
// kept; a consent is active at `now` iff the latest change at or before `now` is a giving (a
// withdrawal and a giving at the same instant: the withdrawal wins).
struct ConsentChange {
    std::string purpose;
    bool given = true;
    Instant at{};
};

struct Hold {
    std::int64_t id = 0;
    RowId subject_rowid = 0;     // 0 for a category hold
    std::string subject;         // ref; empty for a category hold
    std::string category;        // empty for a subject hold
    std::string reason;
    Instant placed{};
    std::optional<Instant> released;
    // Active from the moment it is placed until it is released, whatever --now says: unlike
    // events and consents, a hold is not judged "as of now". A what-if run at a --now before
    // the hold was placed must not delete what the hold protects today (vern(1), hold).
    bool active() const { return !released; }
};

struct Request {
    std::int64_t id = 0;
    std::string kind;            // access | erasure | rectification | restriction | objection | portability
    RowId subject_rowid = 0;     // 0 once the subject was removed
    std::string subject;         // ref; empty once the subject was removed
    // Store::pseudonym(ref) of the subject; for a request registered for a person the store did
    // not hold, the pseudonym of the selector instead (selector.hpp, selector_pseudonym).
    std::string subject_pseudonym;
    // The selector kind ("subject", "email", "phone", "national_id", "name") of a request
    // registered for a person the store did not hold (subject_rowid 0 from the start); empty for
    // a request about a subject.
    std::string selector;
    Instant received{};
    Instant due{};
    std::optional<Instant> extended_due; // after `request extend`
    std::string extension_reason;
    std::optional<Instant> closed;
    Instant effective_due() const { return extended_due ? *extended_due : due; }
};

// Selector kinds of SPEC section 2 that go through the identifier index.
enum class IdentifierKind { email, phone, national_id, name };
const char* identifier_kind_name(IdentifierKind k); // "email" | "phone" | "national_id" | "name"

// The normal form under which identifier values are indexed and looked up: email lower-cased and
// trimmed; phone with spaces, dashes, dots and parentheses removed and a leading +47/0047 dropped;
// national_id with spaces removed; name trimmed, inner whitespace collapsed, case-folded (ASCII
// and Latin-1 letters such as Æ Ø Å). Pure function; no validation (rights code checks fnr digits).
std::string normalize_identifier(IdentifierKind kind, std::string_view value);

// ---- streaming reads for the engine ----------------------------------------------------------

// What scan_records() reads and computes. Everything is judged at `now`: events, consent changes
// and records stamped after `now` are ignored.
// A set of subject rowids, asked once per record by a scan: a bitmap when the rowids are small
// enough (they are dense in a store), else a sorted vector.
class SubjectSet {
  public:
    SubjectSet() = default;
    explicit SubjectSet(std::vector<RowId> sorted_sids); // sorted, unique
    bool contains(RowId sid) const {
        if (!m_bits.empty() || m_sorted.empty()) {
            return sid >= 0 && static_cast<std::size_t>(sid) < m_bits.size() &&
                   m_bits[static_cast<std::size_t>(sid)];
        }
        return std::binary_search(m_sorted.begin(), m_sorted.end(), sid);
    }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

  private:
    std::vector<bool> m_bits;
    std::vector<RowId> m_sorted; // when the largest rowid is too large for a bitmap
    std::size_t m_size = 0;
};

// ---- the quiet table: what vern status may pass over (SQLite) --------------------------------
//
// A row (sid, since, until) says: evaluated at `since`, no record of the subject was due or held,
// none falls due before `until`, and no fact of the subject (nor a global event) lies in (since,
// until). While the subject's data do not change, its evaluation at any now in [since, until)
// shows nothing overdue, held or due before `until`: an outlook at such a now whose window ends
// before `until` may pass the subject over. Only such subjects get a row (one whose `until` is
// past the window of the run that writes it); triggers delete the row when anything an
// evaluation reads changes (man vern-store(5)). Rows hold for one policy and one revision of
// the engine (meta key `quiet_policy`: the policy digest, ':', the revision).

struct QuietTable {
    bool current = false;      // written under this policy: the rows may be used
    std::vector<RowId> quiet;  // since <= now and until > horizon: nothing to report; sorted
    RowId max_sid = 0;         // the largest subject rowid, and how many subjects there are
    std::int64_t subjects = 0; // (to size what the outlook keeps per subject)
};

// Rows to write after a status run: the subjects evaluated that turned out quiet.
struct QuietUpdate {
    std::string policy_digest; // with the engine's revision (the `quiet_policy` value)
    bool replace_all = false;      // the table was written under another policy
    Instant since{};
    std::vector<std::pair<RowId, Instant>> rows; // (sid, until), by sid
};

struct RecordScan {
    Instant now{};
    std::vector<std::string> categories;   // empty: every category
    std::optional<RowId> subject_rowid;    // only this subject's records (explain/access/erase)
    std::optional<std::string> record_id;  // only this record (explain --record)
    std::vector<std::string> event_kinds;  // kinds of record/subject events to read
    bool all_event_kinds = false;          // read every kind (a last_activity rule without
                                           // `activity` counts them all)
    bool cases = false;                    // fill SubjectHistory::cases (an event:K rule)
    std::vector<std::string> consent_purposes; // purposes for which consents is filled
    std::size_t batch_size = 10000;
    RowId after_rowid = 0;                 // resume after this rowid
    // Fill StoredRecord::subject (the ref). Deciding needs only subject_rowid; the ref is for
    // what is shown or sent. Without it the scan does not read the subjects table, whose pages,
    // one per record in a random order, do not fit the cache of a large store.
    bool subject_refs = true;
    // The categories whose records need their subject's history and consents (rules anchored on
    // events or activity, consent conditions); nullopt: every category. Records of the other
    // categories get no SubjectHistory and no consents, and their subjects are not looked up:
    // with subjects scattered over the store, that is one random index seek per record saved.
    std::optional<std::vector<std::string>> history_categories;
    // Fill StoredRecord::fields_json. Only `where` conditions, anonymisation and what is shown
    // read the fields; a count (vern status) leaves the largest column of the row unread.
    bool fields = true;
    // Read the subject histories of the whole store in one pass before the first batch, when
    // they come to at most this many groups (store/history_preload.hpp); 0: per batch. Only for
    // a scan inside one read transaction (the store must not change between batches), and not
    // for one subject's or one record's scan. PostgreSQL reads per batch.
    std::size_t history_preload_limit = 0;
    // Subjects whose records the scan passes over (vern status: subjects the quiet table says
    // have nothing due for a while, QuietTable). Unlinked records are never passed over. Each
    // record passed over adds one to *skipped_records, if given (read by another thread).
    const SubjectSet* skip_subjects = nullptr;
    std::atomic<std::int64_t>* skipped_records = nullptr;
};

// The latest subject event of one kind and one case (empty case: the caseless events), at or
// before now. The engine needs nothing finer: the latest event of a kind at or after a record's
// creation exists iff the latest of its group is at or after it.
struct EventGroup {
    std::string kind;
    std::string case_id;
    Instant latest{};
    bool operator==(const EventGroup&) const = default;
};

// What the engine needs to know of a subject to anchor its records (shared by its records).
struct SubjectHistory {
    std::vector<EventGroup> events;          // subject events, one per (kind, case)
    std::map<std::string, Instant> cases;    // case -> its newest record's creation (<= now)
};

struct ScannedRecord {
    StoredRecord record;
    // kind -> the latest event naming this record, at or before now (only the scan's kinds).
    std::map<std::string, Instant> record_events;
    // The subject's events and cases; null for an unlinked record.
    std::shared_ptr<const SubjectHistory> subject;
    bool held = false;                 // an active hold (subject or category) covers it at now
    std::map<std::string, bool> consents; // purpose -> active at now (RecordScan::consent_purposes)
};

// Called with each batch in rowid order; return false to stop. The batch is fully read before the
// call and no statement is left open, so the callback may change the store (e.g. delete the batch
// inside a WriteTransaction). The callback may take the batch (swap the vector out:
// evaluate_records hands it to a thread of its own); the scan refills whatever vector is left.
using BatchCallback = std::function<bool(std::vector<ScannedRecord>& batch)>;

// ---- the outbox: deletion notices for the systems that hold copies (outbox.hpp) -------------

// One notice to one system (a [[recipient]] with `deliver`) that a record it holds was deleted
// or anonymised. Written in the same transaction as the change; acknowledged by the system.
struct Notice {
    std::int64_t seq = 0;            // the store's key, in creation order
    std::string notice;              // the id the system sees (outbox.hpp, notice_id)
    std::string system;              // the [[recipient]] id
    std::string action;              // "delete" | "anonymize"
    std::string category;
    std::string cause;               // "rule:ID" | "erasure" | "consent:PURPOSE"
    std::string record_id;           // the record's id, if the system identifies by it; empty
                                     // otherwise and once acknowledged
    std::string subject_ref;         // likewise for the subject's ref
    std::string subject_pseudonym;   // Store::pseudonym(ref) (access report); empty if unlinked
    std::string detail = "{}";       // JSON object: anonymize: {"fields": [...], "unlink": b}
    Instant created{};
    std::int64_t attempts = 0;       // failed deliveries so far
    std::optional<Instant> last_attempt;
    std::string last_error;          // of the last failed delivery ("exit status 3", ...)
    std::optional<Instant> acked;
};

struct NoticeQuery {
    std::string system;              // empty: every system
    bool pending_only = true;        // only notices not acknowledged
    std::int64_t after_seq = 0;      // resume after this seq
    std::size_t limit = 0;           // 0: no limit
};

// A system's outbox at a glance.
struct OutboxStats {
    std::int64_t pending = 0;
    std::int64_t overdue = 0;        // pending and created before the cutoff given
    std::optional<Instant> oldest_pending;
    std::int64_t acked = 0;
    std::optional<Instant> last_acked;
    std::int64_t failed = 0;         // pending notices with at least one failed delivery
    std::string last_error;          // of the newest failed attempt
};

// ---- whole tables (vern store copy) ----------------------------------------------------------

// One of the store's tables with every column, as both backends name them (man vern-store(5)).
struct StoreTable {
    const char* name;
    std::vector<const char*> columns;
};
// Every table of the current schema, parents before children (foreign keys), meta first.
const std::vector<StoreTable>& store_tables();
// A row as text values in the table's column order (integers in decimal); nullopt is NULL.
using TableRow = std::vector<std::optional<std::string>>;

} // namespace vern
