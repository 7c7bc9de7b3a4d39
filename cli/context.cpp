#include "context.hpp"

#include "vern/text.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <iostream>

namespace vern::cli {

std::string Context::format(std::initializer_list<const char*> allowed) const {
    std::string f = opts.format.empty() ? (opts.json ? "json" : *allowed.begin()) : opts.format;
    if (opts.json && !opts.format.empty() && opts.format != "json") {
        throw Error(Code::usage, fmt::format("--json conflicts with --format {}", opts.format));
    }
    for (const char* a : allowed) {
        if (f == a) return f;
    }
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    throw Error(Code::usage, fmt::format("--format {} is not supported here; use one of: {}", f, list));
}

const Policy& Context::policy() {
    if (!m_policy) {
        if (opts.policy.empty()) {
            throw Error(Code::usage,
                        "no policy given: pass --policy PATH (a file or a directory of *.toml "
                        "files) or set VERN_POLICY");
        }
        m_policy = load_valid_policy(opts.policy);
    }
    return *m_policy;
}

Zone Context::zone() {
    if (has_policy_option()) return policy().info.zone;
    return date::locate_zone("UTC");
}

const Clock& Context::clock() {
    if (!m_clock) {
        if (opts.now.empty()) {
            m_clock = std::make_unique<SystemClock>();
        } else {
            auto t = parse_time(opts.now, zone());
            if (!t) throw Error(Code::data, fmt::format("--now: {}", t.error()));
            m_clock = std::make_unique<FixedClock>(*t);
        }
    }
    return *m_clock;
}

void print_json(const nlohmann::json& doc) {
    std::string s = doc.dump(2);
    s += '\n';
    std::fwrite(s.data(), 1, s.size(), stdout);
}

void note(const Context& ctx, const std::string& message) {
    if (ctx.opts.quiet == 0) std::cerr << message << '\n';
}

void warn_wal_kept(const Context& ctx) {
    note(ctx, fmt::format("vern: warning: another process is reading the store '{}', so the "
                          "change could not be checkpointed: it is committed, but the deleted "
                          "content stays on disk, in the store file and its -wal file, until "
                          "the next vern run that changes the store checkpoints it after that "
                          "reader is done ('vern status' shows whether this is still waiting)",
                          printable(ctx.opts.store)));
}

std::string audit_head_hash(Store& store) { return store.audit_head().second; }

void note_audit_head(const Context& ctx, Store& store) {
    const auto [seq, hash] = store.audit_head();
    note(ctx, fmt::format("vern: audit head {} (entry {})", hash, seq));
}

void detail(const Context& ctx, const std::string& message) {
    if (ctx.opts.verbose > 0 && ctx.opts.quiet == 0) std::cerr << message << '\n';
}

} // namespace vern::cli
