#pragma once
// Selectors: how a rights command names the data subject (SPEC section 2): `--subject REF`,
// `--email E`, `--phone P`, `--national-id N`, `--name NAME`. All but --subject go through the
// store's identifier index (Store::find_subjects_by_identifier, normalize_identifier), filled
// from the record fields the policy's [identifiers] names.

#include "vern/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vern {

enum class SelectorKind { subject, email, phone, national_id, name };

struct Selector {
    SelectorKind kind = SelectorKind::subject;
    std::string value;
};

// The option that spells a selector kind: "--subject", "--email", ...
const char* selector_option(SelectorKind kind);
// The kind's name as stored (requests.selector) and in JSON: "subject", "email", "phone",
// "national_id", "name". NOTE: persisted; never rename.
const char* selector_kind_name(SelectorKind kind);
// The kind of a name from selector_kind_name; nullopt for anything else.
std::optional<SelectorKind> parse_selector_kind(std::string_view name);

// The keyed pseudonym of what a selector names, for a request registered for a person the store
// does not hold and for its audit entries: the value is never stored. --subject REF:
// Store::pseudonym(REF), the pseudonym a subject with that ref has. Any other kind:
// Store::pseudonym of the byte 0x1f, "selector", 0x1f, the identifier kind name, 0x1f and the
// value in its normal form (normalize_identifier; a national id validated first), so that two
// spellings of one e-mail address give one pseudonym (a ref gives the same only if it begins
// with that control byte).
// Throws like find_subjects: Error(usage) for an empty value, Error(data) for an invalid
// national id. NOTE: persisted (requests.pseudonym, audit log); never change how it is computed.
std::string selector_pseudonym(const Store& store, const Selector& selector);

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
