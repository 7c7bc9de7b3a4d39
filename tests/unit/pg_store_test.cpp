// Unit tests of the PostgreSQL store (lib/src/store/pg_*.cpp) against a live server.
//
// They run only when VERN_TEST_PG holds a libpq connection string (key/value or a
// postgresql:// URI) of a database where the test role may create schemas; each test works in a
// fresh schema u_<random> and drops it at the end. Without VERN_TEST_PG they do nothing.
//
// The strongest check is the same sequence of store operations on an SQLite store and on a
// PostgreSQL store sharing its secret key: every observation (results, errors, scans, audit
// hashes) must be equal.

#include "store/pg_connection.hpp"
#include "store/pg_store.hpp"
#include "vern/audit.hpp"
#include "vern/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <sodium.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <unistd.h>

using namespace vern;
using nlohmann::json;

namespace {

Instant at(std::int64_t seconds) { return Instant{std::chrono::seconds{seconds}}; }
std::int64_t secs(Instant t) { return t.time_since_epoch().count(); }

std::optional<std::string> test_database() {
    const char* env = std::getenv("VERN_TEST_PG");
    if (!env || !*env) return std::nullopt;
    return std::string(env);
}

// The store string of `schema` in the test database.
std::string with_schema(const std::string& conninfo, const std::string& schema) {
    if (conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0) {
        return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + "schema=" + schema;
    }
    return conninfo + " schema=" + schema;
}

// A fresh schema name, dropped (with everything in it) when the guard goes.
class TestSchema {
  public:
    explicit TestSchema(std::string conninfo) : m_conninfo(std::move(conninfo)) {
        if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
        m_name = "u_" + std::to_string(::getpid()) + "_" + std::to_string(randombytes_uniform(1u << 30));
    }
    ~TestSchema() {
        try {
            admin().exec_script("DROP SCHEMA IF EXISTS " + m_name + " CASCADE");
        } catch (const std::exception& e) {
            MESSAGE("could not drop test schema " << m_name << ": " << e.what());
        }
    }
    TestSchema(const TestSchema&) = delete;
    TestSchema& operator=(const TestSchema&) = delete;

    const std::string& name() const { return m_name; }
    std::string store() const { return with_schema(m_conninfo, m_name); }
    std::unique_ptr<Store> open(StoreOptions o = {}) const { return open_store(store(), o); }
    // A plain connection to the test database, search_path set to the schema.
    store::pg::Connection& admin() {
        if (!m_admin) {
            m_admin = std::make_unique<store::pg::Connection>(store::pg::parse_store_name(m_conninfo));
            m_admin->exec_script("SET search_path = " + m_name + "; SET client_min_messages = warning");
        }
        return *m_admin;
    }

  private:
    std::string m_conninfo;
    std::string m_name;
    std::unique_ptr<store::pg::Connection> m_admin;
};

std::string temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vern-pgtest-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

NewRecord record(std::string id, std::string subject, std::string category, std::int64_t created,
                 json fields = json::object(), std::string case_id = {}) {
    NewRecord r;
    r.id = std::move(id);
    r.subject = std::move(subject);
    r.category = std::move(category);
    r.created = at(created);
    r.fields = std::move(fields);
    r.case_id = std::move(case_id);
    return r;
}

// ---- observations as JSON (random ids of unlinked records normalised) ------------------------

std::string stable_id(const std::string& id) {
    return id.rfind("anon-", 0) == 0 && id.size() == 21 ? "anon-*" : id;
}

json to_json(const Subject& s) { return {s.rowid, s.ref, secs(s.created)}; }
json to_json(const std::optional<Subject>& s) { return s ? to_json(*s) : json(nullptr); }
json to_json(const std::vector<Subject>& v) {
    json out = json::array();
    for (const auto& s : v) out.push_back(to_json(s));
    return out;
}
json to_json(const StoredRecord& r) {
    return {r.rowid, stable_id(r.id), r.subject_rowid, r.subject, r.category, secs(r.created),
            r.fields_json, r.applied_rules, r.unlinked, r.case_id};
}
json to_json(const std::optional<StoredRecord>& r) { return r ? to_json(*r) : json(nullptr); }
json to_json(const UpsertResult& u) {
    return {static_cast<int>(u.outcome), u.rowid, u.subject_rowid, u.subject_created,
            u.existing_subject};
}
json to_json(const std::map<std::string, Instant>& m) {
    json out = json::object();
    for (const auto& [k, v] : m) out[k] = secs(v);
    return out;
}
json to_json(const ScannedRecord& s) {
    json j = {{"record", to_json(s.record)},
              {"record_events", to_json(s.record_events)},
              {"held", s.held},
              {"consents", s.consents}};
    if (s.subject) {
        json events = json::array();
        for (const auto& g : s.subject->events) events.push_back({g.kind, g.case_id, secs(g.latest)});
        j["subject"] = {{"events", events}, {"cases", to_json(s.subject->cases)}};
    } else {
        j["subject"] = nullptr;
    }
    return j;
}
json to_json(const std::vector<Event>& v) {
    json out = json::array();
    for (const auto& e : v) {
        out.push_back({event_scope_name(e.scope), e.subject_rowid, e.record_rowid, e.kind,
                       secs(e.at), e.case_id});
    }
    return out;
}
json to_json(const std::vector<ConsentChange>& v) {
    json out = json::array();
    for (const auto& c : v) out.push_back({c.purpose, c.given, secs(c.at)});
    return out;
}
json opt_time(const std::optional<Instant>& t) { return t ? json(secs(*t)) : json(nullptr); }
json to_json(const std::vector<Hold>& v) {
    json out = json::array();
    for (const auto& h : v) {
        out.push_back({h.id, h.subject_rowid, h.subject, h.category, h.reason, secs(h.placed),
                       opt_time(h.released)});
    }
    return out;
}
json to_json(const Request& q) {
    return {q.id, q.kind, q.subject_rowid, q.subject, q.subject_pseudonym, q.selector,
            secs(q.received), secs(q.due), opt_time(q.extended_due), q.extension_reason,
            opt_time(q.closed)};
}
json to_json(const std::vector<Request>& v) {
    json out = json::array();
    for (const auto& q : v) out.push_back(to_json(q));
    return out;
}
json to_json(const StoredAuditEntry& e) {
    return {e.seq,           secs(e.entry.at),    e.entry.user,    e.entry.command,
            e.entry.action,  e.entry.rule,        e.entry.category, e.entry.count,
            e.entry.policy_digest, e.entry.subject, e.prev_hash,    e.hash};
}

// Every batch of a scan: the record ids per batch, then every scanned record.
json scan_json(Store& store, const RecordScan& scan, int stop_after = -1) {
    json batches = json::array();
    json records = json::array();
    int n = 0;
    store.scan_records(scan, [&](std::span<const ScannedRecord> batch) {
        json ids = json::array();
        for (const auto& r : batch) {
            ids.push_back(stable_id(r.record.id));
            records.push_back(to_json(r));
        }
        batches.push_back(ids);
        return ++n != stop_after;
    });
    return {{"batches", batches}, {"records", records}};
}

AuditEntry audit_entry(std::string command, std::string action, std::int64_t count,
                       std::string subject = {}) {
    AuditEntry e;
    e.at = at(1000 + count);
    e.user = "tester";
    e.command = std::move(command);
    e.action = std::move(action);
    e.rule = "rule-1";
    e.category = "chat";
    e.count = count;
    e.policy_digest = "digest";
    e.subject = std::move(subject);
    return e;
}

// Records what a sequence of store operations observes; `store_path` is masked in messages.
class Log {
  public:
    explicit Log(std::string store_path) : m_path(std::move(store_path)) {}
    void add(const std::string& what, json value) { m_items.push_back({what, std::move(value)}); }
    template <typename F> void attempt(const std::string& what, F&& f) {
        try {
            f();
            add(what, "ok");
        } catch (const Error& e) {
            std::string m = e.what();
            for (std::size_t p; (p = m.find(m_path)) != std::string::npos;) m.replace(p, m_path.size(), "<store>");
            add(what, {"error", code_name(e.code()), m});
        }
    }
    const json& items() const { return m_items; }

  private:
    std::string m_path;
    json m_items = json::array();
};

// The sequence run on both backends.
json exercise(Store& store) {
    Log log(store.path());
    Identifiers ids;
    ids.email = {"email"};
    ids.phone = {"phone", "mobile"};
    ids.name = {"name"};
    ids.national_id = {"fnr"};
    store.set_identifier_fields(ids);

    RowId k1 = 0, k2 = 0, k3 = 0, k4 = 0, k5 = 0;
    {
        WriteTransaction tx(store);
        auto up = [&](const NewRecord& r) {
            UpsertResult u = store.upsert_record(r, at(50));
            log.add("upsert " + r.id, to_json(u));
            return u;
        };
        k1 = up(record("r1", "K-1", "chat", 100,
                       {{"email", "Kari@Example.no"}, {"phone", "+47 912 34 567"},
                        {"name", "Kari  NORDMANN"}}))
                 .subject_rowid;
        up(record("r2", "K-1", "chat", 110, {{"mobile", 91234567}}, "c1"));
        k2 = up(record("r3", "K-2", "case", 120, {{"email", " kari@example.no "}}, "c1")).subject_rowid;
        up(record("r4", "K-2", "case", 130, {{"fnr", "010190 12345"}, {"note", "x"}}, "c2"));
        k3 = up(record("r5", "K-3", "cv", 140, {{"name", "Åse ØSTBY"}})).subject_rowid;
        NewRecord hinted = record("r6", "K-3", "cv", 150, {{"email", "ase@example.no"}});
        hinted.subject_rowid = k3;
        up(hinted);
        up(record("r1", "K-1", "chat", 105, {{"email", "kari@example.no"}, {"name", "Kari N"}}));
        up(record("r1", "K-2", "chat", 105));
        up(record("r7", "K-2", "chat", 4000, {}, "c2")); // created after the scans' now
        k4 = up(record("r8", "K-4", "chat", 160)).subject_rowid;
        k5 = up(record("r9", "K-5", "survey", 170, {{"email", "ola@example.no"}})).subject_rowid;
        up(record("r10", "K-5", "survey", 180, {{"email", "ola@example.no"}}, "c1"));
        up(record("r10", "K-5", "survey", 185, {{"email", "OLA@example.no"}}, "c1")); // replaced
        up(record("r12", "K-7", "chat", 190, {{"phone", "22 33 44 55"}}));

        auto ev = [&](EventScope scope, RowId sid, RowId rid, const char* kind, std::int64_t t,
                      std::string case_id = {}) {
            Event e;
            e.scope = scope;
            e.subject_rowid = sid;
            e.record_rowid = rid;
            e.kind = kind;
            e.at = at(t);
            e.case_id = std::move(case_id);
            log.add(std::string("event ") + kind, store.add_event(e));
        };
        const RowId r3 = *store.find_record_rowid("r3");
        const RowId r4 = *store.find_record_rowid("r4");
        const RowId r1 = *store.find_record_rowid("r1");
        ev(EventScope::subject, k1, 0, "closed", 500);
        ev(EventScope::subject, k1, 0, "closed", 500); // the same: not new
        ev(EventScope::subject, k1, 0, "closed", 520, "c1");
        ev(EventScope::subject, k2, 0, "closed", 600, "c1");
        ev(EventScope::subject, k2, 0, "closed", 650, "c2");
        ev(EventScope::subject, k2, 0, "closed", 640);
        ev(EventScope::subject, k2, 0, "contact", 700);
        ev(EventScope::subject, k2, 0, "opened", 300);
        ev(EventScope::record, 0, r4, "opened", 300);
        ev(EventScope::record, 0, r3, "opened", 300);
        ev(EventScope::record, 0, r3, "opened", 310);
        ev(EventScope::record, 0, r3, "Opened", 300);
        ev(EventScope::record, 0, r1, "report", 800);
        ev(EventScope::subject, k2, 0, "closed", 5000, "c1"); // after now
        ev(EventScope::global, 0, 0, "policy_change", 400);
        ev(EventScope::global, 0, 0, "policy_change", 450);
        ev(EventScope::global, 0, 0, "policy_change", 450);
        ev(EventScope::global, 0, 0, "reorg", 900);

        auto consent = [&](RowId sid, const char* purpose, bool given, std::int64_t t) {
            log.add(std::string("consent ") + purpose,
                    store.add_consent(sid, ConsentChange{purpose, given, at(t)}));
        };
        consent(k1, "newsletter", true, 100);
        consent(k1, "newsletter", false, 200);
        consent(k1, "newsletter", true, 200);
        consent(k1, "newsletter", true, 200);
        consent(k1, "Survey", true, 150);
        consent(k2, "newsletter", true, 100);
        consent(k3, "survey", false, 50);
        consent(k5, "survey", true, 60);

        Hold h;
        h.subject_rowid = k3;
        h.reason = "lawsuit about K-3";
        h.placed = at(300);
        log.add("hold 1", store.place_hold(h));
        Hold c;
        c.category = "cv";
        c.reason = "audit";
        c.placed = at(310);
        const std::int64_t cv_hold = store.place_hold(c);
        log.add("hold 2", cv_hold);
        Hold k2_hold;
        k2_hold.subject_rowid = k2;
        k2_hold.reason = "K-2 complaint";
        k2_hold.placed = at(320);
        log.add("hold 3", store.place_hold(k2_hold));
        store.release_hold(cv_hold, at(400));
        log.attempt("release again", [&] { store.release_hold(cv_hold, at(401)); });
        log.attempt("release unknown", [&] { store.release_hold(999, at(401)); });

        Request q;
        q.kind = "access";
        q.subject_rowid = k1;
        q.subject_pseudonym = store.pseudonym("K-1");
        q.received = at(100);
        q.due = at(100 + 30 * 86400);
        log.add("request 1", store.open_request(q));
        Request u;
        u.kind = "erasure";
        u.subject_pseudonym = store.pseudonym("email:x@y.no");
        u.selector = "email";
        u.received = at(110);
        u.due = at(110 + 30 * 86400);
        u.extension_reason = "asked for more time";
        u.extended_due = at(110 + 60 * 86400);
        log.add("request 2", store.open_request(u));
        Request w = q;
        w.kind = "rectification";
        w.subject_rowid = k2;
        w.subject_pseudonym = store.pseudonym("K-2");
        const std::int64_t w_id = store.open_request(w);
        w.id = w_id;
        w.extended_due = at(999999);
        w.extension_reason = "K-2 is ill";
        store.update_request(w);
        Request missing = w;
        missing.id = 999;
        log.attempt("update unknown request", [&] { store.update_request(missing); });
        Request k4_request = q;
        k4_request.subject_rowid = k4;
        k4_request.extension_reason = "K-4 said so";
        log.add("request k4", store.open_request(k4_request));

        store.add_erased(store.pseudonym("gone"), at(10));
        store.add_erased(store.pseudonym("gone"), at(11));
        for (std::int64_t i = 1; i <= 3; ++i) {
            log.add("audit", store.append_audit(audit_entry("ingest", "ingest", i,
                                                            store.pseudonym("K-" + std::to_string(i)))));
        }
        tx.commit();
    }

    // Reads outside a transaction.
    log.add("find K-1", to_json(store.find_subject(std::string_view("K-1"))));
    log.add("find sid 2", to_json(store.find_subject(k2)));
    log.add("find nope", to_json(store.find_subject(std::string_view("nope"))));
    log.add("count subjects", store.count_subjects());
    log.add("find r1", to_json(store.find_record("r1")));
    log.add("find r10", to_json(store.find_record("r10")));
    log.add("find rowid 3", to_json(store.find_record_by_rowid(3)));
    log.add("find rowid 99", to_json(store.find_record_by_rowid(99)));
    log.add("rowid r5", store.find_record_rowid("r5") ? json(*store.find_record_rowid("r5")) : json(nullptr));
    log.add("rowid nope", store.find_record_rowid("nope") ? json(1) : json(nullptr));
    log.add("count records", store.count_records());
    log.add("by category", store.count_records_by_category());
    auto ident = [&](IdentifierKind kind, const char* value) {
        log.add(std::string("identifier ") + identifier_kind_name(kind) + " " + value,
                to_json(store.find_subjects_by_identifier(kind, value)));
    };
    ident(IdentifierKind::email, "KARI@example.no ");
    ident(IdentifierKind::email, "ola@example.no");
    ident(IdentifierKind::phone, "912 34 567");
    ident(IdentifierKind::name, "kari n");
    ident(IdentifierKind::name, "åse østby");
    ident(IdentifierKind::national_id, "01019012345");
    ident(IdentifierKind::email, "nobody@example.no");
    for (RowId sid : {k1, k2, k3, k5}) {
        log.add("subject events", to_json(store.subject_events(sid)));
        log.add("consent history", to_json(store.consent_history(sid)));
        for (const char* p : {"newsletter", "survey", "Survey"}) {
            for (std::int64_t t : {99, 100, 150, 200, 1000}) {
                log.add(std::string("consent ") + p,
                        {store.consent_active(sid, p, at(t)), store.consent_withdrawn(sid, p, at(t))});
            }
        }
    }
    log.add("holds", to_json(store.list_holds()));
    log.add("requests", to_json(store.list_requests()));
    log.add("request 2", store.find_request(2) ? to_json(*store.find_request(2)) : json(nullptr));
    log.add("request 99", store.find_request(99) ? json(1) : json(nullptr));
    log.add("global 1000", to_json(store.latest_global_events(at(1000))));
    log.add("global 420", to_json(store.latest_global_events(at(420))));
    log.add("global 10", to_json(store.latest_global_events(at(10))));
    log.add("has erased", store.has_erased());
    log.add("is erased", {store.is_erased(store.pseudonym("gone")), store.is_erased("x")});

    // Scans, in a read snapshot and outside one.
    {
        ReadTransaction snapshot(store);
        RecordScan scan;
        scan.now = at(1000);
        scan.event_kinds = {"closed", "opened", "report"};
        scan.cases = true;
        scan.consent_purposes = {"newsletter", "survey"};
        scan.batch_size = 3;
        log.add("scan a", scan_json(store, scan));
        scan.event_kinds.clear();
        scan.all_event_kinds = true;
        scan.batch_size = 100;
        log.add("scan all kinds", scan_json(store, scan));
        scan.all_event_kinds = false;
        scan.cases = false;
        scan.consent_purposes.clear();
        log.add("scan no events", scan_json(store, scan));
    }
    RecordScan scan;
    scan.now = at(1000);
    scan.event_kinds = {"closed"};
    scan.cases = true;
    scan.categories = {"case", "cv"};
    scan.batch_size = 1;
    log.add("scan categories", scan_json(store, scan));
    scan.categories.clear();
    scan.subject_rowid = k2;
    log.add("scan subject", scan_json(store, scan));
    scan.subject_rowid.reset();
    scan.record_id = "r3";
    log.add("scan record", scan_json(store, scan));
    scan.record_id.reset();
    scan.after_rowid = 2;
    scan.now = at(250);
    scan.batch_size = 2;
    scan.consent_purposes = {"newsletter", "Survey"};
    log.add("scan after 2 at 250", scan_json(store, scan));
    scan.after_rowid = 0;
    log.add("scan stop", scan_json(store, scan, 2));
    scan.categories = {"none"};
    log.add("scan nothing", scan_json(store, scan));

    // Changes: anonymisation, unlinking, deletions, subjects left without records.
    log.attempt("write outside a transaction",
                [&] { store.add_erased("x", at(1)); });
    {
        WriteTransaction tx(store);
        const RowId r1 = *store.find_record_rowid("r1");
        const RowId r3 = *store.find_record_rowid("r3");
        const RowId r5 = *store.find_record_rowid("r5");
        const RowId r9 = *store.find_record_rowid("r9");
        std::vector<RecordUpdate> updates{
            {r1, R"({"email":"kari@example.no","name":"[redacted]"})", {"b", "a", "b"}, false, at(900)},
            {r3, R"({"email":"[redacted]"})", {"unlink"}, true, at(900)},
            {999, R"({})", {"x"}, false, at(900)},
            {r5, R"({"name":"Åse Østby"})", {}, false, at(900)},
            {r9, R"({"email":"ola@example.no"})", {"unlink"}, true, at(901)},
        };
        store.update_records(updates);
        // The same record twice in one call: applied one after the other.
        std::vector<RecordUpdate> twice{
            {r1, R"({"email":"one@example.no"})", {"c"}, false, at(902)},
            {r1, R"({"email":"two@example.no"})", {"d"}, false, at(902)},
        };
        store.update_records(twice);
        log.add("after update r1", to_json(store.find_record_by_rowid(r1)));
        log.add("after update r3", to_json(store.find_record_by_rowid(r3)));
        log.add("after update r5", to_json(store.find_record_by_rowid(r5)));
        log.add("after update r9", to_json(store.find_record_by_rowid(r9)));
        log.add("r3 gone", to_json(store.find_record("r3")));
        log.add("r3 erased", store.is_erased(store.unlinked_record_key("r3")));
        log.add("r9 erased", store.is_erased(store.unlinked_record_key("r9")));
        log.add("r5 erased", store.is_erased(store.unlinked_record_key("r5")));
        ident(IdentifierKind::email, "kari@example.no");
        ident(IdentifierKind::email, "two@example.no");
        ident(IdentifierKind::email, "one@example.no");
        ident(IdentifierKind::email, "ola@example.no");
        ident(IdentifierKind::name, "åse østby");

        const RowId r2 = *store.find_record_rowid("r2");
        const RowId r8 = *store.find_record_rowid("r8");
        const RowId r6 = *store.find_record_rowid("r6");
        const RowId r12 = *store.find_record_rowid("r12");
        const RowId k7 = store.find_subject(std::string_view("K-7"))->rowid;
        const std::vector<RowId> doomed{r2, 999, r8, r5, r12, r6, r1};
        log.add("deleted", store.delete_records(doomed));
        log.add("deleted again", store.delete_records(doomed));
        log.add("identifiers after delete", to_json(store.find_subjects_by_identifier(IdentifierKind::email, "two@example.no")));
        // K-4 (an open request), K-3 (a hold), K-1 (an open request) are left without records.
        const std::vector<RowId> candidates{k4, k3, k7, k1, k2, 12345, k7};
        log.add("orphans", to_json(store.delete_orphan_subjects(candidates, at(950))));
        log.add("emptied removable", store.remove_emptied_subjects(false));
        const std::int64_t k3_hold = store.list_holds().front().id;
        store.release_hold(k3_hold, at(960));
        Request k1_request = *store.find_request(1);
        k1_request.closed = at(960);
        store.update_request(k1_request);
        log.add("emptied removable now", store.remove_emptied_subjects(false));
        store.mark_kept(k1);
        log.add("emptied after mark_kept", store.remove_emptied_subjects(false));
        log.add("emptied removed", store.remove_emptied_subjects(true));
        log.add("subjects", {to_json(store.find_subject(k1)), to_json(store.find_subject(k3)),
                             to_json(store.find_subject(k4))});
        store.forget_subject_reasons(k2);
        // K-1 has no records left and is kept: delete it by hand (its request keeps the pseudonym).
        log.attempt("delete K-2 with records", [&] { store.delete_subject(k2); });
        store.delete_subject(k1);
        log.add("after delete K-1", to_json(store.find_subject(k1)));
        log.add("holds after", to_json(store.list_holds()));
        log.add("requests after", to_json(store.list_requests()));
        log.add("events K-1 after", to_json(store.subject_events(k1)));
        log.add("audit in tx", store.append_audit(audit_entry("purge", "delete", 6)));
        tx.commit();
    }
    {
        WriteTransaction tx(store);
        store.upsert_record(record("r11", "K-6", "chat", 100), at(60));
        log.add("rolled back audit", store.append_audit(audit_entry("x", "y", 1)));
        tx.rollback();
    }
    log.add("after rollback", {to_json(store.find_record("r11")), to_json(store.find_subject(std::string_view("K-6"))),
                               store.count_records(), store.count_subjects()});
    log.add("checkpoint", store.checkpoint());
    log.add("checkpoint pending", store.checkpoint_pending() ? 1 : 0);

    json audit = json::array();
    store.read_audit(0, [&](const StoredAuditEntry& e) {
        audit.push_back(to_json(e));
        return true;
    });
    log.add("audit", audit);
    json tail = json::array();
    store.read_audit(2, [&](const StoredAuditEntry& e) {
        tail.push_back(e.seq);
        return e.seq < 3;
    });
    log.add("audit tail", tail);
    const auto head = store.audit_head();
    log.add("audit head", {head.first, head.second});
    RecordScan last;
    last.now = at(2000);
    last.all_event_kinds = true;
    last.cases = true;
    last.consent_purposes = {"survey"};
    log.add("final scan", scan_json(store, last));
    return log.items();
}

// Sets the secret key of a PostgreSQL test store to that of an SQLite store file.
void share_secret(TestSchema& schema, const std::string& sqlite_path) {
    SQLite::Database sqlite(sqlite_path);
    const std::string key = sqlite.execAndGet("SELECT value FROM meta WHERE key = 'secret_key'").getString();
    schema.admin().query_dynamic("UPDATE meta SET value = $1 WHERE key = 'secret_key'",
                                 std::vector<store::pg::Param>{key});
}

} // namespace

TEST_CASE("pg_store: the same operations give the same results as on SQLite") {
    auto pg = test_database();
    if (!pg) return;
    TestSchema schema(*pg);
    const std::string dir = temp_dir();
    const std::string sqlite_path = dir + "/s.db";
    StoreOptions create;
    create.create = true;
    open_store(sqlite_path, create).reset();
    schema.open(create).reset();
    share_secret(schema, sqlite_path);

    json sqlite_log;
    json pg_log;
    {
        auto s = open_store(sqlite_path);
        sqlite_log = exercise(*s);
    }
    {
        auto p = schema.open();
        CHECK(std::string(p->backend()) == "postgresql");
        CHECK(p->pseudonym("K-1") == open_store(sqlite_path, StoreOptions{.read_only = true})->pseudonym("K-1"));
        pg_log = exercise(*p);
        CHECK(p->size_bytes() > 0);
    }
    REQUIRE(sqlite_log.size() == pg_log.size());
    for (std::size_t i = 0; i < sqlite_log.size(); ++i) {
        CAPTURE(i);
        CHECK(pg_log[i].dump() == sqlite_log[i].dump());
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("pg_store: the writer lock and the append lock") {
    auto pg = test_database();
    if (!pg) return;
    TestSchema schema(*pg);
    StoreOptions create;
    create.create = true;
    auto writer = schema.open(create);
    {
        WriteTransaction tx(*writer);
        writer->upsert_record(record("r1", "K-1", "chat", 100), at(0));
        tx.commit();
    }

    // A second writable run: refused at once with lock_timeout 0.
    StoreOptions now;
    now.lock_timeout = 0;
    try {
        schema.open(now);
        FAIL("a second writer opened the store");
    } catch (const Error& e) {
        CHECK(e.code() == Code::locked);
        CHECK(std::string(e.what()).find("locked by another vern run") != std::string::npos);
    }

    // A read-only open works while the writer holds the store, also during a write transaction.
    StoreOptions ro;
    ro.read_only = true;
    ro.lock_timeout = 0;
    auto reader = schema.open(ro);
    WriteTransaction tx(*writer);
    writer->upsert_record(record("r2", "K-1", "chat", 100), at(0));
    CHECK(reader->count_records() == 1);
    {
        ReadTransaction snapshot(*reader);
        CHECK(reader->find_record("r1"));
        CHECK_FALSE(reader->find_record("r2"));
    }
    try {
        WriteTransaction no(*reader);
        FAIL("a read-only store began a write transaction");
    } catch (const Error& e) {
        CHECK(e.code() == Code::io);
        CHECK(std::string(e.what()).find("opened read-only") != std::string::npos);
    }

    // A shared writer (no writer lock) waits for the append lock of the open write transaction:
    // at least k_append_wait_floor_seconds, even with lock_timeout 0 (a purge run with
    // --lock-timeout 0 must not fail because an access report was writing its audit entry).
    StoreOptions shared;
    shared.shared_writer = true;
    shared.lock_timeout = 0;
    auto other = schema.open(shared);
    const auto start = std::chrono::steady_clock::now();
    try {
        WriteTransaction t2(*other);
        FAIL("two write transactions at once");
    } catch (const Error& e) {
        CHECK(e.code() == Code::locked);
        CHECK(std::string(e.what()) ==
              "the store '" + other->path() + "' is locked by another vern run (waited " +
                  std::to_string(store::k_append_wait_floor_seconds) + " s); try again later");
    }
    CHECK(std::chrono::steady_clock::now() - start >=
          std::chrono::milliseconds(store::k_append_wait_floor_seconds * 1000 - 100));
    CHECK_FALSE(other->in_transaction());
    auto& patient = other;
    CHECK(patient->count_records() == 1); // the connection is usable after the timeout
    tx.commit();
    {
        WriteTransaction t4(*other);
        other->append_audit(audit_entry("access", "access", 1));
        t4.commit();
    }
    CHECK(reader->count_records() == 2);
    CHECK(reader->audit_head().first == 1);
}

TEST_CASE("pg_store: read_audit streams a long log") {
    auto pg = test_database();
    if (!pg) return;
    TestSchema schema(*pg);
    StoreOptions create;
    create.create = true;
    auto store = schema.open(create);
    constexpr std::int64_t n = 20005; // two full FETCHes and a part
    {
        WriteTransaction tx(*store);
        for (std::int64_t i = 1; i <= n; ++i) {
            CHECK(store->append_audit(audit_entry("ingest", "ingest", i)) == i);
        }
        tx.commit();
    }
    auto check_all = [&](std::int64_t after) {
        std::int64_t expect = after + 1;
        std::string prev;
        bool chained = true;
        store->read_audit(after, [&](const StoredAuditEntry& e) {
            chained = chained && e.seq == expect && (prev.empty() || e.prev_hash == prev) &&
                      e.hash == audit_hash(e.prev_hash, e.seq, e.entry);
            prev = e.hash;
            ++expect;
            return true;
        });
        CHECK(chained);
        CHECK(expect == n + 1);
    };
    check_all(0);    // outside a transaction: a snapshot of its own
    check_all(9999); // starts mid-way
    CHECK_FALSE(store->in_transaction());
    {
        ReadTransaction snapshot(*store);
        check_all(0);
        CHECK(store->in_transaction());
        CHECK(store->count_records() == 0); // the transaction is still usable
    }
    {
        WriteTransaction tx(*store);
        // Stop early; then a nested read and a write in the same transaction.
        std::int64_t seen = 0;
        store->read_audit(0, [&](const StoredAuditEntry& e) {
            ++seen;
            if (e.seq == 3) {
                std::int64_t inner = 0;
                store->read_audit(n - 2, [&](const StoredAuditEntry&) { return ++inner < 100; });
                CHECK(inner == 2);
            }
            return e.seq < 10001;
        });
        CHECK(seen == 10001);
        CHECK(store->append_audit(audit_entry("x", "y", 1)) == n + 1);
        tx.commit();
    }
    CHECK(store->audit_head().first == n + 1);
    // A callback that throws leaves the store usable.
    CHECK_THROWS_AS(store->read_audit(0, [](const StoredAuditEntry&) -> bool { throw Error(Code::data, "stop"); }),
                    Error);
    CHECK_FALSE(store->in_transaction());
    CHECK(store->audit_head().first == n + 1);
}

TEST_CASE("pg_store: failures inside a transaction, a lost connection, maintenance") {
    auto pg = test_database();
    if (!pg) return;
    TestSchema schema(*pg);
    StoreOptions create;
    create.create = true;
    auto store = schema.open(create);
    Identifiers ids;
    ids.email = {"email"};
    store->set_identifier_fields(ids);
    {
        WriteTransaction tx(*store);
        store->upsert_record(record("r1", "K-1", "chat", 100, {{"email", "a@b.no"}}), at(0));
        // An event of a record that does not exist: the foreign key fails and aborts the
        // transaction; COMMIT must then fail rather than report success.
        Event missing;
        missing.scope = EventScope::record;
        missing.record_rowid = 424242;
        missing.kind = "x";
        missing.at = at(1);
        CHECK_THROWS_AS(store->add_event(missing), Error);
        CHECK_THROWS_AS(tx.commit(), Error);
    }
    CHECK_FALSE(store->in_transaction());
    CHECK(store->count_records() == 0);

    {
        WriteTransaction tx(*store);
        for (int i = 0; i < 3000; ++i) {
            store->upsert_record(record("r" + std::to_string(i), "K-" + std::to_string(i % 7), "chat",
                                        100, {{"email", "p" + std::to_string(i % 11) + "@b.no"}}),
                                 at(0));
        }
        tx.commit();
    }
    CHECK(store->count_records() == 3000);
    CHECK(store->find_subjects_by_identifier(IdentifierKind::email, "P3@b.no").size() == 7);
    {
        WriteTransaction tx(*store);
        std::vector<RowId> all;
        RecordScan everything;
        everything.now = at(10);
        store->scan_records(everything, [&](std::span<const ScannedRecord> batch) {
            for (const auto& r : batch) all.push_back(r.record.rowid);
            return true;
        });
        CHECK(all.size() == 3000);
        CHECK(store->delete_records(all) == 3000);
        tx.commit();
    }
    CHECK(store->find_subjects_by_identifier(IdentifierKind::email, "P3@b.no").empty());
    CHECK(store->checkpoint());
    auto vacuumed = schema.admin().query_dynamic(
        "SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = current_schema() "
        "AND relname IN ('records', 'identifiers') AND last_vacuum IS NOT NULL",
        {});
    CHECK(vacuumed.int64(0, 0) == 2);
    CHECK(store->vacuum());
    CHECK_FALSE(store->checkpoint_pending());
    CHECK(store->size_bytes() > 0);

    // The server ends the store's connection (found by its writer lock) in the middle of a
    // write transaction: the next statement fails as io, rollback does not throw.
    WriteTransaction tx(*store);
    store->upsert_record(record("x1", "K-1", "chat", 100), at(0));
    schema.admin().query_dynamic(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
        "AND classid = $1::bigint::oid AND objid = hashtext($2)::oid AND granted",
        std::vector<store::pg::Param>{std::to_string(store::k_lock_class_writer), schema.name()});
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    try {
        store->upsert_record(record("x2", "K-1", "chat", 100), at(0));
        FAIL("a write on a terminated connection");
    } catch (const Error& e) {
        CHECK(e.code() == Code::io);
        CHECK(std::string(e.what()).find("connection to the server was lost") != std::string::npos);
    }
    tx.rollback();
    CHECK_FALSE(store->in_transaction());
}
