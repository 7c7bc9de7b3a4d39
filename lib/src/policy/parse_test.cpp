// [[test]] (SPEC 3.6): inline records, events, consents and holds shaped like ingest lines
// (SPEC section 4, without "type"), one or more `now`, and [test.expect].

#include "parser.hpp"

#include <fmt/format.h>

#include <set>

namespace vern::policy_detail {
namespace {

// Scalars as JSON: strings, numbers, booleans; TOML dates and times as their RFC 3339 text.
std::optional<nlohmann::json> scalar_json(const toml::node& n) {
    if (const auto* s = n.as_string()) {
        return nlohmann::json(s->get());
    }
    if (const auto* i = n.as_integer()) {
        return nlohmann::json(i->get());
    }
    if (const auto* f = n.as_floating_point()) {
        return nlohmann::json(f->get());
    }
    if (const auto* b = n.as_boolean()) {
        return nlohmann::json(b->get());
    }
    if (n.is_date() || n.is_date_time() || n.is_time()) {
        return nlohmann::json(scalar_text(n));
    }
    return std::nullopt;
}

class TestParser {
  public:
    TestParser(PolicyTest& test, const std::string& file, LoadState& state)
        : m_test(test), m_file(file), m_state(state) {}

    // A time key of an inline table: stored as text in `out`, checked with the policy zone.
    void time(TableReader& r, const char* key, bool required, nlohmann::json& out) {
        if (auto text = r.time_text(key, required)) {
            auto t = parse_time(*text, m_state.zone);
            if (!t) {
                m_state.reporter.error(r.pos(key), t.error());
            }
            out[key] = *text;
        }
    }

    void string(TableReader& r, const char* key, bool required, nlohmann::json& out) {
        if (auto s = r.string(key, required)) {
            out[key] = *s;
        }
    }

    void category(TableReader& r, bool required, nlohmann::json& out) {
        auto c = r.string("category", required);
        if (!c) {
            return;
        }
        out["category"] = *c;
        if (m_state.check_references && !m_state.policy.find_category(*c)) {
            std::vector<std::string> ids;
            for (const auto& cat : m_state.policy.categories) {
                ids.push_back(cat.id);
            }
            m_state.reporter.error(r.pos("category"), fmt::format("unknown category '{}'{}", *c,
                                                                  did_you_mean(*c, ids)));
        }
    }

    // Calls `each` with a TableReader for every inline table of the array `key`.
    template <typename F>
    void each_table(TableReader& r, const char* key, std::vector<std::string> allowed, F each) {
        const toml::array* arr = r.array(key);
        if (!arr) {
            return;
        }
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::node& n = (*arr)[i];
            const auto* t = n.as_table();
            if (!t) {
                m_state.reporter.error(r.pos(n), fmt::format("{}[{}] must be a table, not {}", key,
                                                             i, type_name(n)));
                continue;
            }
            TableReader item(*t, m_file, fmt::format("{}[{}] of test '{}'", key, i, m_test.name),
                             allowed, m_state.reporter);
            each(item);
        }
    }

    void record(TableReader& r) {
        nlohmann::json rec = nlohmann::json::object();
        string(r, "id", false, rec);
        string(r, "subject", true, rec);
        string(r, "case", false, rec);
        category(r, true, rec);
        time(r, "created", true, rec);
        rec["fields"] = nlohmann::json::object();
        const std::string cat_id = rec.value("category", "");
        const Category* cat = m_state.duplicate_categories.count(cat_id)
                                  ? nullptr
                                  : m_state.policy.find_category(cat_id);
        if (const toml::table* fields = r.table("fields")) {
            for (auto&& [key, value] : *fields) {
                auto v = scalar_json(value);
                if (!v) {
                    m_state.reporter.error(r.pos(value),
                                           fmt::format("field '{}' must be a string, number or "
                                                       "boolean, not {}",
                                                       key.str(), type_name(value)));
                    continue;
                }
                if (cat && cat->fields &&
                    std::find(cat->fields->begin(), cat->fields->end(), key.str()) ==
                        cat->fields->end()) {
                    m_state.reporter.error(pos_of(m_file, key.source()),
                                           fmt::format("field '{}' is not declared by category "
                                                       "'{}'{}",
                                                       key.str(), cat->id,
                                                       did_you_mean(key.str(), *cat->fields)));
                }
                rec["fields"][std::string(key.str())] = *v;
            }
        }
        if (rec.contains("id")) {
            m_record_ids.insert(rec["id"].get<std::string>());
        }
        m_test.records.push_back(std::move(rec));
    }

    void event(TableReader& r) {
        nlohmann::json ev = nlohmann::json::object();
        string(r, "subject", false, ev);
        string(r, "case", false, ev);
        string(r, "record", false, ev);
        string(r, "scope", false, ev);
        string(r, "kind", true, ev);
        time(r, "at", true, ev);
        if (r.has("case") && !r.has("subject")) {
            m_state.reporter.error(r.pos("case"),
                                   fmt::format("{}: only a subject event has a case (a record "
                                               "event belongs to its record, a global event to "
                                               "every case)",
                                               r.context()));
        }
        if (ev.contains("scope") && ev["scope"] != "global") {
            m_state.reporter.error(r.pos("scope"),
                                   "invalid scope: the only scope is \"global\" (an event for the "
                                   "whole organisation)");
        }
        const int targets = int(r.has("subject")) + int(r.has("record")) + int(r.has("scope"));
        if (targets != 1) {
            m_state.reporter.error(r.pos(), fmt::format("{} needs exactly one of subject, record "
                                                        "or scope = \"global\"",
                                                        r.context()));
        }
        m_test.events.push_back(std::move(ev));
    }

    void consent(TableReader& r) {
        nlohmann::json c = nlohmann::json::object();
        string(r, "subject", true, c);
        string(r, "purpose", true, c);
        time(r, "given", false, c);
        time(r, "withdrawn", false, c);
        if (!r.has("given") && !r.has("withdrawn")) {
            m_state.reporter.error(r.pos(),
                                   fmt::format("{} needs 'given' or 'withdrawn'", r.context()));
        }
        m_test.consents.push_back(std::move(c));
    }

    void hold(TableReader& r) {
        nlohmann::json h = nlohmann::json::object();
        string(r, "subject", false, h);
        category(r, false, h);
        string(r, "reason", false, h);
        if (r.has("subject") == r.has("category")) {
            m_state.reporter.error(r.pos(), fmt::format("{} needs exactly one of subject or "
                                                        "category",
                                                        r.context()));
        }
        m_test.holds.push_back(std::move(h));
    }

    std::vector<std::string> ids(TableReader& r, const char* key) {
        auto list = r.string_array(key).value_or(std::vector<std::string>{});
        if (!list.empty()) {
            const toml::array& arr = *r.node(key)->as_array();
            for (std::size_t i = 0; i < list.size(); ++i) {
                check_id(r.pos(arr[i]), key, list[i]);
            }
        }
        return list;
    }

    void check_id(const SourcePos& pos, const char* key, const std::string& id) {
        if (!m_record_ids.count(id)) {
            m_state.reporter.error(pos, fmt::format("expect.{} names record '{}', which test '{}' "
                                                    "does not define",
                                                    key, id, m_test.name));
        }
    }

    void expect(TableReader& r) {
        const toml::table* t = r.table("expect");
        if (!t) {
            if (!r.has("expect")) {
                m_state.reporter.warning(r.pos(), fmt::format("{} has no [test.expect]: it checks "
                                                              "nothing",
                                                              r.context()));
            }
            return;
        }
        TableReader e(*t, m_file, "[test.expect]", {"deleted", "kept", "anonymized", "unlinked"},
                      m_state.reporter);
        m_test.expect_deleted = ids(e, "deleted");
        m_test.expect_kept = ids(e, "kept");
        m_test.expect_unlinked = ids(e, "unlinked");
        if (const toml::table* anon = e.table("anonymized")) {
            for (auto&& [id, value] : *anon) {
                const std::string record_id(id.str());
                check_id(pos_of(m_file, id.source()), "anonymized", record_id);
                const auto* fields = value.as_table();
                if (!fields) {
                    e.type_error(fmt::format("anonymized.{}", record_id), value,
                                 "a table of the record's fields afterwards");
                    continue;
                }
                nlohmann::json obj = nlohmann::json::object();
                for (auto&& [field, v] : *fields) {
                    if (auto j = scalar_json(v)) {
                        obj[std::string(field.str())] = *j;
                    } else {
                        m_state.reporter.error(e.pos(v),
                                               fmt::format("expected value of field '{}' must be a "
                                                           "string, number or boolean, not {}",
                                                           field.str(), type_name(v)));
                    }
                }
                m_test.expect_anonymized.emplace(record_id, std::move(obj));
            }
        }
        std::set<std::string> deleted(m_test.expect_deleted.begin(), m_test.expect_deleted.end());
        for (std::size_t i = 0; i < m_test.expect_kept.size(); ++i) {
            if (deleted.count(m_test.expect_kept[i])) {
                m_state.reporter.error(e.pos((*e.node("kept")->as_array())[i]),
                                       fmt::format("record '{}' is expected both deleted and kept",
                                                   m_test.expect_kept[i]));
            }
        }
    }

  private:
    PolicyTest& m_test;
    const std::string& m_file;
    LoadState& m_state;
    std::set<std::string> m_record_ids;
};

void parse_now(TableReader& r, PolicyTest& test, LoadState& state) {
    const toml::node* n = r.node("now");
    if (!n) {
        r.require("now");
        return;
    }
    std::vector<const toml::node*> items;
    if (const auto* arr = n->as_array()) {
        for (const auto& e : *arr) {
            items.push_back(&e);
        }
        if (arr->empty()) {
            state.reporter.error(r.pos(*n), "'now' must list at least one time");
        }
    } else {
        items.push_back(n);
    }
    for (const toml::node* item : items) {
        if (!item->is_string() && !item->is_date() && !item->is_date_time()) {
            r.type_error("now", *item, "a time (RFC 3339 or a date) or an array of times");
            continue;
        }
        auto t = parse_time(scalar_text(*item), state.zone);
        if (!t) {
            state.reporter.error(r.pos(*item), t.error());
            continue;
        }
        if (!test.now.empty() && *t < test.now.back()) {
            state.reporter.error(r.pos(*item), "the times in 'now' must be in order");
        }
        test.now.push_back(*t);
    }
}

} // namespace

void parse_test(const toml::table& table, const std::string& file, LoadState& state) {
    TableReader r(table, file, "[[test]]",
                  {"name", "now", "records", "events", "consents", "holds", "expect"},
                  state.reporter);
    PolicyTest test;
    test.pos = r.pos();
    test.name = r.string("name", true).value_or("");
    if (!test.name.empty()) {
        r.set_context(fmt::format("[[test]] '{}'", test.name));
    }
    parse_now(r, test, state);
    TestParser p(test, file, state);
    p.each_table(r, "records", {"id", "subject", "case", "category", "created", "fields"},
                 [&p](TableReader& item) { p.record(item); });
    p.each_table(r, "events", {"subject", "case", "record", "scope", "kind", "at"},
                 [&p](TableReader& item) { p.event(item); });
    p.each_table(r, "consents", {"subject", "purpose", "given", "withdrawn"},
                 [&p](TableReader& item) { p.consent(item); });
    p.each_table(r, "holds", {"subject", "category", "reason"},
                 [&p](TableReader& item) { p.hold(item); });
    p.expect(r);
    state.policy.tests.push_back(std::move(test));
}

} // namespace vern::policy_detail
