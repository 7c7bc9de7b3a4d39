// Identifier normal forms (the identity index of the rights selectors) and small value helpers
// of store.hpp.
//
// NOTE: the normal forms are persisted in the identifiers table (man vern-store(5)); changing one
// needs a migration that rebuilds the table.

#include "store_common.hpp"

#include <algorithm>

namespace vern {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// Lower-cases ASCII and the Latin-1 letters U+00C0..U+00DE (except U+00D7), e.g. Æ Ø Å É, and
// collapses runs of white space into one space.
std::string fold_name(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool space = false;
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (is_space(static_cast<char>(c))) {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else if (c == 0xC3 && i + 1 < s.size()) {
            auto d = static_cast<unsigned char>(s[i + 1]);
            if (d >= 0x80 && d <= 0x9E && d != 0x97) d = static_cast<unsigned char>(d + 0x20);
            out += static_cast<char>(c);
            out += static_cast<char>(d);
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string normalize_phone(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (is_space(c) || c == '-' || c == '.' || c == '(' || c == ')') continue;
        out += c;
    }
    if (out.rfind("+47", 0) == 0) {
        out.erase(0, 3);
    } else if (out.rfind("0047", 0) == 0) {
        out.erase(0, 4);
    }
    return out;
}

} // namespace

std::string normalize_identifier(IdentifierKind kind, std::string_view value) {
    value = trim(value);
    switch (kind) {
    case IdentifierKind::email:
        return ascii_lower(value);
    case IdentifierKind::phone:
        return normalize_phone(value);
    case IdentifierKind::national_id: {
        std::string out;
        for (char c : value) {
            if (!is_space(c)) out += c;
        }
        return out;
    }
    case IdentifierKind::name:
        return fold_name(value);
    }
    return std::string(value);
}

const char* identifier_kind_name(IdentifierKind k) {
    switch (k) {
    case IdentifierKind::email: return "email";
    case IdentifierKind::phone: return "phone";
    case IdentifierKind::national_id: return "national_id";
    case IdentifierKind::name: return "name";
    }
    return "?";
}

const char* event_scope_name(EventScope s) {
    switch (s) {
    case EventScope::subject: return "subject";
    case EventScope::record: return "record";
    case EventScope::global: return "global";
    }
    return "?";
}

nlohmann::json StoredRecord::fields() const { return nlohmann::json::parse(fields_json); }

namespace store {

std::string rules_to_json(const std::vector<std::string>& rules) {
    std::vector<std::string> sorted = rules;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    return nlohmann::json(sorted).dump();
}

void identifier_rows(const Identifiers& ids, const nlohmann::json& fields,
                     std::vector<IdentifierRow>& out) {
    const std::pair<IdentifierKind, const std::vector<std::string>*> kinds[] = {
        {IdentifierKind::email, &ids.email},
        {IdentifierKind::phone, &ids.phone},
        {IdentifierKind::national_id, &ids.national_id},
        {IdentifierKind::name, &ids.name},
    };
    for (const auto& [kind, names] : kinds) {
        for (const std::string& name : *names) {
            auto it = fields.find(name);
            if (it == fields.end()) continue;
            std::string normal;
            if (it->is_string()) {
                normal = normalize_identifier(kind, it->get_ref<const std::string&>());
            } else if (it->is_number_integer()) {
                normal = normalize_identifier(kind, it->dump());
            }
            if (!normal.empty()) out.push_back(IdentifierRow{identifier_kind_name(kind), std::move(normal)});
        }
    }
}

std::vector<std::string> rules_from_json(const std::string& text) {
    if (text.empty() || text == "[]") return {};
    auto j = nlohmann::json::parse(text, nullptr, false);
    std::vector<std::string> out;
    if (j.is_array()) {
        for (const auto& v : j) {
            if (v.is_string()) out.push_back(v.get<std::string>());
        }
    }
    return out;
}

} // namespace store
} // namespace vern
