#pragma once
// The PostgreSQL backend of vern::Store (libpq, pg_connection.hpp). One connection per Store;
// every table lives in one PostgreSQL schema (default "vern", the store string's `schema`
// parameter), with the same tables, columns and meanings as the SQLite store (pg_schema.cpp;
// man vern-store(5)), so the two backends give the same results and `vern store copy` moves a
// store between them row for row.
//
// Concurrency (PostgreSQL users run several hosts against one database):
//  - a writable open takes a session advisory lock ("the writer lock": one writing vern run per
//    store, across hosts), waiting up to lock_timeout; released when the connection closes,
//    also when the process dies. StoreOptions::shared_writer skips it (an access report writes
//    only its audit entry and must not wait for a nightly purge).
//  - every write transaction takes a transaction advisory lock ("the append lock") before it
//    reads the audit head, so audit entries from concurrent transactions chain one after the
//    other; a purge holds it only for one batch.
//  - a read transaction is REPEATABLE READ READ ONLY: one snapshot, never blocked (MVCC).

#include "pg_connection.hpp"
#include "vern/store.hpp"

#include <memory>
#include <string>

namespace vern::store {

// Advisory lock keys: (k_lock_class_*, hashtext(schema)).
inline constexpr std::int32_t k_lock_class_writer = 0x7665726E; // "vern"
inline constexpr std::int32_t k_lock_class_append = 0x76657261; // "vera"
// The least a write transaction waits for the append lock, whatever --lock-timeout says.
inline constexpr int k_append_wait_floor_seconds = 10;

class PgStore final : public Store {
  public:
    // Takes an open connection whose search_path is the store's schema and whose schema is at
    // k_schema_version (open_pg_store() does the checks, locking and migrations).
    PgStore(pg::StoreName name, std::unique_ptr<pg::Connection> conn, const StoreOptions& options,
            OpenReport report);

    const std::string& path() const override { return m_name.display; }
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

    // pg_outbox.cpp
    std::int64_t add_notices(std::span<const Notice> notices,
                             std::vector<bool>* added = nullptr) override;
    std::vector<Notice> notices(const NoticeQuery& query) override;
    std::vector<Notice> find_notices(std::span<const std::string> notice_ids) override;
    std::int64_t ack_notices(std::span<const std::int64_t> seqs, Instant at) override;
    void record_attempt(std::span<const std::int64_t> seqs, Instant at,
                        std::string_view error) override;
    OutboxStats outbox_stats(std::string_view system, Instant overdue_before) override;
    std::vector<Notice> subject_notices(std::string_view pseudonym) override;

    // PostgreSQL has no WAL file of vern's to truncate: checkpoint() vacuums the tables changed
    // since the last one (so dead tuples holding deleted values are cleaned out of the heap and
    // indexes) and returns true; vacuum() does VACUUM FULL of every table (the files shrink).
    bool checkpoint() override;
    std::optional<Instant> checkpoint_pending() override;
    bool vacuum() override;

    const char* backend() const override { return "postgresql"; }
    std::int64_t size_bytes() override;
    // pg_copy.cpp
    void dump_table(const StoreTable& table,
                    const std::function<void(const TableRow&)>& on_row) override;
    void load_rows(const StoreTable& table, std::span<const TableRow> rows) override;
    void finish_load() override;

  private:
    void require_write(const char* what) const;
    pg::Connection& db() { return *m_conn; }
    StoredRecord read_record_row(const pg::Result& r, int row) const;
    // Identifier rows queued by upsert/update, written in one INSERT ... SELECT unnest(...) per
    // chunk before anything reads or deletes identifier rows and before COMMIT.
    void index_identifiers(RowId rowid, const nlohmann::json& fields);
    void flush_identifiers();
    void give_fresh_ids(std::span<const RecordUpdate> updates); // the ones to unlink
    void forget_orphaned_request_reasons();
    // Takes a subject that goes out of the pending subjects' rows (delete_subject).
    void forget_pending_subject(RowId subject);
    // Tables changed in the current write transaction (vacuumed by checkpoint()).
    void touched(const char* table);

    pg::StoreName m_name;
    std::unique_ptr<pg::Connection> m_conn;
    StoreOptions m_options;
    OpenReport m_report;
    std::string m_secret; // the HMAC key (raw bytes)
    Identifiers m_identifiers;
    bool m_in_transaction = false;
    bool m_writing = false;
    struct PendingIdentifier {
        RowId rowid;
        const char* kind;
        std::string value;
    };
    std::vector<PendingIdentifier> m_pending_identifiers;
    static constexpr std::size_t k_identifier_batch = 1024;
    std::vector<std::string> m_touched_in_tx;   // tables changed by the open transaction
    std::vector<std::string> m_touched;         // tables changed by committed transactions
};

// Opens (and with options.create creates or migrates) the store named by a PostgreSQL store
// string (pg_open.cpp). Errors as open_store() documents, naming the string without password.
std::unique_ptr<Store> open_pg_store(const std::string& store, const StoreOptions& options);

// Schema (pg_schema.cpp): the version in the schema's meta table (0: no vern schema there).
int pg_read_schema_version(pg::Connection& db, const std::string& schema);
// Creates the schema at the latest version, or migrates it; inside the caller's transaction.
void pg_create_schema(pg::Connection& db, const std::string& schema, Instant now);
void pg_migrate(pg::Connection& db, int from_version);

} // namespace vern::store
