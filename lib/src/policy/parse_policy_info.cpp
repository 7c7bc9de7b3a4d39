// [policy] (SPEC 3.1) and [identifiers] (SPEC 3.2).

#include "parser.hpp"

#include <fmt/format.h>

namespace vern::policy_detail {
namespace {

// A month as GDPR art. 12(3) counts it, with half a day of slack for "30d" and "1mo".
constexpr double k_one_month_days = 31.0;

// Suggests the closest IANA zone name for a misspelt time zone.
std::string suggest_zone(const std::string& name) {
    std::vector<std::string> names;
    try {
        for (const auto& z : date::get_tzdb().zones) {
            names.push_back(z.name());
        }
    } catch (const std::exception&) {
        return {};
    }
    return did_you_mean(name, names);
}

} // namespace

void parse_policy_info(const toml::table& table, const std::string& file, LoadState& state) {
    TableReader r(table, file, "[policy]",
                  {"name", "controller", "contact", "timezone", "language", "request_deadline",
                   "supervisory_authority", "statement", "data_protection_officer", "storage",
                   "complaint_bodies"},
                  state.reporter);
    PolicyInfo& info = state.policy.info;
    info.pos = r.pos();
    info.name = r.nonblank_string("name", true).value_or("");
    info.controller = r.nonblank_string("controller", true).value_or("");
    info.contact = r.nonblank_string("contact", true).value_or("");
    if (auto tz = r.nonblank_string("timezone", true)) {
        info.timezone = *tz;
        if (auto zone = find_zone(*tz)) {
            info.zone = *zone;
        } else {
            state.reporter.error(r.pos("timezone"), zone.error() + suggest_zone(*tz));
        }
    }
    if (auto lang = r.string("language")) {
        if (*lang == "nb" || *lang == "en") {
            info.language = *lang;
        } else {
            state.reporter.error(r.pos("language"),
                                 fmt::format("invalid language '{}': expected nb or en", *lang));
        }
    }
    if (auto deadline = r.string("request_deadline")) {
        auto d = parse_duration(*deadline);
        if (!d) {
            state.reporter.error(r.pos("request_deadline"), d.error());
        } else if (d->approx_days() <= 0) {
            state.reporter.error(r.pos("request_deadline"),
                                 "request_deadline must be longer than 0 days");
        } else {
            info.request_deadline = *d;
            if (d->approx_days() > k_one_month_days) {
                state.reporter.warning(
                    r.pos("request_deadline"),
                    fmt::format("request_deadline {} is longer than the one month of GDPR art. "
                                "12(3); extensions are given per request",
                                *deadline));
            }
        }
    }
    if (auto authority = r.string("supervisory_authority")) {
        info.supervisory_authority = *authority;
    } else if (!r.has("supervisory_authority")) {
        state.reporter.warning(r.pos(), "[policy] has no supervisory_authority: access reports "
                                        "cannot say where to complain (GDPR art. 15(1)(f))");
    }
    if (const toml::table* statement = r.table("statement")) {
        TableReader s(*statement, file, "[policy] statement", {"title", "url"}, state.reporter);
        info.statement_title = s.nonblank_string("title", true).value_or("");
        info.statement_url = s.nonblank_string("url", true).value_or("");
    }
    info.data_protection_officer = r.nonblank_string("data_protection_officer").value_or("");
    info.storage = r.nonblank_string("storage").value_or("");
    if (auto bodies = r.string_array("complaint_bodies")) {
        for (const auto& body : *bodies) {
            if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
                state.reporter.error(r.pos("complaint_bodies"),
                                     "complaint_bodies must not contain an empty string");
            } else {
                info.complaint_bodies.push_back(body);
            }
        }
    }
}

void parse_labels(const toml::table& table, const std::string& file, LoadState& state) {
    TableReader r(table, file, "[labels]", {"nb", "en"}, state.reporter);
    state.labels_pos = r.pos();
    for (const char* lang : {"nb", "en"}) {
        if (const toml::table* labels = r.table(lang)) {
            read_field_labels(*labels, file, fmt::format("[labels.{}]", lang),
                              state.policy.labels[lang], state);
        }
    }
}

void read_field_labels(const toml::table& table, const std::string& file,
                       const std::string& context, FieldLabels& out, LoadState& state) {
    for (auto&& [key, value] : table) {
        const auto* text = value.as_string();
        if (!text) {
            state.reporter.error(pos_of(file, value.source()),
                                 fmt::format("{} {} must be a string (the words for the field), "
                                             "not {}",
                                             context, key.str(), type_name(value)));
            continue;
        }
        if (text->get().find_first_not_of(" \t\r\n") == std::string::npos) {
            state.reporter.error(pos_of(file, value.source()),
                                 fmt::format("{} {} must not be empty", context, key.str()));
            continue;
        }
        out[std::string(key.str())] = text->get();
    }
}

void parse_identifiers(const toml::table& table, const std::string& file, LoadState& state) {
    TableReader r(table, file, "[identifiers]", {"email", "phone", "national_id", "name"},
                  state.reporter);
    state.identifiers_pos = r.pos();
    Identifiers& ids = state.policy.identifiers;
    ids.email = r.string_array("email").value_or(std::vector<std::string>{});
    ids.phone = r.string_array("phone").value_or(std::vector<std::string>{});
    ids.national_id = r.string_array("national_id").value_or(std::vector<std::string>{});
    ids.name = r.string_array("name").value_or(std::vector<std::string>{});
}

} // namespace vern::policy_detail
