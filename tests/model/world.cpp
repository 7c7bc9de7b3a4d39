// World helpers: times and the JSON Lines form of a failing case.

#include "world.hpp"

#include <date/date.h>

namespace model {

std::string utc(Seconds t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }

std::string to_jsonl(const World& w) {
    using nlohmann::json;
    std::string out;
    auto line = [&](const json& j) { out += j.dump() + "\n"; };
    for (const Record& r : w.records) {
        json j = {{"type", "record"}, {"id", r.id}, {"subject", r.subject}};
        if (r.subject.empty()) j["subject"] = "unlinked-owner";
        if (!r.case_id.empty()) j["case"] = r.case_id;
        j["category"] = r.category;
        j["created"] = utc(r.created);
        j["fields"] = r.fields;
        line(j);
        if (!r.applied.empty() || r.subject.empty()) {
            out += "# record " + r.id + ": already applied " + json(r.applied).dump() +
                   (r.subject.empty() ? ", unlinked" : "") + "\n";
        }
    }
    for (const Event& e : w.events) {
        json j = {{"type", "event"}};
        if (e.scope == Event::Scope::subject) {
            j["subject"] = e.subject;
            if (!e.case_id.empty()) j["case"] = e.case_id;
        } else if (e.scope == Event::Scope::record) {
            j["record"] = e.record;
        } else {
            j["scope"] = "global";
        }
        j["kind"] = e.kind;
        j["at"] = utc(e.at);
        line(j);
    }
    for (const Consent& c : w.consents) {
        line({{"type", "consent"}, {"subject", c.subject}, {"purpose", c.purpose},
              {c.given ? "given" : "withdrawn", utc(c.at)}});
    }
    for (const Hold& h : w.holds) {
        out += "# hold on " + (h.subject.empty() ? "category " + h.category
                                                 : "subject " + h.subject) +
               (h.released ? " (released)" : " (active)") + "\n";
    }
    return out;
}

} // namespace model
