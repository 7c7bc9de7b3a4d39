#pragma once
// The engine's side of the model check (engine_side.cpp).

#include "world.hpp"

#include "vern/policy.hpp"
#include "vern/status.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vern {
class Store;
}

namespace model {

// Loads a policy text with vern's own loader; throws std::runtime_error listing its errors.
vern::Policy load_engine_policy(const std::string& toml_text);

// A world loaded into a fresh in-memory vern store.
class EngineWorld {
  public:
    EngineWorld(const vern::Policy& policy, const World& world);

    // Adds more of a history to the store (facts that arrive late: backdated events, consents,
    // records, holds), as ingest and the rights commands would, in one write transaction.
    void add(const World& more);

    // Deletes records (as an erasure would; their record events go with them).
    void remove(const std::vector<std::string>& record_ids);

    // vern::retention_outlook at now (a 30-day window). With `quiet`, as `vern status` runs it:
    // the quiet table passes subjects over, and the rows learnt are saved afterwards.
    vern::RetentionOutlook outlook(Seconds now, bool quiet);
    ~EngineWorld();
    EngineWorld(const EngineWorld&) = delete;
    EngineWorld& operator=(const EngineWorld&) = delete;

    // vern::evaluate_records at now, as Outcomes. `whole_store_read`: as `vern status` reads
    // (on a thread of its own, the histories read in one pass, the fields only when a rule
    // needs them), which must decide exactly as the per-batch reads.
    Outcomes evaluate(Seconds now, bool whole_store_read = false);

    // vern::purge at now; then every notice in the store's outbox as "record|action|cause",
    // sorted (the policy must have a notified system holding every category, identify record).
    std::vector<std::string> purge_notices(Seconds now);

  private:
    const vern::Policy& m_policy;
    std::unique_ptr<vern::Store> m_store;
    std::map<std::string, std::string> m_model_ids; // fresh id of an unlinked record -> model's
    std::map<std::string, vern::RowId> m_rowids;     // model record id -> row
};

} // namespace model
