// Fuzz target: the selectors of the rights commands (SPEC section 2): normalize_identifier,
// parse_national_id, find_subjects / resolve_subject on a small store.
//
// Input: the first byte picks the selector kind ('0' subject, '1' email, '2' phone,
// '3' national id, '4' name; other bytes modulo 5), the rest is the value (any bytes).
// The store (":memory:", made once) holds tests/data/rights/data.jsonl under its policy, whose
// [identifiers] index email, phone, mobile, fnr and name. Invariants checked:
//  - normalize_identifier of valid UTF-8 is valid UTF-8 (it is stored and later JSON-encoded);
//  - a national id parse_national_id accepts is 11 digits and is accepted again unchanged;
//  - parse_national_id's message does not repeat a value with six digits or more, nor does the
//    "no match" message repeat the value (national_id.hpp, selector.hpp: it is personal data
//    and may land in logs);
//  - find_subjects throws only Error(data) (invalid national id) or Error(usage) (empty value),
//    resolve_subject also Error(problem) (no match, ambiguous).

#include "fuzz_common.hpp"

#include "vern/ingest.hpp"
#include "vern/national_id.hpp"
#include "vern/policy.hpp"
#include "vern/selector.hpp"
#include "vern/store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#ifndef VERN_FUZZ_SOURCE_DIR
#error "VERN_FUZZ_SOURCE_DIR must name the source tree (tests/fuzz/fuzz.cmake sets it)"
#endif

namespace {

std::unique_ptr<vern::Store>& store() {
    static std::unique_ptr<vern::Store> s;
    return s;
}

const vern::SelectorKind k_kinds[] = {vern::SelectorKind::subject, vern::SelectorKind::email,
                                      vern::SelectorKind::phone, vern::SelectorKind::national_id,
                                      vern::SelectorKind::name};
const vern::IdentifierKind k_identifier_kinds[] = {
    vern::IdentifierKind::email, vern::IdentifierKind::phone, vern::IdentifierKind::national_id,
    vern::IdentifierKind::name};

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const char* env = std::getenv("VERN_SOURCE_DIR");
    const std::string src = env && *env ? env : VERN_FUZZ_SOURCE_DIR;
    vern_fuzz::guarded("selector store setup", {}, [&] {
        vern::Policy policy = vern::load_valid_policy({src + "/tests/data/rights/policy.toml"});
        std::ifstream in(src + "/tests/data/rights/data.jsonl");
        std::stringstream text;
        text << in.rdbuf();
        store() = vern::open_store(":memory:");
        vern::IngestOptions options;
        options.now = date::sys_days(date::year(2026) / 6 / 1);
        std::vector<vern::IngestSource> sources{vern::text_source("data.jsonl", text.str())};
        (void)vern::ingest(*store(), policy, sources, options);
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    vern::Selector selector;
    selector.kind = k_kinds[(data[0] + 2u) % 5]; // '0' -> subject
    selector.value.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string& value = selector.value;

    vern_fuzz::guarded("normalize_identifier", {}, [&] {
        const bool utf8 = vern_fuzz::valid_utf8(value);
        for (vern::IdentifierKind k : k_identifier_kinds) {
            std::string n = vern::normalize_identifier(k, value);
            if (utf8 && !vern_fuzz::valid_utf8(n)) {
                vern_fuzz::finding(std::string("normalize_identifier(") +
                                   vern::identifier_kind_name(k) +
                                   ") turned valid UTF-8 into invalid UTF-8");
            }
        }
    });

    vern_fuzz::guarded("parse_national_id", {}, [&] {
        auto id = vern::parse_national_id(value);
        if (id) {
            const std::string& digits = *id;
            if (digits.size() != 11 || digits.find_first_not_of("0123456789") != std::string::npos)
                vern_fuzz::finding("parse_national_id returned something other than 11 digits");
            (void)vern::is_d_number(digits);
            auto again = vern::parse_national_id(digits);
            if (!again || *again != digits)
                vern_fuzz::finding("parse_national_id does not accept its own result");
        } else if (std::count_if(value.begin(), value.end(),
                                 [](char c) { return c >= '0' && c <= '9'; }) >= 6 &&
                   contains(id.error(), value)) {
            // (A value with six digits or more: the fixed texts hold no such run, so it was
            // copied from the input.)
            vern_fuzz::finding("parse_national_id's message repeats the value: " + id.error());
        }
    });

    std::vector<vern::Subject> matches;
    bool found = false;
    vern_fuzz::guarded("find_subjects", {vern::Code::data, vern::Code::usage}, [&] {
        matches = vern::find_subjects(*store(), selector);
        found = true;
    });
    if (!found) return 0;
    vern_fuzz::guarded("resolve_subject", {vern::Code::problem}, [&] {
        try {
            (void)vern::resolve_subject(*store(), selector);
            if (matches.size() != 1)
                vern_fuzz::finding("resolve_subject resolved a selector find_subjects did not");
        } catch (const vern::Error& e) {
            if (matches.empty()) {
                // The fixed text of the message, for a value that cannot occur in it.
                const std::string fixed = vern::selector_problem({selector.kind, "\x01"}, {});
                if (value.size() >= 4 && contains(e.what(), value) && !contains(fixed, value))
                    vern_fuzz::finding(std::string("the no-match message repeats the value: ") +
                                       e.what());
            }
            throw;
        }
    });
    return 0;
}
