// The naive model of SPEC 3.5 (see naive_model.hpp). Every rule of the section is written out
// here in the order the SPEC states it, over plain lists; no code of lib/src/engine or
// lib/src/time is used.

#include "naive_model.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace model {
namespace {

using namespace std::chrono;

// ---- the policy, read literally ------------------------------------------------------------

std::string str(const toml::table& t, const char* key) {
    return t[key].value<std::string>().value_or("");
}

std::vector<std::string> str_list(const toml::table& t, const char* key) {
    std::vector<std::string> out;
    if (const toml::array* a = t[key].as_array()) {
        for (const auto& n : *a) out.push_back(n.value<std::string>().value_or(""));
    }
    return out;
}

nlohmann::json scalar(const toml::node& n) {
    if (auto s = n.value<std::string>(); s && n.is_string()) return *s;
    if (n.is_integer()) return *n.value<std::int64_t>();
    if (n.is_boolean()) return *n.value<bool>();
    if (n.is_floating_point()) return *n.value<double>();
    throw std::runtime_error("model: unsupported where value");
}

// ---- time: date/tz directly ----------------------------------------------------------------

struct Keep {
    int years = 0, months = 0, days = 0;
};

Keep parse_keep(const std::string& text) {
    Keep k;
    if (!text.empty() && text[0] == 'P') {
        std::size_t i = 1;
        while (i < text.size()) {
            std::size_t j = i;
            while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
            const int n = std::stoi(text.substr(i, j - i));
            switch (text.at(j)) {
            case 'Y': k.years += n; break;
            case 'M': k.months += n; break;
            case 'W': k.days += 7 * n; break;
            case 'D': k.days += n; break;
            default: throw std::runtime_error("model: bad ISO duration " + text);
            }
            i = j + 1;
        }
        return k;
    }
    std::size_t j = 0;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    const int n = std::stoi(text.substr(0, j));
    const std::string unit = text.substr(j);
    if (unit == "d") k.days = n;
    else if (unit == "w") k.days = 7 * n;
    else if (unit == "mo") k.months = n;
    else if (unit == "y") k.years = n;
    else throw std::runtime_error("model: bad duration " + text);
    return k;
}

// A local wall time to an instant: in a DST gap forward by the gap (the offset before the gap),
// in a fold the earlier instant (SPEC 3.5, vern-policy(5)).
Seconds to_instant(date::local_seconds local, const date::time_zone* zone) {
    const date::local_info info = zone->get_info(local);
    return Seconds{local.time_since_epoch() - info.first.offset};
}

Seconds add_keep(Seconds anchor, const Keep& k, const date::time_zone* zone) {
    if (k.years == 0 && k.months == 0 && k.days == 0) return anchor;
    const date::local_seconds local = zone->to_local(anchor);
    const date::local_days day = floor<date::days>(local);
    const seconds time_of_day = local - day;
    date::year_month_day ymd{day};
    ymd = ymd + date::years{k.years} + date::months{k.months};
    if (!ymd.ok()) ymd = ymd.year() / ymd.month() / date::last; // 31 Jan + 1mo = 28/29 Feb
    const date::local_days moved = date::local_days{ymd} + date::days{k.days};
    return to_instant(moved + time_of_day, zone);
}

Seconds round_up(Seconds t, const std::string& mode, const date::time_zone* zone) {
    if (mode.empty()) return t;
    const date::local_days day = floor<date::days>(zone->to_local(t));
    const date::year_month_day ymd{day};
    date::local_days next;
    if (mode == "end_of_day") {
        next = day + date::days{1};
    } else if (mode == "end_of_week") {
        const unsigned iso = date::weekday{day}.iso_encoding(); // Monday 1 .. Sunday 7
        next = day + date::days{8 - iso};
    } else if (mode == "end_of_month") {
        next = date::local_days{(ymd.year() / ymd.month() / 1) + date::months{1}};
    } else if (mode == "end_of_year") {
        next = date::local_days{(ymd.year() + date::years{1}) / 1 / 1};
    } else {
        throw std::runtime_error("model: bad round " + mode);
    }
    return to_instant(date::local_seconds{next}, zone);
}

// ---- SPEC 3.5 ------------------------------------------------------------------------------

bool covers(const ModelRule& r, const std::string& category) {
    return r.all || std::find(r.categories.begin(), r.categories.end(), category) !=
                        r.categories.end();
}

bool counts(const ModelRule& r, const std::string& kind) {
    return r.activity.empty() ||
           std::find(r.activity.begin(), r.activity.end(), kind) != r.activity.end();
}

bool case_applies(const std::string& event_case, const std::string& record_case) {
    return event_case.empty() || record_case.empty() || event_case == record_case;
}

// The consent of `subject` to `purpose` at now: the latest change at or before now decides; a
// withdrawal and a giving at the same instant: the withdrawal wins.
bool consent_active(const World& w, const std::string& subject, const std::string& purpose,
                    Seconds now) {
    if (subject.empty()) return false;
    std::optional<Seconds> latest;
    bool given = false;
    for (const Consent& c : w.consents) {
        if (c.subject != subject || c.purpose != purpose || c.at > now) continue;
        if (!latest || c.at > *latest) {
            latest = c.at;
            given = c.given;
        } else if (c.at == *latest && !c.given) {
            given = false;
        }
    }
    return latest && given;
}

bool held(const World& w, const Record& r) {
    for (const Hold& h : w.holds) {
        if (h.released) continue;
        if (!h.subject.empty() && h.subject == r.subject) return true;
        if (!h.category.empty() && h.category == r.category) return true;
    }
    return false;
}

// The anchor of `rule` for record `r`, walking the world's lists as SPEC 3.5 words it.
std::optional<Seconds> anchor_of(const ModelRule& rule, const Record& r, const World& w,
                                 Seconds now) {
    const std::string& a = rule.after;
    if (a == "created") return r.created;
    std::optional<Seconds> best;
    auto take = [&](Seconds t) {
        if (!best || t > *best) best = t;
    };
    if (a.rfind("event:", 0) == 0) {
        const std::string kind = a.substr(6);
        for (const Event& e : w.events) {
            if (e.kind != kind || e.at > now) continue;
            if (e.scope == Event::Scope::record && e.record == r.id) take(e.at);
            if (e.scope == Event::Scope::subject && !r.subject.empty() && e.subject == r.subject &&
                e.at >= r.created && case_applies(e.case_id, r.case_id)) {
                take(e.at);
            }
        }
        if (r.case_id.empty() && !r.subject.empty()) {
            // Every case of the subject (records existing at now) must have had its own event
            // at or after its newest record's creation.
            std::map<std::string, Seconds> newest;
            for (const Record& o : w.records) {
                if (o.subject != r.subject || o.case_id.empty() || o.created > now) continue;
                auto [it, inserted] = newest.emplace(o.case_id, o.created);
                if (!inserted && o.created > it->second) it->second = o.created;
            }
            for (const auto& [case_id, created] : newest) {
                bool ended = false;
                for (const Event& e : w.events) {
                    ended = ended || (e.scope == Event::Scope::subject && e.subject == r.subject &&
                                      e.kind == kind && e.case_id == case_id &&
                                      e.at >= created && e.at <= now);
                }
                if (!ended) return std::nullopt;
            }
        }
        return best;
    }
    if (a.rfind("global:", 0) == 0) {
        const std::string kind = a.substr(7);
        for (const Event& e : w.events) {
            if (e.scope == Event::Scope::global && e.kind == kind && e.at >= r.created &&
                e.at <= now) {
                take(e.at);
            }
        }
        return best;
    }
    if (a == "last_activity") {
        take(r.created);
        for (const Event& e : w.events) {
            if (e.at > now || !counts(rule, e.kind)) continue;
            if (e.scope == Event::Scope::record && e.record == r.id) take(e.at);
            if (e.scope == Event::Scope::subject && !r.subject.empty() && e.subject == r.subject &&
                case_applies(e.case_id, r.case_id)) {
                take(e.at);
            }
        }
        return best;
    }
    throw std::runtime_error("model: bad anchor " + a);
}

bool conditions_hold(const ModelRule& rule, const Record& r, const World& w, Seconds now) {
    for (const auto& [field, want] : rule.where) {
        auto it = r.fields.find(field);
        if (it == r.fields.end() || *it != want) return false;
    }
    if (!rule.if_consent.empty() && !consent_active(w, r.subject, rule.if_consent, now)) {
        return false;
    }
    if (!rule.unless_consent.empty() && consent_active(w, r.subject, rule.unless_consent, now)) {
        return false;
    }
    return true;
}

} // namespace

ModelPolicy read_model_policy(const std::string& toml_text) {
    const toml::table doc = toml::parse(toml_text);
    ModelPolicy p;
    p.zone = doc["policy"]["timezone"].value<std::string>().value_or("");
    if (const toml::array* rules = doc["rule"].as_array()) {
        for (const auto& node : *rules) {
            const toml::table& t = *node.as_table();
            ModelRule r;
            r.id = str(t, "id");
            if (t.contains("category")) {
                const std::string c = str(t, "category");
                if (c == "*") r.all = true;
                else r.categories.push_back(c);
            }
            for (const auto& c : str_list(t, "categories")) r.categories.push_back(c);
            r.after = t.contains("after") ? str(t, "after") : "created";
            r.keep = str(t, "keep");
            r.round = str(t, "round");
            r.action = str(t, "action");
            if (const toml::table* where = t["where"].as_table()) {
                for (const auto& [k, v] : *where) r.where[std::string(k.str())] = scalar(v);
            }
            r.activity = str_list(t, "activity");
            r.if_consent = str(t, "if_consent");
            r.unless_consent = str(t, "unless_consent");
            p.rules.push_back(std::move(r));
        }
    }
    return p;
}

Seconds model_due(const ModelPolicy& policy, const ModelRule& rule, Seconds anchor) {
    const date::time_zone* zone = date::locate_zone(policy.zone);
    return round_up(add_keep(anchor, parse_keep(rule.keep), zone), rule.round, zone);
}

Outcomes model_evaluate(const ModelPolicy& policy, const World& w, Seconds now) {
    Outcomes out;
    for (const Record& r : w.records) {
        Outcome o;
        const bool is_held = held(w, r);
        for (const ModelRule& rule : policy.rules) {
            if (!covers(rule, r.category)) continue;
            RuleOutcome ro;
            ro.rule = rule.id;
            if (r.created > now) { // the record does not exist yet at now
                ro.status = "pending";
                o.rules.push_back(ro);
                continue;
            }
            const std::optional<Seconds> anchor = anchor_of(rule, r, w, now);
            if (anchor) ro.due = model_due(policy, rule, *anchor);
            const bool applied = std::find(r.applied.begin(), r.applied.end(), rule.id) !=
                                 r.applied.end();
            if (rule.action == "anonymize" && applied) {
                ro.status = "already_applied";
            } else if (!conditions_hold(rule, r, w, now)) {
                ro.status = "not_applicable";
            } else if (!anchor) {
                ro.status = "pending";
            } else if (now < *ro.due) {
                ro.status = "not_due";
            } else if (is_held) {
                ro.status = "held";
            } else {
                ro.status = "due";
            }
            o.rules.push_back(ro);
        }
        // The decision: a hold blocks everything (the rule that would have acted: delete before
        // anonymize, then the earliest due, then policy order); else the earliest due delete
        // rule; else every due anonymize rule.
        auto by = [&](const char* status, bool deletes) -> const RuleOutcome* {
            const RuleOutcome* best = nullptr;
            for (std::size_t i = 0; i < o.rules.size(); ++i) {
                const RuleOutcome& ro = o.rules[i];
                if (ro.status != status) continue;
                const ModelRule* rule = nullptr;
                for (const ModelRule& mr : policy.rules) {
                    if (mr.id == ro.rule) rule = &mr;
                }
                if ((rule->action == "delete") != deletes) continue;
                if (!best || *ro.due < *best->due) best = &ro;
            }
            return best;
        };
        if (const RuleOutcome* h = by("held", true) ? by("held", true) : by("held", false)) {
            o.decision = "held";
            o.decided_by = h->rule;
        } else if (const RuleOutcome* d = by("due", true)) {
            o.decision = "delete";
            o.decided_by = d->rule;
        } else {
            o.decision = "keep";
            for (const RuleOutcome& ro : o.rules) {
                if (ro.status != "due") continue;
                if (o.anonymize_rules.empty()) {
                    o.decision = "anonymize";
                    o.decided_by = ro.rule;
                }
                o.anonymize_rules.push_back(ro.rule);
            }
        }
        out.emplace(r.id, std::move(o));
    }
    return out;
}

} // namespace model
