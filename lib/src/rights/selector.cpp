// Selectors: from --subject/--email/--phone/--national-id/--name to the subject.

#include "vern/selector.hpp"

#include "vern/national_id.hpp"

#include <fmt/core.h>

namespace vern {

const char* selector_option(SelectorKind kind) {
    switch (kind) {
    case SelectorKind::subject: return "--subject";
    case SelectorKind::email: return "--email";
    case SelectorKind::phone: return "--phone";
    case SelectorKind::national_id: return "--national-id";
    case SelectorKind::name: return "--name";
    }
    return "--subject";
}

const char* selector_kind_name(SelectorKind kind) {
    switch (kind) {
    case SelectorKind::subject: return "subject";
    case SelectorKind::email: return "email";
    case SelectorKind::phone: return "phone";
    case SelectorKind::national_id: return "national_id";
    case SelectorKind::name: return "name";
    }
    return "subject";
}

std::optional<SelectorKind> parse_selector_kind(std::string_view name) {
    for (SelectorKind k : {SelectorKind::subject, SelectorKind::email, SelectorKind::phone,
                           SelectorKind::national_id, SelectorKind::name}) {
        if (name == selector_kind_name(k)) return k;
    }
    return std::nullopt;
}

namespace {

void check_not_empty(const Selector& selector) {
    if (selector.value.find_first_not_of(" \t") == std::string::npos) {
        throw Error(Code::usage,
                    fmt::format("{} needs a non-empty value", selector_option(selector.kind)));
    }
}

// The national id's 11 digits; Error(data) with parse_national_id's message when invalid.
std::string national_id_digits(const Selector& selector) {
    auto digits = parse_national_id(selector.value);
    if (!digits) throw Error(Code::data, digits.error());
    return *digits;
}

IdentifierKind identifier_kind(SelectorKind kind) {
    switch (kind) {
    case SelectorKind::email: return IdentifierKind::email;
    case SelectorKind::phone: return IdentifierKind::phone;
    case SelectorKind::national_id: return IdentifierKind::national_id;
    case SelectorKind::name:
    case SelectorKind::subject: break;
    }
    return IdentifierKind::name;
}

} // namespace

std::string selector_pseudonym(const Store& store, const Selector& selector) {
    check_not_empty(selector);
    if (selector.kind == SelectorKind::subject) return store.pseudonym(selector.value);
    const IdentifierKind kind = identifier_kind(selector.kind);
    const std::string value = selector.kind == SelectorKind::national_id
                                  ? national_id_digits(selector)
                                  : selector.value;
    std::string key = "\x1fselector\x1f";
    key += identifier_kind_name(kind);
    key += '\x1f';
    key += normalize_identifier(kind, value);
    return store.pseudonym(key);
}

std::vector<Subject> find_subjects(Store& store, const Selector& selector) {
    check_not_empty(selector);
    switch (selector.kind) {
    case SelectorKind::subject: {
        auto s = store.find_subject(selector.value);
        if (!s) return {};
        return {*s};
    }
    case SelectorKind::email:
        return store.find_subjects_by_identifier(IdentifierKind::email, selector.value);
    case SelectorKind::phone:
        return store.find_subjects_by_identifier(IdentifierKind::phone, selector.value);
    case SelectorKind::national_id:
        return store.find_subjects_by_identifier(IdentifierKind::national_id,
                                                 national_id_digits(selector));
    case SelectorKind::name:
        return store.find_subjects_by_identifier(IdentifierKind::name, selector.value);
    }
    return {};
}

std::string selector_problem(const Selector& selector, const std::vector<Subject>& matches) {
    const char* option = selector_option(selector.kind);
    if (matches.empty()) {
        if (selector.kind == SelectorKind::subject) {
            return fmt::format("no subject with that ref (--subject) in the store; check the "
                               "spelling");
        }
        return fmt::format("no subject matches {}; check the spelling, or try another selector "
                           "(--subject, --email, --phone, --national-id, --name)",
                           option);
    }
    std::string refs;
    for (const auto& s : matches)
        refs += (refs.empty() ? "" : ", ") + s.ref;
    return fmt::format("{} matches {} subjects ({}); nothing was disclosed; choose one with "
                       "--subject REF",
                       option, matches.size(), refs);
}

Subject resolve_subject(Store& store, const Selector& selector) {
    auto matches = find_subjects(store, selector);
    if (matches.size() != 1) throw Error(Code::problem, selector_problem(selector, matches));
    return matches.front();
}

} // namespace vern
