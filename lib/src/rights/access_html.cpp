// The access report as one self-contained HTML page (inline style, no scripts, no external
// resources), to send or print. Every stored value goes through html_escape().

#include "vern/rights.hpp"

#include "report_texts.hpp"
#include "unknown_person_texts.hpp"

#include <fmt/args.h>
#include <fmt/core.h>

namespace vern {
namespace {

constexpr const char* k_style =
    "body{font-family:sans-serif;max-width:50em;margin:2em auto;padding:0 1em;color:#222}"
    "h1{border-bottom:2px solid #444}h2{margin-top:2em;border-bottom:1px solid #aaa}"
    "table{border-collapse:collapse;margin:.5em 0}th,td{text-align:left;vertical-align:top;"
    "padding:.2em .8em .2em 0}th{font-weight:600}.note{background:#f4f4f4;padding:.5em}"
    "section.category{margin-bottom:1.5em}@media print{body{margin:0}}";

std::string value_text(const nlohmann::json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

void row(std::string& out, const char* label, const std::string& value) {
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", html_escape(label), html_escape(value));
}

void render_record(std::string& out, const AccessReport& report, const ReportCategory& c,
                   const ReportRecord& r, const rights::ReportTexts& t) {
    out += fmt::format("<h4>{} {}</h4>\n<table class=\"record\">\n", html_escape(t.record),
                       html_escape(r.id));
    row(out, t.created, format_local(r.created, report.zone));
    if (r.due_since) {
        row(out, t.next_due,
            fmt::format(fmt::runtime(t.due_since),
                        fmt::arg("due", format_local(*r.due_since, report.zone)),
                        fmt::arg("action",
                                 r.due_action == "anonymize" ? t.anonymize_action : t.delete_action)));
    } else if (r.next_due) {
        const char* action = r.next_action == "anonymize" ? t.anonymize_action : t.delete_action;
        row(out, t.next_due,
            fmt::format("{} ({})", format_local(*r.next_due, report.zone), action));
    } else if (!r.held) { // held: the hold's own note says why nothing is scheduled
        row(out, t.next_due, t.not_scheduled);
    }
    if (r.withheld) {
        out += fmt::format("<tr><td colspan=\"2\">{}</td></tr>\n", html_escape(t.withheld_fields));
    } else {
        for (const auto& [name, value] : r.fields.items()) {
            auto label = c.labels.find(name);
            out += fmt::format("<tr><th class=\"field\">{}</th><td>{}</td></tr>\n",
                               html_escape(label == c.labels.end() ? name : label->second),
                               html_escape(value_text(value)));
        }
    }
    out += "</table>\n";
    if (r.held) out += fmt::format("<p class=\"note\">{}</p>\n", html_escape(t.held));
}

void render_category(std::string& out, const AccessReport& report, const ReportCategory& c,
                     const rights::ReportTexts& t) {
    out += fmt::format("<section class=\"category\" id=\"category-{}\">\n<h3>{}</h3>\n",
                       html_escape(c.id), html_escape(c.title));
    if (!c.known) out += fmt::format("<p class=\"note\">{}</p>\n", html_escape(t.unknown_category));
    if (c.known) {
        out += "<table class=\"about\">\n";
        row(out, t.purpose, c.purpose);
        row(out, t.legal_basis, c.legal_basis_text);
        if (!c.legal_ref.empty()) row(out, t.legal_ref, c.legal_ref);
        std::string recipients;
        for (const auto& r : c.recipients)
            recipients += (recipients.empty() ? "" : ", ") + r;
        row(out, t.recipients, recipients.empty() ? t.none : recipients);
        if (!c.source.empty()) row(out, t.source, c.source);
        out += "</table>\n";
        out += fmt::format("<h4>{}</h4>\n<ul class=\"retention\">\n", html_escape(t.retention));
        for (const auto& words : c.retention)
            out += fmt::format("<li>{}</li>\n", html_escape(words));
        out += "</ul>\n";
    }
    if (c.role == Role::processor) {
        out += fmt::format("<p class=\"note processor\">{}</p>\n",
                           html_escape(fmt::format(fmt::runtime(t.processor),
                                                   fmt::arg("organisation", report.organisation),
                                                   fmt::arg("controller", c.controller))));
    }
    if (c.special) {
        out += fmt::format("<p class=\"note special\">{}</p>\n",
                           html_escape(report.include_special ? t.special_shown : t.special));
    }
    for (const auto& r : c.records)
        render_record(out, report, c, r, t);
    out += "</section>\n";
}

void render_recipients(std::string& out, const AccessReport& report,
                       const rights::ReportTexts& t) {
    if (report.recipients.empty()) return;
    out += fmt::format("<h2>{}</h2>\n<p>{}</p>\n", html_escape(t.recipients_heading),
                       html_escape(t.recipients_intro));
    for (const auto& r : report.recipients) {
        out += fmt::format("<section class=\"recipient\" id=\"recipient-{}\">\n<h3>{}{}</h3>\n"
                           "<table>\n",
                           html_escape(r.id), html_escape(r.name),
                           r.active ? "" : html_escape(fmt::format(" ({})", t.inactive)));
        row(out, t.role, r.engaged_by.empty() ? r.role_text : r.role_text + " (" + r.engaged_by + ")");
        std::string holds;
        for (const auto& title : r.category_titles) holds += (holds.empty() ? "" : "; ") + title;
        row(out, t.holds, holds);
        if (!r.purpose.empty()) row(out, t.purpose, r.purpose);
        if (!r.location.empty()) row(out, t.location, r.location);
        if (r.third_country) {
            row(out, t.transfer,
                r.safeguard_ref.empty() ? r.safeguard_text
                                        : r.safeguard_text + " (" + r.safeguard_ref + ")");
        }
        if (!r.contact.empty()) row(out, t.contact, r.contact);
        out += "</table>\n";
        if (!r.note.empty()) out += fmt::format("<p class=\"note\">{}</p>\n", html_escape(r.note));
        out += "</section>\n";
    }
}

void render_notices(std::string& out, const AccessReport& report, const rights::ReportTexts& t) {
    if (report.notices.empty()) return;
    out += fmt::format("<h2>{}</h2>\n<p>{}</p>\n<ul class=\"notices\">\n",
                       html_escape(t.notices_heading), html_escape(t.notices_intro));
    for (const ReportNotice& n : report.notices) {
        const std::string what = fmt::format(
            fmt::runtime(t.notice_line), fmt::arg("system", n.name),
            fmt::arg("action", n.action == "delete" ? t.notice_deleted : t.notice_anonymized),
            fmt::arg("category", n.category_title),
            fmt::arg("created", format_local(n.created, report.zone)));
        const std::string state =
            n.acknowledged ? fmt::format(fmt::runtime(t.notice_confirmed),
                                         fmt::arg("at", format_local(*n.acknowledged, report.zone)))
                           : std::string(t.notice_waiting);
        out += fmt::format("<li>{}; {}</li>\n", html_escape(what), html_escape(state));
    }
    out += "</ul>\n";
}

} // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string render_access_html(const AccessReport& report) {
    const auto& t = rights::report_texts(report.language);
    std::string out;
    out += fmt::format("<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<title>{} – {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                       language_name(report.language), html_escape(t.title),
                       html_escape(report.controller), k_style);
    const bool nobody = !report.selector.empty(); // a person the store holds no data about
    const auto& u = rights::unknown_person_texts(report.language);
    out += fmt::format(
        "<h1>{}</h1>\n<p>{}</p>\n", html_escape(t.title),
        html_escape(fmt::format(fmt::runtime(nobody ? u.intro : t.intro),
                                fmt::arg("controller", report.organisation),
                                fmt::arg("subject", report.subject))));
    out += "<table class=\"controller\">\n";
    row(out, t.controller, report.controller);
    if (report.organisation != report.controller) row(out, t.organisation, report.organisation);
    row(out, t.contact, report.contact);
    if (!report.data_protection_officer.empty()) row(out, t.dpo, report.data_protection_officer);
    if (!report.storage.empty()) row(out, t.storage, report.storage);
    if (!report.statement_title.empty()) {
        out += fmt::format("<tr><th>{}</th><td>{} (<a href=\"{}\">{}</a>)</td></tr>\n",
                           html_escape(t.statement), html_escape(report.statement_title),
                           html_escape(report.statement_url), html_escape(report.statement_url));
    }
    if (nobody) {
        row(out, u.searched, rights::searched_for(report.selector, report.language));
    } else {
        row(out, t.subject, report.subject);
    }
    row(out, t.generated, format_local(report.generated, report.zone));
    out += "</table>\n";

    out += fmt::format("<h2>{}</h2>\n", html_escape(t.data_heading));
    if (report.categories.empty()) out += fmt::format("<p>{}</p>\n", html_escape(t.no_records));
    for (const auto& c : report.categories)
        render_category(out, report, c, t);

    render_recipients(out, report, t);
    render_notices(out, report, t);

    if (!report.events.empty()) {
        out +=
            fmt::format("<h2>{}</h2>\n<table class=\"events\">\n", html_escape(t.events_heading));
        for (const auto& e : report.events) {
            out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                               html_escape(format_local(e.at, report.zone)), html_escape(e.label),
                               html_escape(e.record));
        }
        out += "</table>\n";
    }

    out += fmt::format("<h2>{}</h2>\n", html_escape(t.consents_heading));
    if (report.consents.empty()) out += fmt::format("<p>{}</p>\n", html_escape(t.no_consents));
    if (!report.consents.empty()) {
        out += "<table class=\"consents\">\n";
        for (const auto& c : report.consents) {
            out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                               html_escape(format_local(c.at, report.zone)), html_escape(c.label),
                               html_escape(c.given ? t.consent_given : t.consent_withdrawn));
        }
        for (const auto& [purpose, active] : report.consent_state) {
            out += fmt::format("<tr><td></td><td>{}</td><td>{}</td></tr>\n",
                               html_escape(rights::consent_label(report, purpose)),
                               html_escape(active ? t.consent_active : t.consent_inactive));
        }
        out += "</table>\n";
    }

    out += fmt::format("<h2>{}</h2>\n<ul class=\"rights\">\n", html_escape(t.rights_heading));
    for (const auto& r : report.rights) {
        out +=
            fmt::format("<li id=\"right-{}\">{}</li>\n", html_escape(r.key), html_escape(r.text));
    }
    out += "</ul>\n</body>\n</html>\n";
    return out;
}

} // namespace vern
