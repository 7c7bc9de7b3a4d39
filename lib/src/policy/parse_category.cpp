// [[category]] (SPEC 3.3).

#include "parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace vern::policy_detail {
namespace {

constexpr std::array k_legal_bases = {LegalBasis::consent,          LegalBasis::contract,
                                      LegalBasis::legal_obligation, LegalBasis::vital_interests,
                                      LegalBasis::public_task,      LegalBasis::legitimate_interests};

void parse_legal_basis(TableReader& r, Category& c) {
    auto basis = r.string("legal_basis", true);
    if (!basis) {
        return;
    }
    std::vector<std::string> names;
    for (LegalBasis b : k_legal_bases) {
        if (*basis == legal_basis_name(b)) {
            c.legal_basis = b;
            return;
        }
        names.push_back(legal_basis_name(b));
    }
    r.reporter().error(r.pos("legal_basis"),
                       fmt::format("invalid legal_basis '{}': expected one of consent, contract, "
                                   "legal_obligation, vital_interests, public_task, "
                                   "legitimate_interests (GDPR art. 6(1)(a)-(f)){}",
                                   *basis, did_you_mean(*basis, names)));
}

void parse_role(TableReader& r, Category& c) {
    auto role = r.string("role");
    if (role) {
        if (*role == "processor") {
            c.role = Role::processor;
        } else if (*role != "controller") {
            r.reporter().error(r.pos("role"),
                               fmt::format("invalid role '{}': expected controller or processor",
                                           *role));
        }
    }
    auto controller = r.string("controller");
    if (c.role == Role::processor && !r.has("controller")) {
        r.reporter().error(r.pos("role"),
                           fmt::format("processor category '{}' needs 'controller': the "
                                       "controller that rights requests are referred to",
                                       c.id));
    } else if (c.role == Role::controller && controller && (!role || *role == "controller")) {
        r.reporter().warning(r.pos("controller"),
                             fmt::format("'controller' is ignored for category '{}', whose role "
                                         "is controller; did you mean role = \"processor\"?",
                                         c.id));
    }
    if (c.role == Role::processor && controller && !r.report_if_blank("controller", *controller)) {
        c.controller = *controller;
    }
}

void check_consent_purpose(TableReader& r, Category& c, bool basis_known) {
    auto purpose = r.string("consent_purpose");
    if (!basis_known) {
        return;
    }
    if (c.legal_basis == LegalBasis::consent) {
        if (!r.has("consent_purpose")) {
            r.reporter().error(r.pos("legal_basis"),
                               fmt::format("category '{}' has legal_basis = \"consent\" but no "
                                           "consent_purpose: name the purpose consented to",
                                           c.id));
        } else if (purpose && !r.report_if_blank("consent_purpose", *purpose)) {
            c.consent_purpose = *purpose;
        }
    } else if (r.has("consent_purpose")) {
        r.reporter().error(r.pos("consent_purpose"),
                           fmt::format("consent_purpose is only allowed with legal_basis = "
                                       "\"consent\"; category '{}' has legal_basis = \"{}\"",
                                       c.id, legal_basis_name(c.legal_basis)));
    }
}

// A label for a field the category does not declare (when it declares its fields) is a typo.
void check_fields_declared(TableReader& r, const Category& c, const toml::table& words,
                           const char* what, LoadState& state) {
    if (!c.fields) return;
    for (auto&& [key, value] : words) {
        const std::string field(key.str());
        if (std::find(c.fields->begin(), c.fields->end(), field) == c.fields->end()) {
            state.reporter.error(pos_of(r.file(), key.source()),
                                 fmt::format("{} names field '{}', which category '{}' does not "
                                             "declare in `fields`{}",
                                             what, field, c.id, did_you_mean(field, *c.fields)));
        }
    }
}

} // namespace

bool is_valid_category_id(std::string_view id) {
    if (id.empty() || id[0] < 'a' || id[0] > 'z') {
        return false;
    }
    for (char ch : id) {
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) {
            return false;
        }
    }
    return true;
}

void parse_category(const toml::table& table, const std::string& file, LoadState& state) {
    TableReader r(table, file, "[[category]]",
                  {"id", "title", "purpose", "legal_basis", "legal_ref", "consent_purpose", "role",
                   "controller", "recipients", "source", "special", "fields", "labels", "free_text",
                   "times"},
                  state.reporter);
    Category c;
    c.pos = r.pos();
    if (auto id = r.string("id", true)) {
        c.id = *id;
        r.set_context(fmt::format("[[category]] '{}'", c.id));
        if (!is_valid_category_id(c.id)) {
            state.reporter.error(r.pos("id"),
                                 fmt::format("invalid category id '{}': use lower-case letters, "
                                             "digits and '_', starting with a letter",
                                             c.id));
        }
        auto [it, inserted] = state.category_ids.emplace(c.id, r.pos("id"));
        if (!inserted) {
            state.duplicate_categories.insert(c.id);
            const SourcePos& first = it->second;
            state.reporter.error(r.pos("id"),
                                 fmt::format("duplicate category id '{}'; first defined at {}:{}:{}",
                                             c.id, first.file, first.line, first.column));
        }
    }
    c.title = r.nonblank_string("title", true).value_or("");
    c.purpose = r.nonblank_string("purpose", true).value_or("");
    const std::size_t errors_before = state.reporter.error_count();
    parse_legal_basis(r, c);
    const bool basis_known = r.has("legal_basis") && state.reporter.error_count() == errors_before;
    c.legal_ref = r.string("legal_ref").value_or("");
    check_consent_purpose(r, c, basis_known);
    parse_role(r, c);
    c.recipients = r.string_array("recipients").value_or(std::vector<std::string>{});
    c.source = r.string("source").value_or("");
    c.special = r.boolean("special").value_or(false);
    c.fields = r.string_array("fields");
    if (const toml::table* labels = r.table("labels")) {
        TableReader l(*labels, file, fmt::format("[[category]] '{}' labels", c.id), {"nb", "en"},
                      state.reporter);
        for (const char* lang : {"nb", "en"}) {
            if (const toml::table* words = l.table(lang)) {
                read_field_labels(*words, file,
                                  fmt::format("[[category]] '{}' labels.{}", c.id, lang),
                                  c.labels[lang], state);
                check_fields_declared(r, c, *words, "labels", state);
            }
        }
    }
    c.free_text = r.string_array("free_text").value_or(std::vector<std::string>{});
    c.times = r.string_array("times").value_or(std::vector<std::string>{});
    for (const char* key : {"free_text", "times"}) {
        const auto& list = std::string_view(key) == "free_text" ? c.free_text : c.times;
        for (const auto& field : list) {
            if (c.fields && std::find(c.fields->begin(), c.fields->end(), field) == c.fields->end()) {
                state.reporter.error(r.pos(key),
                                     fmt::format("{} names field '{}', which category '{}' does "
                                                 "not declare in `fields`{}",
                                                 key, field, c.id, did_you_mean(field, *c.fields)));
            }
        }
    }
    state.policy.categories.push_back(std::move(c));
}

} // namespace vern::policy_detail
