// Ingester: checks each ingest line against the policy (man vern-ingest(5)) and applies it.

#include "vern/ingest.hpp"
#include "vern/rights.hpp"
#include "vern/text.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <set>

namespace vern {
namespace {

using nlohmann::json;

constexpr std::size_t k_subject_cache = 1 << 18;

std::string checked_keys(const json& line, std::initializer_list<const char*> allowed,
                         const char* type) {
    for (const auto& [key, value] : line.items()) {
        // init-capture: clang 15 cannot capture a structured binding
        if (std::none_of(allowed.begin(), allowed.end(),
                         [&k = key](const char* a) { return k == a; })) {
            return fmt::format("unknown key {} in a {} line", quoted_excerpt(key), type);
        }
    }
    return {};
}

// A required non-empty string member; sets `error` when missing or not a string.
const std::string* required_string(const json& line, const char* key, std::string& error) {
    auto it = line.find(key);
    if (it == line.end()) {
        error = fmt::format("missing \"{}\"", key);
        return nullptr;
    }
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
        error = fmt::format("\"{}\" must be a non-empty string", key);
        return nullptr;
    }
    return &it->get_ref<const std::string&>();
}

std::optional<Instant> required_time(const json& line, const char* key, Zone zone,
                                     std::string& error) {
    const std::string* text = required_string(line, key, error);
    if (text == nullptr) return std::nullopt;
    auto t = parse_time(*text, zone);
    if (!t) {
        error = fmt::format("\"{}\": {}", key, t.error());
        return std::nullopt;
    }
    return *t;
}

std::string list_or_none(const std::vector<std::string>& items) {
    return items.empty() ? std::string("none") : fmt::format("{}", fmt::join(items, ", "));
}

} // namespace

std::string generated_record_id(const std::string& subject, const std::string& category,
                                Instant created, const nlohmann::json& fields,
                                const std::string& case_id) {
    std::string input = subject;
    input += '\0';
    input += category;
    input += '\0';
    input += std::to_string(created.time_since_epoch().count());
    input += '\0';
    input += fields.dump();
    if (!case_id.empty()) { // ids of caseless records stay what they were before cases existed
        input += '\0';
        input += case_id;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    char hex[2 * sizeof digest + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return "h-" + std::string(hex, 20);
}

Ingester::Ingester(Store& store, const Policy& policy, const IngestOptions& options)
    : m_store(store), m_policy(policy), m_options(options) {
    std::set<std::string> purposes;
    for (const Category& c : policy.categories) {
        if (!c.consent_purpose.empty()) purposes.insert(c.consent_purpose);
    }
    for (const Rule& r : policy.rules) {
        if (!r.if_consent.empty()) purposes.insert(r.if_consent);
        if (!r.unless_consent.empty()) purposes.insert(r.unless_consent);
    }
    m_consent_purposes.assign(purposes.begin(), purposes.end());
    m_store.set_identifier_fields(policy.identifiers);
    m_any_erased = m_store.has_erased();
}

std::string Ingester::add(const nlohmann::json& line, std::string_view where) {
    if (!line.is_object()) return fmt::format("expected a JSON object, got {}", line.type_name());
    auto type = line.find("type");
    if (type == line.end()) return "missing \"type\" (expected subject, record, event or consent)";
    if (type->is_string()) {
        const std::string& t = type->get_ref<const std::string&>();
        if (t == "record") return add_record(line);
        if (t == "event") return add_event(line, where);
        if (t == "subject") return add_subject(line);
        if (t == "consent") return add_consent(line);
        return fmt::format("unknown type {} (expected subject, record, event or consent)",
                           quoted_excerpt(t));
    }
    // Never the whole value: only a short prefix of it, escaped.
    return fmt::format("\"type\" must be a string (subject, record, event or consent), not {} "
                       "{}", type->type_name(), excerpt(type->dump(), 40));
}

Ingester::SubjectState Ingester::subject(const std::string& ref, bool create, std::string& error) {
    auto it = m_subjects.find(ref);
    if (it == m_subjects.end()) {
        if (m_subjects.size() >= k_subject_cache) m_subjects.clear(); // bounded memory
        SubjectState st;
        if (auto found = m_store.find_subject(ref)) st.rowid = found->rowid;
        st.no_consents = st.rowid == 0;
        // Ingest adds no erased entries: with none at the start there is nothing to look up
        // (and no keyed pseudonym to compute) for each new subject of a first load.
        if (m_any_erased) {
            st.erased = m_store.is_erased(m_store.pseudonym(ref));
            st.partly_erased = !st.erased && m_store.is_erased(m_store.partly_erased_key(ref));
        }
        it = m_subjects.emplace(ref, st).first;
    }
    if (it->second.erased) {
        error = fmt::format("subject \"{}\" was erased; its data is never ingested again", ref);
        return it->second;
    }
    if (create && it->second.rowid == 0) {
        it->second.rowid = m_store.ensure_subject(ref, m_options.now).first.rowid;
        ++m_summary.subjects_created;
    }
    return it->second;
}

std::string Ingester::add_subject(const nlohmann::json& line) {
    std::string error = checked_keys(line, {"type", "ref"}, "subject");
    if (!error.empty()) return error;
    const std::string* ref = required_string(line, "ref", error);
    if (ref == nullptr) return error;
    subject(*ref, true, error);
    return error;
}

std::string Ingester::add_record(const nlohmann::json& line) {
    std::string error =
        checked_keys(line, {"type", "id", "subject", "case", "category", "created", "fields"},
                     "record");
    if (!error.empty()) return error;
    const std::string* ref = required_string(line, "subject", error);
    if (ref == nullptr) return error;
    const std::string* category_id = required_string(line, "category", error);
    if (category_id == nullptr) return error;
    const Category* category = m_policy.find_category(*category_id);
    if (category == nullptr) {
        std::vector<std::string> ids;
        for (const Category& c : m_policy.categories) ids.push_back(c.id);
        return fmt::format("unknown category {} (the policy declares: {})",
                           quoted_excerpt(*category_id), list_or_none(ids));
    }
    auto created = required_time(line, "created", m_policy.info.zone, error);
    if (!created) return error;

    static const json k_empty = json::object();
    const json* fields = &k_empty;
    if (auto f = line.find("fields"); f != line.end()) {
        if (!f->is_object()) return "\"fields\" must be a JSON object";
        fields = &*f;
    }
    for (const auto& [name, value] : fields->items()) {
        if (!value.is_string() && !value.is_number() && !value.is_boolean()) {
            return fmt::format("field \"{}\" must be a string, number or boolean, not {}", name,
                               value.type_name());
        }
        if (category->fields &&
            std::find(category->fields->begin(), category->fields->end(), name) ==
                category->fields->end()) {
            return fmt::format("field \"{}\" is not declared by category \"{}\" (declared: {})",
                               name, category->id, list_or_none(*category->fields));
        }
    }

    NewRecord record;
    if (line.contains("case")) {
        const std::string* case_id = required_string(line, "case", error);
        if (case_id == nullptr) return error;
        record.case_id = *case_id;
    }
    if (auto id = line.find("id"); id != line.end()) {
        if (!id->is_string() || id->get_ref<const std::string&>().empty()) {
            return "\"id\" must be a non-empty string";
        }
        record.id = id->get<std::string>();
    } else {
        record.id = generated_record_id(*ref, category->id, *created, *fields, record.case_id);
    }

    SubjectState st = subject(*ref, false, error);
    if (!error.empty()) return error;
    if (m_any_erased && m_store.is_erased(m_store.unlinked_record_key(record.id))) {
        return fmt::format("record \"{}\" was anonymised and detached from its subject; it cannot "
                           "be replaced", record.id);
    }
    if (st.partly_erased && m_store.is_erased(m_store.erased_record_key(*ref, record.id))) {
        return fmt::format("record \"{}\" of subject \"{}\" was erased; it is never ingested "
                           "again", record.id, *ref);
    }
    if (st.rowid != 0 && !st.no_consents && !category->consent_purpose.empty() &&
        m_store.consent_withdrawn(st.rowid, category->consent_purpose, m_options.now)) {
        return fmt::format("subject \"{}\" withdrew consent \"{}\"; records of category \"{}\" "
                           "rest on it and are refused", *ref, category->consent_purpose,
                           category->id);
    }
    record.subject = *ref;
    record.subject_rowid = st.rowid;
    record.category = category->id;
    record.created = *created;
    record.fields = *fields;
    UpsertResult r = m_store.upsert_record(record, m_options.now);
    switch (r.outcome) {
    case UpsertOutcome::subject_conflict:
        return fmt::format("record \"{}\" belongs to subject \"{}\", not \"{}\"", record.id,
                           r.existing_subject, *ref);
    case UpsertOutcome::unlinked_conflict:
        return fmt::format("record \"{}\" was anonymised and detached from its subject; it cannot "
                           "be replaced", record.id);
    case UpsertOutcome::inserted:
        ++m_summary.records_inserted;
        break;
    case UpsertOutcome::replaced:
        ++m_summary.records_replaced;
        break;
    }
    if (r.subject_created) {
        ++m_summary.subjects_created;
        m_subjects[*ref].rowid = r.subject_rowid;
    }
    ++m_summary.records_by_category[category->id];
    return {};
}

void Ingester::store_event(const Event& event) {
    if (m_store.add_event(event)) {
        ++m_summary.events_added;
    } else {
        ++m_summary.events_duplicate;
    }
}

std::string Ingester::add_event(const nlohmann::json& line, std::string_view where) {
    std::string error =
        checked_keys(line, {"type", "subject", "case", "record", "scope", "kind", "at"}, "event");
    if (!error.empty()) return error;
    bool global = false;
    if (auto scope = line.find("scope"); scope != line.end()) {
        if (*scope != "global") return "\"scope\" must be \"global\" (or absent)";
        global = true;
    }
    int targets = (line.contains("subject") ? 1 : 0) + (line.contains("record") ? 1 : 0) +
                  (global ? 1 : 0);
    if (targets == 0) return "event needs \"subject\", \"record\" or \"scope\": \"global\"";
    if (targets > 1) {
        return "event names more than one of \"subject\", \"record\" and \"scope\": \"global\"";
    }
    const std::string* kind = required_string(line, "kind", error);
    if (kind == nullptr) return error;
    auto at = required_time(line, "at", m_policy.info.zone, error);
    if (!at) return error;
    std::string case_id;
    if (line.contains("case")) {
        if (!line.contains("subject")) {
            return "only a subject event has a \"case\" (a record event belongs to its record, "
                   "a global event to every case); remove \"case\"";
        }
        const std::string* c = required_string(line, "case", error);
        if (c == nullptr) return error;
        case_id = *c;
    }

    Event event;
    event.case_id = case_id;
    event.kind = *kind;
    event.at = *at;
    if (global) {
        event.scope = EventScope::global;
    } else if (line.contains("subject")) {
        const std::string* ref = required_string(line, "subject", error);
        if (ref == nullptr) return error;
        SubjectState st = subject(*ref, true, error);
        if (!error.empty()) return error;
        event.scope = EventScope::subject;
        event.subject_rowid = st.rowid;
    } else {
        const std::string* id = required_string(line, "record", error);
        if (id == nullptr) return error;
        auto rowid = m_store.find_record_rowid(*id);
        if (!rowid) { // may appear later in the input
            m_pending.push_back(PendingEvent{std::string(where), *id, *kind, *at});
            return {};
        }
        event.scope = EventScope::record;
        event.record_rowid = *rowid;
    }
    store_event(event);
    return {};
}

std::string Ingester::add_consent(const nlohmann::json& line) {
    std::string error =
        checked_keys(line, {"type", "subject", "purpose", "given", "withdrawn"}, "consent");
    if (!error.empty()) return error;
    const std::string* ref = required_string(line, "subject", error);
    if (ref == nullptr) return error;
    const std::string* purpose = required_string(line, "purpose", error);
    if (purpose == nullptr) return error;
    if (!std::binary_search(m_consent_purposes.begin(), m_consent_purposes.end(), *purpose)) {
        return fmt::format("unknown consent purpose \"{}\" (the policy uses: {})", *purpose,
                           list_or_none(m_consent_purposes));
    }
    if (!line.contains("given") && !line.contains("withdrawn")) {
        return "consent needs \"given\" or \"withdrawn\" (a time)";
    }
    std::optional<Instant> given;
    std::optional<Instant> withdrawn;
    if (line.contains("given")) {
        given = required_time(line, "given", m_policy.info.zone, error);
        if (!given) return error;
    }
    if (line.contains("withdrawn")) {
        withdrawn = required_time(line, "withdrawn", m_policy.info.zone, error);
        if (!withdrawn) return error;
    }
    SubjectState st = subject(*ref, true, error);
    if (!error.empty()) return error;
    m_subjects[*ref].no_consents = false;
    for (auto [at, is_given] : {std::pair{given, true}, std::pair{withdrawn, false}}) {
        if (!at) continue;
        // A withdrawal deletes the records that rested on the consent, as `vern consent
        // withdraw` does, so a withdrawal made in a source system reaches the store too.
        bool added = false;
        if (is_given) {
            added = m_store.add_consent(st.rowid, ConsentChange{*purpose, true, *at});
        } else {
            const ConsentResult r = apply_consent_withdrawal(
                m_store, m_policy, Subject{st.rowid, *ref, {}}, *purpose, *at, m_options.now,
                "ingest");
            added = r.recorded;
            m_summary.records_deleted_by_withdrawal += r.deleted_total;
        }
        if (added) {
            ++m_summary.consents_added;
        } else {
            ++m_summary.consents_duplicate;
        }
    }
    return {};
}

std::vector<std::string> Ingester::finish() {
    std::vector<std::string> errors;
    for (const PendingEvent& p : m_pending) {
        auto rowid = m_store.find_record_rowid(p.record_id);
        if (!rowid) {
            errors.push_back(fmt::format("{}: event for unknown record \"{}\"", p.where,
                                         p.record_id));
            continue;
        }
        store_event(Event{EventScope::record, 0, *rowid, p.kind, p.at});
    }
    m_pending.clear();
    return errors;
}

void Ingester::append_audit(const std::string& policy_digest) {
    AuditEntry base;
    base.at = m_options.now;
    base.user = current_os_user();
    base.command = m_options.command;
    base.policy_digest = policy_digest;
    auto add = [&](const char* action, const std::string& category, std::int64_t count) {
        if (count == 0) return;
        AuditEntry e = base;
        e.action = action;
        e.category = category;
        e.count = count;
        m_store.append_audit(e);
    };
    for (const auto& [category, count] : m_summary.records_by_category) {
        add("ingest", category, count);
    }
    add("ingest_subjects", "", m_summary.subjects_created);
    add("ingest_events", "", m_summary.events_added);
    add("ingest_consents", "", m_summary.consents_added);
}

} // namespace vern
