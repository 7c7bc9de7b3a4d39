#pragma once
// Ingest: subjects, records, events and consents from JSON Lines (SPEC section 4,
// man vern-ingest(5)), checked against the policy and applied all-or-nothing.
//
// NOTE: the line format is a documented interface that source systems write every night. Add
// keys; never rename or change the meaning of existing ones.

#include "vern/policy.hpp"
#include "vern/store.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vern {

struct IngestOptions {
    Instant now{};                          // the run's time (audit entries, consent checks)
    std::size_t max_line_bytes = 1 << 20;   // longer lines are refused as bad lines
    std::size_t max_errors = 20;            // bad lines listed; the rest are counted
    std::string command = "ingest";         // audit "command"
};

// What an ingest added. NOTE: the field names are vern ingest's JSON output.
struct IngestSummary {
    std::int64_t lines = 0;              // non-blank lines read
    std::int64_t subjects_created = 0;
    std::int64_t records_inserted = 0;
    std::int64_t records_replaced = 0;
    std::int64_t events_added = 0;
    std::int64_t events_duplicate = 0;   // identical to a stored event: not stored again
    std::int64_t consents_added = 0;
    std::int64_t consents_duplicate = 0;
    // Records deleted because a consent line withdrew the consent they rested on (the same as
    // `vern consent withdraw`, in the ingest's transaction; audited with the subject's pseudonym).
    std::int64_t records_deleted_by_withdrawal = 0;
    std::map<std::string, std::int64_t> records_by_category; // inserted + replaced
};

// A named byte stream: `read(buf, n)` returns up to n bytes, 0 at the end, or throws
// vern::Error(io).
struct IngestSource {
    std::string name; // used in messages: "NAME:LINE: ..."; "stdin" for "-"
    std::function<std::size_t(char* buf, std::size_t n)> read;
};

// A source reading a file, or stdin for "-". Throws Error(no_input) if it does not exist,
// Error(permission) if it cannot be read.
IngestSource file_source(const std::string& path);
// A source over an in-memory text (tests, policy test cases).
IngestSource text_source(std::string name, std::string text);

// Reads every source in order and applies it in ONE write transaction on `store` with the audit
// entries of section 7 (one per category, plus one each for subjects, events and consents when
// any were added). On any bad line nothing is written and it throws Error(data) whose message is
// "N bad line(s); nothing was ingested:" followed by one "NAME:LINE: message" line per bad line
// (up to options.max_errors, then "... and N more bad lines"). An input with no lines at all is a
// bad input ("NAME: empty input ..."). Throws Error(locked) if the store stays locked past its
// lock timeout.
IngestSummary ingest(Store& store, const Policy& policy, std::span<IngestSource> sources,
                     const IngestOptions& options);

// The line-by-line engine under ingest(), also usable by `vern test` to load a policy test case
// into an in-memory store. REQUIRES a write transaction open on `store` while it is used.
class Ingester {
  public:
    Ingester(Store& store, const Policy& policy, const IngestOptions& options);

    // Checks one parsed line (an object with "type") against the policy and applies it. Returns
    // an empty string on success, else the message (without location); a bad line changes
    // nothing. `where` ("FILE:LINE") is kept for problems found later (see finish()).
    std::string add(const nlohmann::json& line, std::string_view where);

    // Resolves what had to wait for the end of the input (events naming a record that appears
    // later). Returns "WHERE: message" for each problem.
    std::vector<std::string> finish();

    const IngestSummary& summary() const { return m_summary; }

    // Appends the audit entries of this ingest (see ingest()). REQUIRES a write transaction.
    void append_audit(const std::string& policy_digest);

  private:
    struct SubjectState {
        RowId rowid = 0; // 0: not in the store yet
        bool erased = false;
        bool partly_erased = false; // some records erased, the subject kept (Store::partly_erased_key)
        // Not in the store when this ingest first looked, and no consent line for it since: it
        // has no consent changes, so none was withdrawn (skips a lookup per record).
        bool no_consents = false;
    };
    struct PendingEvent {
        std::string where;
        std::string record_id;
        std::string kind;
        Instant at{};
    };

    std::string add_subject(const nlohmann::json& line);
    std::string add_record(const nlohmann::json& line);
    std::string add_event(const nlohmann::json& line, std::string_view where);
    std::string add_consent(const nlohmann::json& line);
    // Looks up (and caches) a subject; creates it when `create`. Sets `error` for erased ones.
    SubjectState subject(const std::string& ref, bool create, std::string& error);
    void store_event(const Event& event);

    Store& m_store;
    const Policy& m_policy;
    IngestOptions m_options;
    IngestSummary m_summary;
    std::vector<std::string> m_consent_purposes; // purposes the policy uses, sorted
    std::unordered_map<std::string, SubjectState> m_subjects; // bounded cache
    std::vector<PendingEvent> m_pending;
    bool m_any_erased = false; // the erased table is not empty (skips a lookup per record)
};

// A deterministic id for a record given without one: "h-" and 20 hex digits of SHA-256 over its
// subject, category, created time, fields and case (only when it has one), so that re-ingesting
// the same line replaces it.
// NOTE: persisted as the record id; never change for existing inputs.
std::string generated_record_id(const std::string& subject, const std::string& category,
                                Instant created, const nlohmann::json& fields,
                                const std::string& case_id = {});

} // namespace vern
