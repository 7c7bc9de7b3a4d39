#pragma once
// The record store: subjects, records, events, consents, holds, requests, erased-subject
// pseudonyms, the audit log and store metadata (SPEC sections 1, 4-7).
//
// `Store` is an abstract interface; open_store() picks the backend from the store string: an
// SQLite file, or a PostgreSQL database (a postgresql:// URI or a libpq key/value string, with
// vern's own `schema=NAME` parameter; lib/src/store/pg_store.hpp).
// Everything the engine and the rights commands need goes through this header.
//
// Conventions:
//  - Times are Instants (UTC seconds). The store keeps them as integer Unix seconds.
//  - RowId is the store's internal key of a subject or record (stable while the row exists);
//    the external keys are a subject's `ref` and a record's `id`.
//  - Every method throws vern::Error: Code::io for database failures (the message names the store
//    path), Code::locked when a write lock cannot be had within the lock timeout.
//  - Methods that change anything REQUIRE an open WriteTransaction on this store; methods that only
//    read may run outside a transaction or inside a ReadTransaction (a consistent snapshot).
//  - A Store is not thread-safe: one thread uses it at a time.
//
// NOTE: the on-disk schema is a documented format that other programs may write to
// (man vern-store(5)). Add tables, columns and migrations; never rename, remove or change the
// meaning of existing ones, and never change how pseudonyms or audit hashes are computed.

#include "vern/store_types.hpp"

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

// The schema version this build writes. NOTE: persisted in the store's `meta` table; bump it by
// exactly one with every migration (lib/src/store/sqlite_schema.cpp).
inline constexpr int k_schema_version = 8;

struct StoreOptions {
    bool create = false;     // create the store if it does not exist (only `vern init`)
    bool read_only = false;  // open without write access; WriteTransaction then throws Error(io)
    // Seconds to wait for another writer, 0: fail at once. A writable store is held by one vern
    // run from open to close (open_store waits for it), and each WriteTransaction also waits
    // this long for SQLite's write lock (other programs writing the store).
    int lock_timeout = 30;
    // PostgreSQL only: a writable open that does not take the one-writer lock for the whole
    // run, only each write transaction's append lock (a batch of a running purge at most). For
    // commands that write little next to what they read (an access report's audit entry), so
    // that a nightly purge on another host does not hold them up. SQLite ignores it (its file
    // lock is per run).
    bool shared_writer = false;
    // With read_only (vern status): SQLite opens the file for writing when this user may, yet
    // takes no writer lock and never waits for one. Only save_quiet() writes through it, and only
    // when no other run holds the store (store_types.hpp, QuietTable).
    bool save_quiet = false;
};

// What open_store() found and did: for `vern init` and for warnings the CLI prints.
struct OpenReport {
    bool created = false;     // the store file was created by this open
    int schema_before = 0;    // schema version found (0 when created)
    int schema_version = 0;   // schema version now
    std::vector<std::string> warnings; // e.g. "store 'x' is readable by group/others (mode 0644); run chmod 600 x"
};

// ---- the store -------------------------------------------------------------------------------

class Store {
  public:
    virtual ~Store() = default;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Where the store is ("vern.db", ":memory:"), for messages.
    virtual const std::string& path() const = 0;
    virtual const OpenReport& open_report() const = 0;
    virtual int schema_version() const = 0;

    // -- transactions (use WriteTransaction / ReadTransaction rather than these) --
    // begin_write: takes the single write lock, waiting up to lock_timeout seconds; throws
    // Error(locked, "the store 'x' is locked by another vern run (waited N s); try again later").
    virtual void begin_write() = 0;
    virtual void begin_read() = 0;  // a consistent read snapshot
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
    virtual bool in_transaction() const = 0;

    // -- subjects --
    virtual std::optional<Subject> find_subject(std::string_view ref) = 0;
    virtual std::optional<Subject> find_subject(RowId rowid) = 0;
    // Returns the subject, creating it if new (second = true). REQUIRES a write transaction.
    virtual std::pair<Subject, bool> ensure_subject(std::string_view ref, Instant now) = 0;
    // Subjects whose indexed identifier `kind` equals normalize_identifier(kind, value).
    virtual std::vector<Subject> find_subjects_by_identifier(IdentifierKind kind,
                                                             std::string_view value) = 0;
    // Removes a subject with its events, consents, holds and identifier rows; open requests keep
    // the pseudonym only. REQUIRES a write transaction and that the subject has no records left.
    virtual void delete_subject(RowId subject_rowid) = 0;
    // Among `candidates`, removes the subjects left without records, except those with an open
    // request or an active hold; those are marked as emptied at `now` instead. Returns the
    // removed subjects (for audit pseudonyms).
    virtual std::vector<Subject> delete_orphan_subjects(std::span<const RowId> candidates,
                                                        Instant now) = 0;
    // Subjects emptied earlier whose open request was closed or hold released since, and that
    // are still without records: removes them (apply, REQUIRES a write transaction) or only
    // counts them. Returns how many.
    virtual std::int64_t remove_emptied_subjects(bool apply) = 0;
    // The subject stays on purpose (a consent withdrawal or an erasure kept it, so that ingest
    // refuses what went): remove_emptied_subjects must not remove it. REQUIRES a write
    // transaction.
    virtual void mark_kept(RowId subject_rowid) = 0;
    virtual std::int64_t count_subjects() = 0;
    // Subjects whose removal a purge put off: the subjects of the records a batch deleted or
    // unlinked, written in that batch's transaction (meta keys `pending_subjects.N`, JSON
    // arrays of sids) and given to delete_orphan_subjects later in the run, so that a run killed
    // before that leaves them for the next run. delete_subject takes a subject out of them
    // (SQLite may hand a removed subject's sid out again). REQUIRES a write transaction.
    virtual void add_pending_subjects(std::span<const RowId> subjects) = 0;
    // The pending subjects that still exist and are not marked emptied; sorted, unique. Rows
    // written by earlier vern versions hold [sid, created] pairs: such a subject counts only
    // with the same creation time.
    virtual std::vector<RowId> pending_subjects() = 0;
    // Forgets every pending subject. REQUIRES a write transaction.
    virtual void clear_pending_subjects() = 0;
    // Among `subjects`, those that exist, each with the rowid of its last linked record (0 for
    // none); sorted by subject.
    virtual std::vector<std::pair<RowId, RowId>> last_records(std::span<const RowId> subjects) = 0;

    // -- records --
    // The fields named in `ids` are indexed as identifiers by upsert_record/update_records from
    // now on (the policy's [identifiers]). Call once after opening; default: nothing indexed.
    virtual void set_identifier_fields(const Identifiers& ids) = 0;
    // Inserts or replaces (same id, same subject) a record; a replaced record keeps its rowid and
    // record events, and its applied rules are cleared. On conflict nothing changes.
    // REQUIRES a write transaction.
    virtual UpsertResult upsert_record(const NewRecord& record, Instant now) = 0;
    virtual std::optional<StoredRecord> find_record(std::string_view id) = 0;
    virtual std::optional<RowId> find_record_rowid(std::string_view id) = 0;
    virtual std::optional<StoredRecord> find_record_by_rowid(RowId rowid) = 0;
    // Deletes records (their record events and identifier rows go with them). Returns the number
    // deleted; unknown rowids are ignored. REQUIRES a write transaction.
    virtual std::int64_t delete_records(std::span<const RowId> rowids) = 0;
    // Applies anonymisations. REQUIRES a write transaction.
    virtual void update_records(std::span<const RecordUpdate> updates) = 0;
    virtual std::int64_t count_records() = 0;
    virtual std::map<std::string, std::int64_t> count_records_by_category() = 0;

    // Streams records in rowid order in batches (see RecordScan, ScannedRecord). Set-oriented: a
    // fixed number of queries per batch, never one per record.
    virtual void scan_records(const RecordScan& scan, const BatchCallback& on_batch) = 0;
    // kind -> latest global event at or before now.
    virtual std::map<std::string, Instant> latest_global_events(Instant now) = 0;

    // -- events and consents --
    // Stores an event unless an identical one (scope, subject/record, kind, at) exists. Returns
    // true if it was new. REQUIRES a write transaction.
    virtual bool add_event(const Event& event) = 0;
    // Events of a subject (subject events and record events of its records), ordered by time.
    virtual std::vector<Event> subject_events(RowId subject_rowid) = 0;
    // Stores a consent change unless identical. Returns true if it was new.
    // REQUIRES a write transaction.
    virtual bool add_consent(RowId subject_rowid, const ConsentChange& change) = 0;
    virtual std::vector<ConsentChange> consent_history(RowId subject_rowid) = 0; // by time
    virtual bool consent_active(RowId subject_rowid, std::string_view purpose, Instant now) = 0;
    // True if the subject has a withdrawal of `purpose` at or before `now` and no giving after it.
    virtual bool consent_withdrawn(RowId subject_rowid, std::string_view purpose, Instant now) = 0;

    // -- holds --
    // REQUIRES a write transaction; hold.id is assigned and returned.
    virtual std::int64_t place_hold(const Hold& hold) = 0;
    // Sets the release time; throws Error(no_input) for an unknown or already released id.
    virtual void release_hold(std::int64_t id, Instant at) = 0;
    virtual std::vector<Hold> list_holds() = 0; // every hold, by id

    // -- requests --
    virtual std::int64_t open_request(const Request& request) = 0; // returns the new id
    virtual std::optional<Request> find_request(std::int64_t id) = 0;
    // Writes extended_due, extension_reason and closed of an existing request.
    virtual void update_request(const Request& request) = 0;
    virtual std::vector<Request> list_requests() = 0; // every request, by id

    // Free-text reasons (`request extend --reason`, `hold place --reason`) may name the person,
    // so they go with the person's data: this replaces the extension reasons of the subject's
    // requests and the reasons of its subject holds by k_reason_removed (dates, kinds and the
    // holds themselves stay). Called by an erasure. The store also does it by itself for the
    // requests of every subject it removes (delete_subject, delete_orphan_subjects,
    // remove_emptied_subjects); a subject's holds are removed with it. REQUIRES a write
    // transaction.
    virtual void forget_subject_reasons(RowId subject_rowid) = 0;

    // -- erased subjects --
    // The keyed pseudonym of a subject ref: hex HMAC-SHA-256 with the store's secret key.
    // NOTE: persisted (erased table, audit log); never change how it is computed.
    virtual std::string pseudonym(std::string_view ref) const = 0;
    virtual void add_erased(std::string_view pseudonym, Instant at) = 0;
    virtual bool is_erased(std::string_view pseudonym) = 0;
    virtual bool has_erased() = 0; // any entry at all
    // An erasure that leaves the subject in the store (a record retained) keeps, in the same
    // erased table, a marker for the subject and a key for each erased record, so that ingest
    // refuses those records later. Keyed like pseudonyms: no ref or record id is stored.
    // NOTE: persisted; never change how they are computed.
    std::string partly_erased_key(std::string_view ref) const {
        return pseudonym(std::string(ref) + '\x1f');
    }
    std::string erased_record_key(std::string_view ref, std::string_view record_id) const {
        return pseudonym(std::string(ref) + '\x1f' + std::string(record_id));
    }
    // An unlinked record gets a fresh random id ("anon-" and 16 hex digits): its former id is a
    // key into the source systems. The former id's key goes into the erased table, so that
    // ingest refuses to bring the linked original back. NOTE: persisted; never change it.
    std::string unlinked_record_key(std::string_view record_id) const {
        return pseudonym(std::string("\x1e") + std::string(record_id));
    }

    // -- audit log (see audit.hpp) --
    // Appends one hash-chained entry and returns its sequence number.
    // REQUIRES a write transaction (the same as the change it records).
    virtual std::int64_t append_audit(const AuditEntry& entry) = 0;
    // Every entry with seq > after_seq, in order; return false from the callback to stop.
    virtual void read_audit(std::int64_t after_seq,
                            const std::function<bool(const StoredAuditEntry&)>& on_entry) = 0;

    // The last entry's seq and hash: the head to keep outside the store and give later to
    // `audit verify --expect-head` (seq 0 and k_audit_genesis for an empty log).
    virtual std::pair<std::int64_t, std::string> audit_head() = 0;

    // -- the outbox --
    // Stores notices; one whose `notice` id is already in the outbox (pending or acknowledged)
    // is left out. Returns how many were new; with `added`, also which (one flag per notice).
    // REQUIRES a write transaction.
    virtual std::int64_t add_notices(std::span<const Notice> notices,
                                     std::vector<bool>* added = nullptr) = 0;
    // Notices by seq, as the query says.
    virtual std::vector<Notice> notices(const NoticeQuery& query) = 0;
    // The notices with these ids (any system, pending or not), by seq; unknown ids are missing.
    virtual std::vector<Notice> find_notices(std::span<const std::string> notice_ids) = 0;
    // Acknowledges pending notices: sets acked and clears record_id and subject_ref (an
    // acknowledged notice keeps no identifier). Already acknowledged seqs are left as they are.
    // Returns how many changed. REQUIRES a write transaction.
    virtual std::int64_t ack_notices(std::span<const std::int64_t> seqs, Instant at) = 0;
    // A failed delivery: attempts + 1, last_attempt, last_error (no personal data: it is shown
    // by status). REQUIRES a write transaction.
    virtual void record_attempt(std::span<const std::int64_t> seqs, Instant at,
                                std::string_view error) = 0;
    // The system's counts; overdue counts pending notices created before `overdue_before`.
    virtual OutboxStats outbox_stats(std::string_view system, Instant overdue_before) = 0;
    // Every notice about a subject (by its pseudonym), by seq.
    virtual std::vector<Notice> subject_notices(std::string_view pseudonym) = 0;

    // -- maintenance --
    // Checkpoints the WAL and truncates it to zero bytes (after big deletions), so deleted
    // content does not linger in the WAL file. Returns false, changing nothing, when another
    // connection reads the store and keeps the WAL alive: the change itself is committed, and
    // the WAL is folded in by the next checkpoint (a later run, or the last connection closing).
    // REQUIRES no open transaction.
    // When it returns false, the store remembers it (meta key `checkpoint_pending`, the time of
    // the first failed checkpoint) until a later checkpoint succeeds, so that `vern status` can
    // say that deleted content is still waiting to be written out of the store's files.
    virtual bool checkpoint() = 0;
    // Since when a checkpoint has been waiting (see checkpoint()); nullopt when none is.
    virtual std::optional<Instant> checkpoint_pending() = 0;
    // Rebuilds the file so it shrinks (VACUUM), then checkpoints (the return value of
    // checkpoint()). REQUIRES no open transaction.
    virtual bool vacuum() = 0;
    // Before the write transaction of a load that may be large (ingest): a store that holds no
    // records may then postpone maintaining its secondary indexes and build each in one pass
    // before COMMIT, or before the first method of the transaction that reads through one.
    // Answers never differ (an index changes only speed); a rollback undoes it. Returns whether
    // the next write transaction loads in bulk. REQUIRES no open transaction.
    virtual bool prepare_bulk_load() { return false; }

    // -- the quiet table (store_types.hpp QuietTable; SQLite only) --
    // Inside a ReadTransaction: the rows usable at `now` with the window ending at `horizon`,
    // if the table was written under `key` (QuietUpdate::policy_digest); nullopt when the store
    // keeps no quiet table (PostgreSQL).
    virtual std::optional<QuietTable> read_quiet(std::string_view key, Instant now,
                                                 Instant horizon) {
        (void)key, (void)now, (void)horizon;
        return std::nullopt;
    }
    // Inside the same ReadTransaction: per subject, the earliest time after `now` of its events
    // (subject or record events) and consent changes; sid 0 for the earliest global event.
    // Only subjects with such facts are listed.
    virtual std::vector<std::pair<RowId, Instant>> facts_after(Instant now) {
        (void)now;
        return {};
    }
    // After the ReadTransaction that read the rows' data has ended: writes the rows in a short
    // transaction of its own, if no commit has come between that snapshot and now (the rows
    // would then describe data that changed), the store is writable by this user and no other
    // vern run holds it. Never waits; returns whether it wrote. REQUIRES no open transaction.
    virtual bool save_quiet(const QuietUpdate& update) {
        (void)update;
        return false;
    }

    // -- backend facts (status) --
    virtual const char* backend() const = 0; // "sqlite" | "postgresql"
    // The bytes the store takes: the SQLite file and its WAL, or PostgreSQL's tables and indexes
    // of the schema (pg_total_relation_size).
    virtual std::int64_t size_bytes() = 0;

    // -- whole tables (vern store copy) --
    // Calls on_row with every row of `table`, ordered by its first column.
    virtual void dump_table(const StoreTable& table,
                            const std::function<void(const TableRow&)>& on_row) = 0;
    // Inserts rows as they are (keys included) into `table` of a store created empty; `meta` rows
    // replace the ones there (the secret key goes with the data it keys). REQUIRES a write
    // transaction. finish_load() then makes new keys continue after the loaded ones.
    virtual void load_rows(const StoreTable& table, std::span<const TableRow> rows) = 0;
    virtual void finish_load() = 0;

  protected:
    Store() = default;
};

// Opens the store at `path` (an SQLite file, ":memory:" for an empty in-memory store, always
// created, or a PostgreSQL store string, see above). Errors:
//   missing and !create: Error(no_input, "store 'x' does not exist; run 'vern init --store x' first")
//   not readable/writable: Error(permission, ...)
//   a schema older than k_schema_version without create: Error(data, "... run 'vern init' to
//     upgrade it"); with create it is migrated step by step; newer than this build: Error(data)
//   not a vern store / corrupt / other: Error(io, ...) naming the path.
// A new file is created with mode 0600 before any data is written. A store readable by group or
// others yields a warning in open_report().warnings.
std::unique_ptr<Store> open_store(const std::string& path, const StoreOptions& options = {});

// A scoped write transaction (BEGIN IMMEDIATE on SQLite): commits on commit(), rolls back when
// destroyed uncommitted (e.g. by an exception).
class WriteTransaction {
  public:
    explicit WriteTransaction(Store& store) : m_store(store) { m_store.begin_write(); }
    ~WriteTransaction() {
        if (m_open) m_store.rollback();
    }
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    void commit() {
        m_store.commit();
        m_open = false;
    }
    void rollback() noexcept {
        if (m_open) m_store.rollback();
        m_open = false;
    }

  private:
    Store& m_store;
    bool m_open = true;
};

// A scoped read snapshot: every read inside sees the same state of the store.
class ReadTransaction {
  public:
    explicit ReadTransaction(Store& store) : m_store(store) { m_store.begin_read(); }
    ~ReadTransaction() { m_store.rollback(); }
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;

  private:
    Store& m_store;
};

} // namespace vern
