#pragma once
// Selectors: how a rights command names the data subject (SPEC section 2): `--subject REF`,
// `--email E`, `--phone P`, `--national-id N`, `--name NAME`. All but --subject go through the
// store's identifier index (Store::find_subjects_by_identifier, normalize_identifier), filled
// from the record fields the policy's [identifiers] names.

#include "vern/store.hpp"

#include <string>
#include <vector>

namespace vern {

enum class SelectorKind { subject, email, phone, national_id, name };

struct Selector {
    SelectorKind kind = SelectorKind::subject;
    std::string value;
};

// The option that spells a selector kind: "--subject", "--email", ...
const char* selector_option(SelectorKind kind);

// Every subject the selector matches, ordered by ref (none, one or several). A --national-id is
// validated first: an invalid one throws Error(data) with parse_national_id's message. An empty
// value throws Error(usage).
std::vector<Subject> find_subjects(Store& store, const Selector& selector);

// The one subject the selector matches. Throws Error(problem):
//   "no subject matches --email; check the spelling, or try another selector (--subject, ...)"
//   "no subject with that ref (--subject) in the store; check the spelling"
//   "--name matches 3 subjects (A, B, C); nothing was disclosed; choose one with --subject REF"
// The value itself is not repeated in messages (they may land in logs). Refs are listed: they
// are the organisation's own keys, not the person's data.
Subject resolve_subject(Store& store, const Selector& selector);

// The message resolve_subject throws when `matches` is empty or has several subjects.
std::string selector_problem(const Selector& selector, const std::vector<Subject>& matches);

} // namespace vern
