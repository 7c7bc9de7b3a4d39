#pragma once
// The SQLite backend of vern::Store (SQLiteCpp). One connection per Store; prepared statements
// are cached by their SQL text and reused. The schema lives in sqlite_schema.cpp and is documented
// in man vern-store(5).

#include "store_common.hpp"
#include "vern/store.hpp"
#include "wal_checkpointer.hpp"
#include "writer_lock.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <string>
#include <unordered_map>

namespace vern::store {

// SQLite's write lock, once a run holds the writer lock (flock), is held by other vern runs never
// and by readers only for an instant: a reader that races a commit for the WAL index header
// takes it to re-read the header. A transaction therefore waits at least this long for it even
// with --lock-timeout 0, so that a monitoring script's read between two purge batches cannot make
// the nightly purge exit 75; a program really writing the store still gets 75 soon after.
inline constexpr int k_sqlite_write_wait_floor_seconds = 1;

// Seconds a transaction waits for SQLite's write lock: --lock-timeout, at least the floor above.
inline int sqlite_write_wait_seconds(int lock_timeout) {
    return lock_timeout > k_sqlite_write_wait_floor_seconds ? lock_timeout
                                                            : k_sqlite_write_wait_floor_seconds;
}

// A cached statement in use: reset when the lease ends, so no read stays open by accident.
class RawStatement;

class StatementLease {
  public:
    explicit StatementLease(SQLite::Statement& s) : m_s(s) {}
    ~StatementLease() { m_s.tryReset(); }
    StatementLease(const StatementLease&) = delete;
    StatementLease& operator=(const StatementLease&) = delete;
    SQLite::Statement* operator->() { return &m_s; }
    SQLite::Statement& operator*() { return m_s; }

  private:
    SQLite::Statement& m_s;
};

class SqliteStore final : public Store {
  public:
    // Opens an existing SQLite connection that already has the current schema (open_store()
    // does the checks and migrations before constructing this).
    SqliteStore(std::string path, WriterLock lock, std::unique_ptr<SQLite::Database> db,
                const StoreOptions& options, OpenReport report);

    const std::string& path() const override { return m_path; }
    const OpenReport& open_report() const override { return m_report; }
    int schema_version() const override { return m_report.schema_version; }

    void begin_write() override;
    void begin_read() override;
    void commit() override;
    void rollback() noexcept override;
    bool in_transaction() const override { return m_in_transaction; }

    std::optional<Subject> find_subject(std::string_view ref) override;
    std::optional<Subject> find_subject(RowId rowid) override;
    std::pair<Subject, bool> ensure_subject(std::string_view ref, Instant now) override;
    std::vector<Subject> find_subjects_by_identifier(IdentifierKind kind,
                                                     std::string_view value) override;
    void delete_subject(RowId subject_rowid) override;
    std::int64_t remove_emptied_subjects(bool apply) override;
    void mark_kept(RowId subject_rowid) override;
    std::vector<Subject> delete_orphan_subjects(std::span<const RowId> candidates,
                                                Instant now) override;
    std::int64_t count_subjects() override;
    void add_pending_subjects(std::span<const RowId> subjects) override;
    std::vector<RowId> pending_subjects() override;
    void clear_pending_subjects() override;
    std::vector<std::pair<RowId, RowId>> last_records(std::span<const RowId> subjects) override;

    void set_identifier_fields(const Identifiers& ids) override { m_identifiers = ids; }
    UpsertResult upsert_record(const NewRecord& record, Instant now) override;
    std::optional<StoredRecord> find_record(std::string_view id) override;
    std::optional<RowId> find_record_rowid(std::string_view id) override;
    std::optional<StoredRecord> find_record_by_rowid(RowId rowid) override;
    std::int64_t delete_records(std::span<const RowId> rowids) override;
    void update_records(std::span<const RecordUpdate> updates) override;
    void give_fresh_id(RowId rowid, Instant at);
    std::int64_t count_records() override;
    std::map<std::string, std::int64_t> count_records_by_category() override;

    void scan_records(const RecordScan& scan, const BatchCallback& on_batch) override;
    std::map<std::string, Instant> latest_global_events(Instant now) override;

    bool add_event(const Event& event) override;
    std::vector<Event> subject_events(RowId subject_rowid) override;
    bool add_consent(RowId subject_rowid, const ConsentChange& change) override;
    std::vector<ConsentChange> consent_history(RowId subject_rowid) override;
    bool consent_active(RowId subject_rowid, std::string_view purpose, Instant now) override;
    bool consent_withdrawn(RowId subject_rowid, std::string_view purpose, Instant now) override;

    std::int64_t place_hold(const Hold& hold) override;
    void release_hold(std::int64_t id, Instant at) override;
    std::vector<Hold> list_holds() override;

    std::int64_t open_request(const Request& request) override;
    std::optional<Request> find_request(std::int64_t id) override;
    void update_request(const Request& request) override;
    std::vector<Request> list_requests() override;
    void forget_subject_reasons(RowId subject_rowid) override;

    std::string pseudonym(std::string_view ref) const override;
    void add_erased(std::string_view pseudonym, Instant at) override;
    bool is_erased(std::string_view pseudonym) override;
    bool has_erased() override;

    std::int64_t append_audit(const AuditEntry& entry) override;
    void read_audit(std::int64_t after_seq,
                    const std::function<bool(const StoredAuditEntry&)>& on_entry) override;

    std::pair<std::int64_t, std::string> audit_head() override;

    // sqlite_outbox.cpp
    std::int64_t add_notices(std::span<const Notice> notices,
                             std::vector<bool>* added = nullptr) override;
    std::vector<Notice> notices(const NoticeQuery& query) override;
    std::vector<Notice> find_notices(std::span<const std::string> notice_ids) override;
    std::int64_t ack_notices(std::span<const std::int64_t> seqs, Instant at) override;
    void record_attempt(std::span<const std::int64_t> seqs, Instant at,
                        std::string_view error) override;
    OutboxStats outbox_stats(std::string_view system, Instant overdue_before) override;
    std::vector<Notice> subject_notices(std::string_view pseudonym) override;

    bool checkpoint() override;
    bool vacuum() override;
    bool prepare_bulk_load() override; // sqlite_bulk_load.cpp
    std::optional<Instant> checkpoint_pending() override;

    std::optional<QuietTable> read_quiet(std::string_view key, Instant now,
                                         Instant horizon) override; // sqlite_quiet.cpp
    std::vector<std::pair<RowId, Instant>> facts_after(Instant now) override;
    bool save_quiet(const QuietUpdate& update) override;

    const char* backend() const override { return "sqlite"; }
    std::int64_t size_bytes() override;
    // sqlite_copy.cpp
    void dump_table(const StoreTable& table,
                    const std::function<void(const TableRow&)>& on_row) override;
    void load_rows(const StoreTable& table, std::span<const TableRow> rows) override;
    void finish_load() override;

  private:
    // A cached prepared statement, with bindings cleared, ready to bind. `sql` must be a string
    // literal (the cache is keyed by its address).
    StatementLease stmt(const char* sql);
    // Runs `fn`, turning SQLite exceptions into vern::Error(io) naming the store.
    [[noreturn]] void fail(const std::exception& e) const;
    void require_write(const char* what) const;
    // Queues the identifier rows of a record; they are written in multi-row INSERTs of up to
    // k_identifier_batch rows by flush_identifiers(), which runs before anything reads or deletes
    // identifier rows and before COMMIT (a rollback discards the queue).
    void index_identifiers(RowId rowid, const nlohmann::json& fields);
    void flush_identifiers();
    static constexpr std::size_t k_identifier_batch = 256;
    StoredRecord read_record_row(SQLite::Statement& s) const;
    StoredRecord read_record_row(const RawStatement& s) const; // the same columns
    // After subjects were removed: the extension reasons of their requests (now without a
    // subject) go too (forget_subject_reasons).
    void forget_orphaned_request_reasons();
    // Takes a subject that goes out of the pending subjects' rows (delete_subject).
    void forget_pending_subject(RowId subject);
    // Sets (to `since`) or clears the meta key `checkpoint_pending` in its own small
    // transaction; best effort (never throws).
    void set_checkpoint_pending(std::optional<Instant> since);
    // Bulk load (sqlite_bulk_load.cpp): begin_write drops the secondary indexes when armed;
    // restore_indexes builds them again (before COMMIT, and before anything reads through
    // them); end_bulk_load returns to the normal settings after the transaction.
    bool unchanged_since_snapshot(); // sqlite_quiet.cpp
    void start_bulk_load();
    void restore_indexes();
    void end_bulk_load() noexcept;

    std::string m_path;
    WriterLock m_writer_lock; // declared before m_db: released after the connection closes
    std::unique_ptr<SQLite::Database> m_db;
    // Writable file stores: checkpoints the WAL beside the writer (declared after m_db: it
    // stops before the connection closes).
    std::unique_ptr<WalCheckpointer> m_checkpointer;
    StoreOptions m_options;
    OpenReport m_report;
    std::string m_secret; // the HMAC key (raw bytes)
    Identifiers m_identifiers;
    // PRAGMA data_version in the last read snapshot: save_quiet() writes only if it is unchanged.
    std::int64_t m_snapshot_version = -1;
    bool m_in_transaction = false;
    bool m_writing = false;
    std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> m_statements;
    std::vector<std::unique_ptr<SQLite::Statement>> m_identifier_inserts; // by row count
    struct PendingIdentifier {
        RowId rowid;
        const char* kind;
        std::string value;
    };
    std::vector<PendingIdentifier> m_pending_identifiers;
    bool m_bulk_armed = false; // prepare_bulk_load() said yes; the next write transaction loads
    struct DroppedIndex {
        std::string name;
        std::string sql; // its CREATE INDEX (or TRIGGER) statement, as sqlite_schema holds it
        bool trigger = false; // a quiet table trigger (sqlite_quiet.cpp)
    };
    std::vector<DroppedIndex> m_dropped_indexes; // to build before COMMIT
};

// Wraps an SQLite failure as vern::Error with the store path: io, or permission for
// SQLITE_PERM / SQLITE_READONLY / SQLITE_CANTOPEN / SQLITE_AUTH.
[[noreturn]] void throw_sqlite_error(const std::string& path, const std::exception& e);

// Schema (sqlite_schema.cpp).
int read_schema_version(SQLite::Database& db, const std::string& path); // 0: empty database
void create_schema(SQLite::Database& db, Instant now);                  // latest version
void migrate(SQLite::Database& db, int from_version);                   // to k_schema_version

// Binds a string_view as TEXT (SQLiteCpp's pointer+size overload would bind a BLOB).
inline void bind_text(SQLite::Statement& s, int index, std::string_view text) {
    s.bind(index, std::string(text));
}

} // namespace vern::store
