// Fuzz target: ingest of JSON Lines (SPEC section 4, man vern-ingest(5)) into an in-memory store,
// then what the night and the privacy officer do with what was ingested.
//
// Input: the first byte picks one of the fixed policies below ('0'..'8'; any other byte is taken
// modulo 9), the rest is the JSON Lines text. Per input, on a fresh ":memory:" store:
//  1. vern::ingest(): may only fail with vern::Error(data) (bad input; nothing ingested); lines
//     over 4 KiB are refused as too long unless the input is over 64 KiB;
//  2. the access report of up to two subjects (text, JSON, HTML), JSON dumped;
//  3. vern::purge() at three instants (now, +400 days, 2090), small batches;
//  4. erasure of the first subject, if it is still there;
//  5. the audit chain must verify.
// Nothing but the contract's vern::Error codes is caught: an escaping exception (e.g. from
// nlohmann::json), a sanitizer report or a broken chain is a finding.

#include "fuzz_common.hpp"

#include "vern/audit_verify.hpp"
#include "vern/engine.hpp"
#include "vern/ingest.hpp"
#include "vern/policy.hpp"
#include "vern/rights.hpp"
#include "vern/store.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#ifndef VERN_FUZZ_SOURCE_DIR
#error "VERN_FUZZ_SOURCE_DIR must name the source tree (tests/fuzz/fuzz.cmake sets it)"
#endif

namespace {

// The policies an input can pick, by its first byte. NOTE: the seed corpus
// (tests/fuzz/corpus/ingest/, made by make_corpus.py) depends on this order.
const char* const k_policies[] = {
    "policies/karrieresenter-telemark",      // '0'
    "policies/karrieresenter-telemark-2019", // '1'
    "policies/karriereveiledning-no",        // '2'
    "policies/joblearn",                     // '3'
    "policies/personalpartner",              // '4'
    "tests/data/ingest/policy.toml",         // '5'
    "tests/data/engine/policy.toml",         // '6'
    "tests/data/rights/policy.toml",         // '7'
    "tests/data/audit/policy.toml",          // '8'
};
constexpr std::size_t k_policy_count = sizeof k_policies / sizeof k_policies[0];

std::vector<vern::Policy>& policies() {
    static std::vector<vern::Policy> loaded;
    return loaded;
}

vern::Instant at(int y, unsigned m, unsigned d) {
    return date::sys_days(date::year(y) / date::month(m) / date::day(d));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const char* env = std::getenv("VERN_SOURCE_DIR");
    const std::string src = env && *env ? env : VERN_FUZZ_SOURCE_DIR;
    for (const char* p : k_policies) {
        vern_fuzz::guarded("load_valid_policy (fixed fuzz policy)", {},
                           [&] { policies().push_back(vern::load_valid_policy({src + "/" + p})); });
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const vern::Policy& policy = policies()[(data[0] + 6u) % k_policy_count]; // '0' -> 0
    std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::unique_ptr<vern::Store> store;
    vern_fuzz::guarded("open_store(:memory:)", {}, [&] { store = vern::open_store(":memory:"); });

    vern::IngestOptions options;
    options.now = at(2026, 6, 1);
    options.max_errors = 5;
    // The line reader allocates max_line_bytes up front: 4 KiB keeps fuzzing fast and lets
    // fuzzed inputs (up to 8 KiB) reach the "line too long" path too; a bigger input (a saved
    // regression) gets the default limit vern runs with.
    if (size <= (1u << 16)) options.max_line_bytes = 4096;
    bool ingested = false;
    vern_fuzz::guarded("ingest", {vern::Code::data}, [&] {
        std::vector<vern::IngestSource> sources{vern::text_source("fuzz.jsonl", std::move(text))};
        (void)vern::ingest(*store, policy, sources, options);
        ingested = true;
    });
    if (!ingested) return 0;

    // The subjects of the ingested records (at most two), for access and erase.
    std::vector<vern::Subject> subjects;
    vern_fuzz::guarded("scan_records", {}, [&] {
        vern::RecordScan scan = vern::scan_for_policy(policy, options.now);
        scan.batch_size = 16;
        std::set<std::string> seen;
        store->scan_records(scan, [&](std::span<const vern::ScannedRecord> batch) {
            for (const vern::ScannedRecord& r : batch) {
                if (r.record.subject.empty() || !seen.insert(r.record.subject).second) continue;
                if (auto s = store->find_subject(r.record.subject)) subjects.push_back(*s);
                if (subjects.size() == 2) return false;
            }
            return true;
        });
    });

    for (const vern::Subject& s : subjects) {
        vern_fuzz::guarded("access report", {}, [&] {
            vern::AccessOptions ao;
            ao.language = vern::Language::en;
            ao.include_special = true;
            vern::AccessReport report = vern::build_access_report(*store, policy, s, options.now, ao);
            (void)vern::render_access_text(report);
            (void)vern::render_access_html(report);
            (void)vern::access_report_json(report).dump();
        });
    }

    for (vern::Instant now : {options.now, options.now + std::chrono::days(400), at(2090, 1, 1)}) {
        vern_fuzz::guarded("purge", {}, [&] {
            vern::PurgeOptions po;
            po.now = now;
            po.batch_size = 7;
            po.list = true;
            po.user = "fuzz";
            (void)vern::purge(*store, policy, po);
        });
    }

    if (!subjects.empty()) {
        vern_fuzz::guarded("erase", {}, [&] {
            if (auto s = store->find_subject(subjects.front().ref)) {
                vern::EraseOptions eo;
                eo.include_processor = true;
                (void)vern::erase_subject(*store, policy, *s, at(2090, 1, 2), eo);
            }
        });
    }

    vern_fuzz::guarded("verify_audit_chain", {}, [&] {
        vern::ChainVerification v = vern::verify_audit_chain(*store);
        if (!v.intact) vern_fuzz::finding("audit chain broken after fuzz run: " + v.message);
    });
    return 0;
}
