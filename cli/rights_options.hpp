#pragma once
// What the rights commands (access, erase, consent, request) share: the subject selector
// options, opening the store, and writing a private output file.

#include "context.hpp"

#include "vern/selector.hpp"
#include "vern/store.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

namespace vern::cli {

struct SelectorOptions {
    std::string subject;
    std::string email;
    std::string phone;
    std::string national_id;
    std::string name;
};

// Adds --subject, --email, --phone, --national-id, --name to `app`.
void add_selector_options(CLI::App& app, SelectorOptions& opts);

// The one selector given; Error(usage) for none or several.
Selector selected(const SelectorOptions& opts);

// The one subject the selector matches. With several matches, lists their refs on stdout (one a
// line, or {"matches": [...]} with --format json) and throws Error(problem); nothing else is
// disclosed.
Subject resolve_selected(Context& ctx, Store& store, const SelectorOptions& opts);

// As resolve_selected, but nullopt when the selector matches nobody (a request for a person the
// store does not hold: request open, access/erase --request).
std::optional<Subject> resolve_selected_or_none(Context& ctx, Store& store,
                                                const SelectorOptions& opts);

// Opens the store for a rights command, printing its open warnings.
// shared_writer: see StoreOptions (an access report on PostgreSQL does not wait for a purge).
std::unique_ptr<Store> open_rights_store(Context& ctx, int lock_timeout = 30,
                                         bool shared_writer = false);

} // namespace vern::cli
