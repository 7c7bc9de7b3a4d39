// Shared pieces of the rights commands: selectors, store, private output files.

#include "rights_options.hpp"

#include <fmt/core.h>


namespace vern::cli {

void add_selector_options(CLI::App& app, SelectorOptions& opts) {
    app.add_option("--subject", opts.subject, "The subject's ref")->group("Selector");
    app.add_option("--email", opts.email, "An e-mail address (case-insensitive)")
        ->group("Selector");
    app.add_option("--phone", opts.phone, "A phone number (spaces, dashes, +47/0047 ignored)")
        ->group("Selector");
    app.add_option("--national-id", opts.national_id,
                   "A fødselsnummer or D-number (11 digits, check digits validated)")
        ->group("Selector");
    app.add_option("--name", opts.name, "A full name (case and spacing ignored)")
        ->group("Selector");
}

Selector selected(const SelectorOptions& opts) {
    std::vector<Selector> given;
    if (!opts.subject.empty()) given.push_back({SelectorKind::subject, opts.subject});
    if (!opts.email.empty()) given.push_back({SelectorKind::email, opts.email});
    if (!opts.phone.empty()) given.push_back({SelectorKind::phone, opts.phone});
    if (!opts.national_id.empty()) given.push_back({SelectorKind::national_id, opts.national_id});
    if (!opts.name.empty()) given.push_back({SelectorKind::name, opts.name});
    if (given.size() != 1) {
        throw Error(Code::usage, "name the subject with exactly one of --subject REF, --email E, "
                                 "--phone P, --national-id N, --name NAME");
    }
    return given.front();
}

std::optional<Subject> resolve_selected_or_none(Context& ctx, Store& store,
                                                const SelectorOptions& opts) {
    const Selector selector = selected(opts);
    auto matches = find_subjects(store, selector);
    if (matches.empty()) return std::nullopt;
    if (matches.size() == 1) return matches.front();
    if (ctx.format({"text", "json", "html"}) == "json") {
        nlohmann::json refs = nlohmann::json::array();
        for (const auto& s : matches)
            refs.push_back(s.ref);
        print_json({{"matches", refs}});
    } else {
        for (const auto& s : matches)
            fmt::print("{}\n", s.ref);
    }
    std::fflush(stdout);
    throw Error(Code::problem, selector_problem(selector, matches));
}

Subject resolve_selected(Context& ctx, Store& store, const SelectorOptions& opts) {
    auto subject = resolve_selected_or_none(ctx, store, opts);
    if (!subject) throw Error(Code::problem, selector_problem(selected(opts), {}));
    return *subject;
}

std::unique_ptr<Store> open_rights_store(Context& ctx, int lock_timeout, bool shared_writer) {
    StoreOptions so;
    so.lock_timeout = lock_timeout;
    so.shared_writer = shared_writer;
    auto store = open_store(ctx.opts.store, so);
    for (const std::string& w : store->open_report().warnings)
        note(ctx, "vern: warning: " + w);
    return store;
}

} // namespace vern::cli
