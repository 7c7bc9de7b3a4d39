// Random policies and histories for the model check: several subjects with cases and caseless
// records, subject events with and without a case before and after creations (and exactly at
// them), record and global events, consents given and withdrawn, holds, applied anonymisations,
// unlinked records; in time zones with DST (one with a 30-minute shift, one that changes at
// midnight).

#include "generator.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <fmt/core.h>

#include <algorithm>

namespace model {
namespace {

using namespace std::chrono;

const char* const k_zones[] = {"Europe/Oslo", "Europe/Oslo", "Europe/Oslo", "America/New_York",
                               "Australia/Lord_Howe", "America/Santiago", "UTC"};
const char* const k_categories[] = {"person", "notes", "booking", "survey"};
const char* const k_kinds[] = {"last_session", "final_report", "login"};
const char* const k_cases[] = {"", "", "m1", "m2", "m3"};
const char* const k_keeps[] = {"0d", "1d", "7d", "30d", "2w", "12w", "P12W", "1mo", "3mo",
                               "P1M", "1y", "P1Y", "24mo", "P10D"};
const char* const k_rounds[] = {"", "", "", "end_of_day", "end_of_week", "end_of_month",
                                "end_of_year"};

template <typename T, std::size_t N>
const T& pick(Rng& rng, const T (&items)[N]) {
    return items[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

bool chance(Rng& rng, double p) { return std::bernoulli_distribution(p)(rng); }

int between(Rng& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

std::string anchor_text(Rng& rng, std::string& activity) {
    switch (between(rng, 0, 5)) {
    case 0: return "created";
    case 1:
    case 2: return fmt::format("event:{}", pick(rng, k_kinds));
    case 3: return chance(rng, 0.7) ? "global:ended" : "global:final_report";
    default:
        if (chance(rng, 0.5)) {
            activity = chance(rng, 0.5) ? "[\"login\"]" : "[\"login\", \"final_report\"]";
        }
        return "last_activity";
    }
}

std::string rule_text(Rng& rng, const std::string& id, const std::string& category, bool plain,
                      bool deletes) {
    std::string activity;
    const std::string after = anchor_text(rng, activity);
    std::string t = fmt::format("\n[[rule]]\nid = \"{}\"\ncategory = \"{}\"\nafter = \"{}\"\n"
                                "keep = \"{}\"\n",
                                id, category, after, pick(rng, k_keeps));
    if (const std::string round = pick(rng, k_rounds); !round.empty()) {
        t += fmt::format("round = \"{}\"\n", round);
    }
    if (!activity.empty()) t += fmt::format("activity = {}\n", activity);
    if (deletes) {
        t += "action = \"delete\"\n";
    } else {
        t += "action = \"anonymize\"\nfields = { x = \"redact\" }\n";
        if (chance(rng, 0.2)) t += "unlink = true\n";
    }
    if (!plain) {
        if (chance(rng, 0.3)) t += fmt::format("where = {{ x = \"{}\" }}\n", between(rng, 1, 2));
        const int consent = between(rng, 0, 5);
        if (consent == 0) t += "if_consent = \"survey\"\n";
        if (consent == 1) t += "unless_consent = \"survey\"\n";
    }
    return t;
}

std::string policy_text(Rng& rng, const std::string& zone) {
    std::string t = fmt::format(
        "[policy]\nname = \"model\"\ncontroller = \"model\"\ncontact = \"model@example.no\"\n"
        "timezone = \"{}\"\n",
        zone);
    for (const char* c : k_categories) {
        const bool consent = std::string(c) == "survey";
        t += fmt::format("\n[[category]]\nid = \"{}\"\ntitle = \"{}\"\npurpose = \"model\"\n"
                         "legal_basis = \"{}\"\n{}",
                         c, c, consent ? "consent" : "public_task",
                         consent ? "consent_purpose = \"survey\"\n" : "");
    }
    int n = 0;
    for (const char* c : k_categories) {
        const int rules = between(rng, 1, 3);
        for (int i = 0; i < rules; ++i) {
            t += rule_text(rng, fmt::format("r{}", ++n), c, false, chance(rng, 0.55));
        }
        // Every category keeps an unconditional delete rule (vern check requires one).
        t += rule_text(rng, fmt::format("r{}", ++n), c, true, true);
    }
    return t;
}

// A time in the two-year window, often on a round local hour or a midnight, sometimes in the
// middle of a DST change.
Seconds some_time(Rng& rng, Seconds start, const date::time_zone* zone) {
    Seconds t = start + seconds{std::uniform_int_distribution<std::int64_t>(0, 730LL * 86400)(rng)};
    const int shape = between(rng, 0, 9);
    if (shape < 3) { // local midnight
        const auto day = floor<date::days>(zone->to_local(t));
        t = Seconds{(date::local_seconds{day}).time_since_epoch() -
                    zone->get_info(date::local_seconds{day}).first.offset};
    } else if (shape == 3) { // close to the next DST change
        const date::sys_info info = zone->get_info(t);
        if (info.end < Seconds{date::sys_days{date::year{2040} / 1 / 1}}) {
            t = time_point_cast<seconds>(info.end) + seconds{between(rng, -7200, 7200)};
        }
    } else if (shape == 4) { // the last day of a month
        const auto day = floor<date::days>(zone->to_local(t));
        const date::year_month_day ymd{day};
        const date::local_days last{ymd.year() / ymd.month() / date::last};
        t = Seconds{(date::local_seconds{last} + hours{between(rng, 0, 23)}).time_since_epoch() -
                    zone->get_info(date::local_seconds{last}).first.offset};
    }
    return t;
}

} // namespace

World generate_world(Rng& rng, int subjects, int& next_id) {
    World w;
    w.zone = pick(rng, k_zones);
    w.policy_text = policy_text(rng, w.zone);
    const date::time_zone* zone = date::locate_zone(w.zone);
    const Seconds start{date::sys_days{date::year{2025} / 1 / 1}};
    std::vector<std::string> anonymize_rules; // applied at random below (any category: harmless)
    for (int i = 1; i < 64; ++i) anonymize_rules.push_back(fmt::format("r{}", i));

    for (int s = 0; s < subjects; ++s) {
        const std::string ref = fmt::format("S-{}", ++next_id);
        const int records = between(rng, 1, 6);
        std::vector<std::size_t> mine;
        for (int i = 0; i < records; ++i) {
            Record r;
            r.id = fmt::format("rec-{}", ++next_id);
            r.subject = chance(rng, 0.04) ? "" : ref;
            r.case_id = pick(rng, k_cases);
            r.category = pick(rng, k_categories);
            r.created = some_time(rng, start, zone);
            if (chance(rng, 0.8)) r.fields["x"] = fmt::format("{}", between(rng, 1, 2));
            r.fields["n"] = between(rng, 0, 99);
            if (chance(rng, 0.2)) {
                r.applied.push_back(anonymize_rules[between(rng, 0, 15)]);
                std::sort(r.applied.begin(), r.applied.end());
            }
            mine.push_back(w.records.size());
            w.records.push_back(std::move(r));
        }
        const int events = between(rng, 0, 7);
        for (int i = 0; i < events; ++i) {
            Event e;
            const Record& near = w.records[mine[between(rng, 0, records - 1)]];
            e.kind = pick(rng, k_kinds);
            // Exactly at a creation, a second before or after it, or anywhere.
            switch (between(rng, 0, 5)) {
            case 0: e.at = near.created; break;
            case 1: e.at = near.created - seconds{1}; break;
            case 2: e.at = near.created + seconds{between(rng, 1, 40 * 86400)}; break;
            default: e.at = some_time(rng, start, zone);
            }
            if (chance(rng, 0.2)) {
                e.scope = Event::Scope::record;
                e.record = near.id;
            } else {
                e.scope = Event::Scope::subject;
                e.subject = ref;
                e.case_id = chance(rng, 0.6) ? near.case_id : pick(rng, k_cases);
            }
            w.events.push_back(std::move(e));
        }
        if (chance(rng, 0.4)) {
            const int changes = between(rng, 1, 3);
            Seconds at = some_time(rng, start, zone);
            for (int i = 0; i < changes; ++i) {
                w.consents.push_back(Consent{ref, "survey", i % 2 == 0, at});
                if (chance(rng, 0.1)) { // given and withdrawn at the same instant
                    w.consents.push_back(Consent{ref, "survey", i % 2 != 0, at});
                }
                at += seconds{between(rng, 0, 200 * 86400)};
            }
        }
        if (chance(rng, 0.05)) w.holds.push_back(Hold{ref, "", chance(rng, 0.3)});
    }
    const int globals = between(rng, 0, 4);
    for (int i = 0; i < globals; ++i) {
        Event e;
        e.scope = Event::Scope::global;
        e.kind = chance(rng, 0.7) ? "ended" : "final_report"; // a global final_report must not
                                                              // anchor event:final_report
        e.at = chance(rng, 0.3) ? w.records[between(rng, 0, int(w.records.size()) - 1)].created
                                : some_time(rng, start, zone);
        w.events.push_back(std::move(e));
    }
    if (chance(rng, 0.1)) w.holds.push_back(Hold{"", pick(rng, k_categories), chance(rng, 0.3)});
    return w;
}

std::vector<Seconds> generate_nows(Rng& rng, const World& w) {
    const date::time_zone* zone = date::locate_zone(w.zone);
    const Seconds start{date::sys_days{date::year{2025} / 1 / 1}};
    std::vector<Seconds> nows;
    for (int i = 0; i < 3; ++i) nows.push_back(some_time(rng, start + date::days{200}, zone));
    return nows;
}

} // namespace model
