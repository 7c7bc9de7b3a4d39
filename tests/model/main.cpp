// vern_model_check: compares vern's engine with the naive model of SPEC 3.5 on random histories,
// record by record and rule by rule (status and due time), and the decision.
//
//   VERN_MODEL_SEED=N      the seed (default: fixed, printed); any seed reproduces its run
//   VERN_MODEL_RECORDS=N   how many records to generate (default 100000)
//
// On the first disagreement it shrinks the history to a minimal one that still disagrees and
// prints it as JSON Lines with its policy and `now`, then exits 1.

#include "engine_side.hpp"
#include "generator.hpp"
#include "naive_model.hpp"

#include "vern/time.hpp"

#include <date/tz.h>
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>

using namespace model;

namespace {

std::string outcome_text(const Outcome& o) {
    std::string t = fmt::format("decision {}{}", o.decision,
                                o.decided_by.empty() ? "" : " by " + o.decided_by);
    for (const RuleOutcome& r : o.rules) {
        t += fmt::format("\n    {}: {}{}", r.rule, r.status, r.due ? " due " + utc(*r.due) : "");
    }
    return t;
}

// True if engine and model disagree on record `id` of world `w` at `now`.
bool disagrees(const World& w, Seconds now, const std::string& id) {
    const vern::Policy policy = load_engine_policy(w.policy_text);
    EngineWorld engine(policy, w);
    const Outcomes e = engine.evaluate(now);
    const Outcomes m = model_evaluate(read_model_policy(w.policy_text), w, now);
    auto ei = e.find(id);
    auto mi = m.find(id);
    if (ei == e.end() || mi == m.end()) return false;
    return !(ei->second == mi->second);
}

// Removes every item it can while the disagreement on `id` stays.
World shrink(World w, Seconds now, const std::string& id) {
    std::string subject;
    for (const Record& r : w.records) {
        if (r.id == id) subject = r.subject;
    }
    // First: only this subject's history (and the global events and holds).
    World small = w;
    std::erase_if(small.records, [&](const Record& r) {
        return r.id != id && (subject.empty() || r.subject != subject);
    });
    std::erase_if(small.events, [&](const Event& e) {
        if (e.scope == Event::Scope::global) return false;
        if (e.scope == Event::Scope::subject) return e.subject != subject || subject.empty();
        return std::none_of(small.records.begin(), small.records.end(),
                            [&](const Record& r) { return r.id == e.record; });
    });
    std::erase_if(small.consents, [&](const Consent& c) { return c.subject != subject; });
    if (disagrees(small, now, id)) w = small;
    // Then one item at a time, until nothing more can go.
    for (bool changed = true; changed;) {
        changed = false;
        auto try_each = [&](auto member) {
            auto& items = w.*member;
            for (std::size_t i = 0; i < items.size();) {
                World t = w;
                auto& list = t.*member;
                list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
                if constexpr (std::is_same_v<std::decay_t<decltype(items)>, std::vector<Record>>) {
                    if (items[i].id == id) {
                        ++i;
                        continue;
                    }
                    // events naming a removed record go with it
                    std::erase_if(t.events, [&](const Event& e) {
                        return e.scope == Event::Scope::record && e.record == items[i].id;
                    });
                }
                if (disagrees(t, now, id)) {
                    w = std::move(t);
                    changed = true;
                } else {
                    ++i;
                }
            }
        };
        try_each(&World::events);
        try_each(&World::consents);
        try_each(&World::holds);
        try_each(&World::records);
    }
    return w;
}

// A system that holds every category and is told of every deletion and anonymisation: the
// outbox check below adds it to the world's policy on the engine's side.
constexpr const char* k_notified_system = R"(
[[recipient]]
id = "model-system"
name = "Model system"
role = "source"
categories = "*"
deliver = "pull"
)";

// What the purge at `now` must tell the system, from the model's decisions: each deleted record
// once (its deciding rule), each anonymised record once per rule applied; nothing for a held or
// kept record, and nothing for a record unlinked before (the system was told then).
std::vector<std::string> expected_notices(const World& w, const Outcomes& m) {
    std::vector<std::string> out;
    for (const Record& r : w.records) {
        auto it = m.find(r.id);
        if (r.subject.empty() || it == m.end()) continue;
        const Outcome& o = it->second;
        if (o.decision == "delete") {
            out.push_back(r.id + "|delete|rule:" + o.decided_by);
        } else if (o.decision == "anonymize") {
            for (const std::string& rule : o.anonymize_rules) {
                out.push_back(r.id + "|anonymize|rule:" + rule);
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The outlook's numbers from the model's decisions: overdue (delete, anonymize), held, and
// upcoming (the earliest not_due rule's due time in (now, horizon], when not overdue).
struct OutlookTotals {
    long overdue = 0, upcoming = 0, held = 0;
    bool operator==(const OutlookTotals&) const = default;
};

OutlookTotals model_totals(const Outcomes& m, Seconds horizon) {
    OutlookTotals t;
    for (const auto& [id, o] : m) {
        if (o.decision == "held") ++t.held;
        if (o.decision == "delete" || o.decision == "anonymize") {
            ++t.overdue;
            continue;
        }
        std::optional<Seconds> next;
        for (const RuleOutcome& r : o.rules) {
            if (r.status == "not_due" && r.due && (!next || *r.due < *next)) next = r.due;
        }
        if (next && *next <= horizon) ++t.upcoming;
    }
    return t;
}

int between_days(Rng& rng) { return std::uniform_int_distribution<int>(-200, 200)(rng); }

std::string outlook_text(const vern::RetentionOutlook& o) {
    std::string t = fmt::format("overdue {} upcoming {} held {} (passed over {})",
                                o.overdue_total, o.upcoming_total, o.held, o.passed_over);
    for (const auto& c : o.overdue) {
        t += fmt::format("\n  overdue {} {} {}", c.category, c.records, utc(c.earliest));
    }
    for (const auto& c : o.upcoming) {
        t += fmt::format("\n  upcoming {} {} {}", c.category, c.records, utc(c.earliest));
    }
    return t;
}

bool same_outlook(const vern::RetentionOutlook& a, const vern::RetentionOutlook& b) {
    const auto same = [](const std::vector<vern::CategoryDue>& x,
                         const std::vector<vern::CategoryDue>& y) {
        return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const auto& p, const auto& q) {
            return p.category == q.category && p.records == q.records && p.earliest == q.earliest;
        });
    };
    return a.overdue_total == b.overdue_total && a.upcoming_total == b.upcoming_total &&
           a.held == b.held && a.horizon == b.horizon && same(a.overdue, b.overdue) &&
           same(a.upcoming, b.upcoming);
}

// The instant whose 30-day window ends at `end` in the zone, if there is one (DST).
std::optional<Seconds> window_start(const World& w, Seconds end) {
    const date::time_zone* zone = date::locate_zone(w.zone);
    const auto local = date::make_zoned(zone, end).get_local_time() - date::days{30};
    const Seconds start{date::make_zoned(zone, local, date::choose::earliest).get_sys_time()};
    if (vern::add_calendar(start, vern::Duration{0, 0, 30, "30d"}, zone) != end) {
        return std::nullopt;
    }
    return start;
}

long env_number(const char* name, long fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtol(v, nullptr, 10) : fallback;
}

} // namespace

int main() {
    const unsigned long seed = static_cast<unsigned long>(env_number("VERN_MODEL_SEED", 20261201));
    const long target = env_number("VERN_MODEL_RECORDS", 100000);
    fmt::print("model check: seed {} (reproduce with VERN_MODEL_SEED={}), {} records\n", seed,
               seed, target);
    const auto started = std::chrono::steady_clock::now();
    Rng rng(seed);
    long records = 0, worlds = 0, evaluations = 0, notices = 0, outlooks = 0, passed_over = 0;
    std::map<std::string, long> decisions, statuses;
    int next_id = 0;
    try {
        while (records < target) {
            const World w = generate_world(rng, std::uniform_int_distribution<int>(10, 50)(rng),
                                           next_id);
            const vern::Policy policy = load_engine_policy(w.policy_text);
            const ModelPolicy mpolicy = read_model_policy(w.policy_text);
            EngineWorld engine(policy, w);
            std::vector<Seconds> nows = generate_nows(rng, w);
            // Aim at boundaries: a due time itself and the second before it.
            const Outcomes first = model_evaluate(mpolicy, w, nows.front());
            std::vector<Seconds> dues;
            for (const auto& [id, o] : first) {
                for (const RuleOutcome& r : o.rules) {
                    if (r.due) dues.push_back(*r.due);
                }
            }
            for (int i = 0; i < 3 && !dues.empty(); ++i) {
                const Seconds d = dues[std::uniform_int_distribution<std::size_t>(
                    0, dues.size() - 1)(rng)];
                nows.push_back(d);
                nows.push_back(d - std::chrono::seconds{1});
            }
            for (const Seconds now : nows) {
                const Outcomes e = engine.evaluate(now);
                // The whole-store read of `vern status` and `vern plan` decides as the
                // per-batch read (engine against engine; the model below checks both).
                if (const Outcomes f = engine.evaluate(now, true); f != e) {
                    for (const auto& [id, eo] : e) {
                        auto it = f.find(id);
                        if (it != f.end() && it->second == eo) continue;
                        fmt::print("WHOLE-STORE READ DISAGREEMENT on record {} at now = {} "
                                   "(world {}, seed {})\nper batch:   {}\nwhole store: {}\n",
                                   id, utc(now), worlds + 1, seed, outcome_text(eo),
                                   it == f.end() ? "(missing)" : outcome_text(it->second));
                        break;
                    }
                    fmt::print("\n--- policy.toml ---\n{}\n--- history.jsonl ---\n{}",
                               w.policy_text, to_jsonl(w));
                    return 1;
                }
                const Outcomes m = model_evaluate(mpolicy, w, now);
                for (const auto& [id, mo] : m) {
                    auto it = e.find(id);
                    if (it != e.end() && it->second == mo) {
                        ++decisions[mo.decision];
                        for (const RuleOutcome& r : mo.rules) ++statuses[r.status];
                        continue;
                    }
                    fmt::print("DISAGREEMENT on record {} at now = {} (world {}, seed {})\n", id,
                               utc(now), worlds + 1, seed);
                    const World small = shrink(w, now, id);
                    const vern::Policy sp = load_engine_policy(small.policy_text);
                    EngineWorld se(sp, small);
                    const Outcomes se_out = se.evaluate(now);
                    const Outcomes sm_out = model_evaluate(mpolicy, small, now);
                    fmt::print("\nmodel:  {}\nengine: {}\n", outcome_text(sm_out.at(id)),
                               se_out.count(id) ? outcome_text(se_out.at(id)) : "(missing)");
                    fmt::print("\n--- policy.toml ---\n{}\n--- history.jsonl (now = {}) ---\n{}",
                               small.policy_text, utc(now), to_jsonl(small));
                    return 1;
                }
                evaluations += static_cast<long>(m.size());
            }
            // Deletion reaches every copy: a real purge at one of the instants writes exactly
            // the notices the model's decisions call for (issue 14).
            {
                const Seconds now =
                    nows[std::uniform_int_distribution<std::size_t>(0, nows.size() - 1)(rng)];
                const vern::Policy notified = load_engine_policy(w.policy_text + k_notified_system);
                EngineWorld purged(notified, w);
                const std::vector<std::string> got = purged.purge_notices(now);
                const std::vector<std::string> want =
                    expected_notices(w, model_evaluate(mpolicy, w, now));
                if (got != want) {
                    fmt::print("OUTBOX DISAGREEMENT at now = {} (world {}, seed {}): the purge "
                               "wrote {} notices, the model expects {}\n",
                               utc(now), worlds + 1, seed, got.size(), want.size());
                    std::vector<std::string> extra, missing;
                    std::set_difference(got.begin(), got.end(), want.begin(), want.end(),
                                        std::back_inserter(extra));
                    std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                                        std::back_inserter(missing));
                    for (const auto& x : extra) fmt::print("  not expected: {}\n", x);
                    for (const auto& x : missing) fmt::print("  missing:      {}\n", x);
                    fmt::print("\n--- policy.toml ---\n{}\n--- history.jsonl ---\n{}",
                               w.policy_text, to_jsonl(w));
                    return 1;
                }
                notices += static_cast<long>(got.size());
            }
            // The quiet table of `vern status`: a status that passes subjects over as the table
            // says gives the outlook of every record, also after late facts (backdated events,
            // consents, records, holds) arrive, which the store's triggers must notice.
            {
                std::vector<Seconds> times = nows;
                std::sort(times.begin(), times.end());
                World base = w, late = w;
                base.records.clear(), base.events.clear(), base.consents.clear(),
                    base.holds.clear();
                late.records.clear(), late.events.clear(), late.consents.clear(),
                    late.holds.clear();
                std::set<std::string> late_records;
                std::bernoulli_distribution is_late(0.15);
                for (const Record& r : w.records) {
                    if (is_late(rng)) {
                        late.records.push_back(r);
                        late_records.insert(r.id);
                    } else {
                        base.records.push_back(r);
                    }
                }
                for (const Event& e : w.events) {
                    const bool of_late_record =
                        e.scope == Event::Scope::record && late_records.count(e.record);
                    (of_late_record || is_late(rng) ? late : base).events.push_back(e);
                }
                for (const Consent& c : w.consents) (is_late(rng) ? late : base).consents.push_back(c);
                for (const Hold& h : w.holds) (is_late(rng) ? late : base).holds.push_back(h);
                // Records ingested again with another creation time (an UPDATE of the row,
                // which keeps its record events), and records deleted (an erasure): the world
                // both sides judge in the end is `final`.
                World final_world = w;
                std::vector<std::string> removed;
                std::bernoulli_distribution is_changed(0.08), is_removed(0.5);
                for (const Record& r : base.records) {
                    if (r.subject.empty() || !r.applied.empty() || !is_changed(rng)) continue;
                    auto it = std::find_if(final_world.records.begin(), final_world.records.end(),
                                           [&](const Record& f) { return f.id == r.id; });
                    if (is_removed(rng)) {
                        removed.push_back(r.id);
                        std::erase_if(final_world.events, [&](const Event& e) {
                            return e.scope == Event::Scope::record && e.record == r.id;
                        });
                        final_world.records.erase(it);
                    } else {
                        Record again = r;
                        again.created -= std::chrono::hours{24 * between_days(rng)};
                        late.records.push_back(again);
                        *it = again;
                    }
                }

                EngineWorld quiet(policy, base);
                const Seconds t1 = times.front();
                quiet.outlook(t1, true); // writes the table
                quiet.outlook(t1 + std::chrono::hours{24 * 40}, true);
                quiet.add(late);
                if (!removed.empty()) quiet.remove(removed);
                EngineWorld final_engine(policy, final_world);
                // Later instants, and windows that end exactly at a due time (the row's
                // `until` against the horizon).
                std::vector<Seconds> later(times.begin() + 1, times.end());
                later.push_back(t1 + std::chrono::hours{24 * 40});
                for (const Seconds d : dues) {
                    if (auto start = window_start(w, d); start && *start >= t1) {
                        later.push_back(*start);
                    }
                    if (later.size() > 8) break;
                }
                std::sort(later.begin(), later.end());
                for (const Seconds t : later) {
                    for (int run = 0; run < 2; ++run) { // the second run reads the rows just saved
                        const vern::RetentionOutlook got = quiet.outlook(t, true);
                        const vern::RetentionOutlook want = final_engine.outlook(t, false);
                        const Outcomes m = model_evaluate(mpolicy, final_world, t);
                        const OutlookTotals mt = model_totals(m, want.horizon);
                        const OutlookTotals gt{got.overdue_total, got.upcoming_total, got.held};
                        if (!same_outlook(got, want) || !(gt == mt)) {
                            fmt::print("QUIET TABLE DISAGREEMENT at now = {} (run {}; table "
                                       "written at {} before the late facts; world {}, seed {})"
                                       "\nwith the table:    {}\nevery record:      {}\nmodel: "
                                       "overdue {} upcoming {} held {}\n",
                                       utc(t), run + 1, utc(t1), worlds + 1, seed,
                                       outlook_text(got), outlook_text(want), mt.overdue,
                                       mt.upcoming, mt.held);
                            fmt::print("\n--- policy.toml ---\n{}\n--- base history ---\n{}\n"
                                       "--- late facts ---\n{}", w.policy_text, to_jsonl(base),
                                       to_jsonl(late));
                            for (const std::string& id : removed) fmt::print("# removed {}\n", id);
                            return 1;
                        }
                        passed_over += got.passed_over;
                        ++outlooks;
                    }
                }
            }
            records += static_cast<long>(w.records.size());
            ++worlds;
        }
    } catch (const std::exception& ex) {
        fmt::print("model check: error: {}\n", ex.what());
        return 2;
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fmt::print("agree: {} records in {} worlds, {} record evaluations, {:.1f} s\n", records, worlds,
               evaluations, secs);
    std::string d, s;
    for (const auto& [k, v] : decisions) d += fmt::format(" {}={}", k, v);
    for (const auto& [k, v] : statuses) s += fmt::format(" {}={}", k, v);
    fmt::print("decisions:{}\nrule statuses:{}\noutbox: {} notices as the model expects\n", d, s,
               notices);
    fmt::print("quiet table: {} outlooks agree, {} records passed over\n", outlooks, passed_over);
    if (passed_over == 0) {
        fmt::print("model check: the quiet table never passed a record over: the check above "
                   "compared nothing\n");
        return 1;
    }
    return 0;
}
