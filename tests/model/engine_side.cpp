// The engine's side of the model check: the world goes into a real in-memory vern store through
// the Store interface, and vern::evaluate_records decides.

#include "engine_side.hpp"

#include "vern/engine.hpp"
#include "vern/store.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace model {

vern::Policy load_engine_policy(const std::string& toml_text) {
    char path[] = "/tmp/vern-model-policy-XXXXXX.toml";
    const int fd = mkstemps(path, 5);
    if (fd < 0) throw std::runtime_error("model: cannot create a temporary policy file");
    close(fd);
    {
        std::ofstream out(path);
        out << toml_text;
    }
    vern::PolicyLoad load = vern::load_policy({path});
    std::remove(path);
    if (load.has_errors()) {
        std::string text;
        for (const auto& d : load.diagnostics) text += vern::format_diagnostic(d) + "\n";
        throw std::runtime_error("model: the generated policy has errors:\n" + text + toml_text);
    }
    return std::move(load.policy);
}

EngineWorld::EngineWorld(const vern::Policy& policy, const World& w)
    : m_policy(policy), m_store(vern::open_store(":memory:", vern::StoreOptions{true, false, 0})) {
    add(w);
}

void EngineWorld::add(const World& w) {
    vern::Store& s = *m_store;
    vern::WriteTransaction tx(s);
    const vern::Instant t0{};
    std::map<std::string, vern::RowId>& rowids = m_rowids; // model id -> row (unlinked ids change)
    for (const Record& r : w.records) {
        vern::NewRecord n;
        n.id = r.id;
        n.subject = r.subject.empty() ? "model-unlinked-owner" : r.subject;
        n.case_id = r.case_id;
        n.category = r.category;
        n.created = r.created;
        n.fields = r.fields;
        const vern::UpsertResult u = s.upsert_record(n, t0);
        rowids[r.id] = u.rowid;
        if (!r.applied.empty() || r.subject.empty()) {
            vern::RecordUpdate up;
            up.rowid = u.rowid;
            up.fields_json = r.fields.dump();
            up.applied_rules = r.applied;
            up.unlink = r.subject.empty();
            s.update_records(std::span<const vern::RecordUpdate>(&up, 1));
            // Unlinking gives the record a fresh id: map it back to the model's.
            if (up.unlink) m_model_ids.emplace(s.find_record_by_rowid(u.rowid)->id, r.id);
        }
    }
    for (const Event& e : w.events) {
        vern::Event ev;
        ev.kind = e.kind;
        ev.at = e.at;
        switch (e.scope) {
        case Event::Scope::subject:
            ev.scope = vern::EventScope::subject;
            ev.subject_rowid = s.ensure_subject(e.subject, t0).first.rowid;
            ev.case_id = e.case_id;
            break;
        case Event::Scope::record:
            ev.scope = vern::EventScope::record;
            ev.record_rowid = rowids.at(e.record);
            break;
        case Event::Scope::global:
            ev.scope = vern::EventScope::global;
            break;
        }
        s.add_event(ev);
    }
    for (const Consent& c : w.consents) {
        s.add_consent(s.ensure_subject(c.subject, t0).first.rowid, {c.purpose, c.given, c.at});
    }
    for (const Hold& h : w.holds) {
        vern::Hold hold;
        hold.reason = "model";
        hold.placed = t0;
        if (!h.subject.empty()) {
            hold.subject_rowid = s.ensure_subject(h.subject, t0).first.rowid;
        } else {
            hold.category = h.category;
        }
        const std::int64_t id = s.place_hold(hold);
        if (h.released) s.release_hold(id, t0);
    }
    tx.commit();
}

EngineWorld::~EngineWorld() = default;

void EngineWorld::remove(const std::vector<std::string>& record_ids) {
    std::vector<vern::RowId> rows;
    for (const std::string& id : record_ids) rows.push_back(m_rowids.at(id));
    vern::WriteTransaction tx(*m_store);
    m_store->delete_records(rows);
    tx.commit();
}

vern::RetentionOutlook EngineWorld::outlook(Seconds now, bool quiet) {
    vern::QuietUpdate rows;
    vern::RetentionOutlook o;
    {
        vern::ReadTransaction tx(*m_store);
        o = vern::retention_outlook(*m_store, m_policy, now, vern::Duration{0, 0, 30, "30d"}, {},
                                    quiet ? &rows : nullptr);
    }
    if (quiet && (!rows.rows.empty() || rows.replace_all) && !m_store->save_quiet(rows)) {
        throw std::runtime_error("model: the quiet table's rows were not saved");
    }
    return o;
}

Outcomes EngineWorld::evaluate(Seconds now, bool whole_store_read) {
    Outcomes out;
    vern::ReadTransaction tx(*m_store);
    vern::EvaluationScope scope;
    scope.batch_size = 97; // several batches per world: subjects span batch borders
    if (whole_store_read) {
        scope.parallel = true;
        scope.history_preload_limit = vern::k_history_preload_limit;
        scope.fields = false;
    }
    vern::evaluate_records(*m_store, m_policy, now, scope,
                           [&](std::span<const vern::RecordEvaluation> batch) {
        for (const vern::RecordEvaluation& ev : batch) {
            Outcome o;
            o.decision = vern::decision_name(ev.decision);
            if (ev.decided_by) o.decided_by = ev.decided_by->id;
            for (const vern::Rule* r : ev.anonymize_rules) o.anonymize_rules.push_back(r->id);
            for (const vern::RuleStatus& st : ev.rules) {
                RuleOutcome ro;
                ro.rule = st.rule->id;
                ro.status = vern::rule_state_name(st.status);
                // A record created after now has no anchor yet on either side.
                if (st.due && st.status != vern::RuleState::pending) ro.due = *st.due;
                o.rules.push_back(ro);
            }
            auto model_id = m_model_ids.find(ev.record.id);
            out.emplace(model_id == m_model_ids.end() ? ev.record.id : model_id->second,
                        std::move(o));
        }
        return true;
    });
    return out;
}

std::vector<std::string> EngineWorld::purge_notices(Seconds now) {
    vern::PurgeOptions options;
    options.now = now;
    options.batch_size = 97;
    options.user = "model";
    vern::purge(*m_store, m_policy, options);
    std::vector<std::string> out;
    for (const vern::Notice& n : m_store->notices(vern::NoticeQuery{"", false, 0, 0})) {
        out.push_back(n.record_id + "|" + n.action + "|" + n.cause);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace model
