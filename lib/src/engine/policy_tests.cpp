// vern test: runs a policy's [[test]] cases (SPEC 3.6), each on a fresh in-memory store.

#include "vern/engine.hpp"

#include <fmt/core.h>

#include <map>

namespace vern {
namespace {

std::string str(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

class TestRun {
  public:
    TestRun(const Policy& policy, const PolicyTest& test)
        : m_policy(policy), m_test(test), m_store(open_store(":memory:", StoreOptions{true, false, 0})) {
        m_store->set_identifier_fields(policy.identifiers);
        m_result.name = test.name;
    }

    TestCaseResult run() {
        try {
            load();
            for (Instant now : m_test.now) {
                PurgeOptions opts;
                opts.now = now;
                opts.command = "test";
                opts.user = "vern-test";
                purge(*m_store, m_policy, opts);
            }
            check();
        } catch (const Error& e) {
            fail("", "the test to run", e.what());
        }
        m_result.passed = m_result.failures.empty();
        return std::move(m_result);
    }

  private:
    Instant time(const nlohmann::json& j, const char* key) {
        const std::string text = str(j, key);
        auto t = parse_time(text, m_policy.info.zone);
        if (!t) {
            throw Error(Code::data, t.error());
        }
        return *t;
    }

    RowId subject(const std::string& ref, Instant at) {
        if (ref.empty()) {
            throw Error(Code::data, "an entry without a subject");
        }
        return m_store->ensure_subject(ref, at).first.rowid;
    }

    void load() {
        WriteTransaction tx(*m_store);
        int n = 0;
        for (const nlohmann::json& r : m_test.records) {
            NewRecord rec;
            rec.id = str(r, "id");
            if (rec.id.empty()) {
                rec.id = fmt::format("record-{}", ++n);
            }
            rec.subject = str(r, "subject");
            rec.case_id = str(r, "case");
            rec.category = str(r, "category");
            if (!m_policy.find_category(rec.category)) {
                throw Error(Code::data, fmt::format("record '{}': unknown category '{}'", rec.id,
                                                    rec.category));
            }
            rec.created = time(r, "created");
            if (auto f = r.find("fields"); f != r.end()) {
                rec.fields = *f;
            }
            m_rowids[rec.id] = m_store->upsert_record(rec, rec.created).rowid;
        }
        for (const nlohmann::json& e : m_test.events) {
            Event ev;
            ev.kind = str(e, "kind");
            ev.at = time(e, "at");
            if (e.contains("record")) {
                ev.scope = EventScope::record;
                auto rid = m_store->find_record_rowid(str(e, "record"));
                if (!rid) {
                    throw Error(Code::data, fmt::format("an event names record '{}', which the "
                                                        "test does not define",
                                                        str(e, "record")));
                }
                ev.record_rowid = *rid;
            } else if (e.contains("subject")) {
                ev.scope = EventScope::subject;
                ev.subject_rowid = subject(str(e, "subject"), ev.at);
                ev.case_id = str(e, "case");
            } else {
                ev.scope = EventScope::global;
            }
            m_store->add_event(ev);
        }
        for (const nlohmann::json& c : m_test.consents) {
            const std::string purpose = str(c, "purpose");
            if (c.contains("given")) {
                Instant at = time(c, "given");
                m_store->add_consent(subject(str(c, "subject"), at), {purpose, true, at});
            }
            if (c.contains("withdrawn")) {
                Instant at = time(c, "withdrawn");
                m_store->add_consent(subject(str(c, "subject"), at), {purpose, false, at});
            }
        }
        for (const nlohmann::json& h : m_test.holds) {
            Hold hold;
            hold.reason = h.contains("reason") ? str(h, "reason") : "policy test";
            hold.placed = Instant{}; // active throughout the test
            if (h.contains("subject")) {
                hold.subject = str(h, "subject");
                hold.subject_rowid = subject(hold.subject, hold.placed);
            } else {
                hold.category = str(h, "category");
            }
            m_store->place_hold(hold);
        }
        tx.commit();
    }

    std::string describe(const std::optional<StoredRecord>& r) {
        if (!r) {
            return "deleted";
        }
        std::string s = r->applied_rules.empty()
                            ? "present (not anonymized)"
                            : fmt::format("anonymized by {}", join(r->applied_rules));
        s += fmt::format(", fields {}", r->fields_json);
        if (r->unlinked) {
            s += ", unlinked";
        }
        return s;
    }

    // By the row, not the id: an unlinked record gets a fresh id, and the test names the old one.
    std::optional<StoredRecord> find(const std::string& id) {
        auto it = m_rowids.find(id);
        if (it == m_rowids.end()) return m_store->find_record(id);
        return m_store->find_record_by_rowid(it->second);
    }

    void check() {
        for (const std::string& id : m_test.expect_deleted) {
            auto r = find(id);
            if (r) {
                fail(id, "deleted", describe(r));
            }
        }
        for (const std::string& id : m_test.expect_kept) {
            auto r = find(id);
            if (!r || !r->applied_rules.empty()) {
                fail(id, "kept (present, not anonymized)", describe(r));
            }
        }
        for (const auto& [id, fields] : m_test.expect_anonymized) {
            auto r = find(id);
            if (!r || r->applied_rules.empty() || r->fields() != fields) {
                fail(id, fmt::format("anonymized, fields {}", fields.dump()), describe(r));
            }
        }
        for (const std::string& id : m_test.expect_unlinked) {
            auto r = find(id);
            if (!r || !r->unlinked) {
                fail(id, "unlinked", describe(r));
            }
        }
    }

    void fail(const std::string& record, std::string expected, std::string actual) {
        m_result.failures.push_back(
            TestFailure{m_test.name, record, std::move(expected), std::move(actual), m_test.pos});
    }

    const Policy& m_policy;
    const PolicyTest& m_test;
    std::unique_ptr<Store> m_store;
    std::map<std::string, RowId> m_rowids; // the test's record ids
    TestCaseResult m_result;
};

} // namespace

TestReport run_policy_tests(const Policy& policy) {
    TestReport report;
    for (const PolicyTest& test : policy.tests) {
        report.cases.push_back(TestRun(policy, test).run());
        if (report.cases.back().passed) {
            ++report.passed;
        } else {
            ++report.failed;
        }
    }
    return report;
}

} // namespace vern
