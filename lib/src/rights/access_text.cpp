// The access report as plain text: headed sections, for a terminal or for pasting into a letter.
// Control characters in stored values are shown escaped (printable(), vern/text.hpp), so a field
// cannot drive the terminal.

#include "vern/rights.hpp"
#include "vern/text.hpp"

#include "report_texts.hpp"
#include "unknown_person_texts.hpp"

#include <fmt/core.h>
#include <fmt/args.h>

namespace vern {
namespace {

std::string value_text(const nlohmann::json& v) {
    return printable(v.is_string() ? v.get<std::string>() : v.dump());
}

void heading(std::string& out, const std::string& title, char underline) {
    out += title + "\n";
    // The underline counts characters, not bytes (æ, ø, å are two bytes in UTF-8).
    std::size_t chars = 0;
    for (unsigned char c : title)
        chars += (c & 0xC0) != 0x80;
    out += std::string(chars, underline) + "\n\n";
}

void line(std::string& out, const std::string& indent, const char* label,
          const std::string& value) {
    out += fmt::format("{}{}: {}\n", indent, label, printable(value));
}

void render_category(std::string& out, const AccessReport& report, const ReportCategory& c,
                     const rights::ReportTexts& t) {
    out += fmt::format("{} ({})\n", printable(c.title), c.id);
    if (!c.known) out += fmt::format("  {}\n", t.unknown_category);
    if (c.known) {
        line(out, "  ", t.purpose, c.purpose);
        line(out, "  ", t.legal_basis, c.legal_basis_text);
        if (!c.legal_ref.empty()) line(out, "  ", t.legal_ref, c.legal_ref);
        std::string recipients;
        for (const auto& r : c.recipients)
            recipients += (recipients.empty() ? "" : ", ") + r;
        line(out, "  ", t.recipients, recipients.empty() ? t.none : recipients);
        if (!c.source.empty()) line(out, "  ", t.source, c.source);
        for (const auto& words : c.retention)
            line(out, "  ", t.retention, words);
    }
    if (c.role == Role::processor) {
        out += "  " +
               fmt::format(fmt::runtime(t.processor), fmt::arg("organisation", report.organisation),
                           fmt::arg("controller", c.controller)) +
               "\n";
    }
    if (c.special)
        out += fmt::format("  {}\n", report.include_special ? t.special_shown : t.special);
    out += fmt::format("  {}:\n", t.records);
    for (const auto& r : c.records) {
        out += fmt::format("    {} {}\n", t.record, printable(r.id));
        line(out, "      ", t.created, format_local(r.created, report.zone));
        if (r.due_since) {
            line(out, "      ", t.next_due,
                 fmt::format(fmt::runtime(t.due_since),
                             fmt::arg("due", format_local(*r.due_since, report.zone)),
                             fmt::arg("action", r.due_action == "anonymize" ? t.anonymize_action
                                                                            : t.delete_action)));
        } else if (r.next_due) {
            const char* action =
                r.next_action == "anonymize" ? t.anonymize_action : t.delete_action;
            line(out, "      ", t.next_due,
                 fmt::format("{} ({})", format_local(*r.next_due, report.zone), action));
        } else if (!r.held) { // held: the hold's own line says why nothing is scheduled
            line(out, "      ", t.next_due, t.not_scheduled);
        }
        if (r.held) out += fmt::format("      {}\n", t.held);
        if (r.withheld) {
            out += fmt::format("      {}\n", t.withheld_fields);
            continue;
        }
        for (const auto& [name, value] : r.fields.items()) {
            auto label = c.labels.find(name);
            out += fmt::format("      {}: {}\n",
                               printable(label == c.labels.end() ? name : label->second),
                               value_text(value));
        }
    }
    out += "\n";
}

void render_recipients(std::string& out, const AccessReport& report,
                       const rights::ReportTexts& t) {
    if (report.recipients.empty()) return;
    heading(out, t.recipients_heading, '-');
    out += fmt::format("{}\n\n", t.recipients_intro);
    for (const auto& r : report.recipients) {
        out += fmt::format("{}{}\n", printable(r.name),
                           r.active ? "" : fmt::format(" ({})", t.inactive));
        std::string role = r.role_text;
        if (!r.engaged_by.empty()) role += " (" + r.engaged_by + ")";
        line(out, "  ", t.role, role);
        std::string holds;
        for (const auto& title : r.category_titles) holds += (holds.empty() ? "" : "; ") + title;
        line(out, "  ", t.holds, holds);
        if (!r.purpose.empty()) line(out, "  ", t.purpose, r.purpose);
        if (!r.location.empty()) line(out, "  ", t.location, r.location);
        if (r.third_country) {
            line(out, "  ", t.transfer,
                 r.safeguard_ref.empty() ? r.safeguard_text
                                         : r.safeguard_text + " (" + r.safeguard_ref + ")");
        }
        if (!r.contact.empty()) line(out, "  ", t.contact, r.contact);
        if (!r.note.empty()) out += fmt::format("  {}\n", printable(r.note));
        out += "\n";
    }
}

void render_notices(std::string& out, const AccessReport& report, const rights::ReportTexts& t) {
    if (report.notices.empty()) return;
    heading(out, t.notices_heading, '-');
    out += fmt::format("{}\n\n", t.notices_intro);
    for (const ReportNotice& n : report.notices) {
        out += "  " + printable(fmt::format(
                          fmt::runtime(t.notice_line), fmt::arg("system", n.name),
                          fmt::arg("action", n.action == "delete" ? t.notice_deleted
                                                                  : t.notice_anonymized),
                          fmt::arg("category", n.category_title),
                          fmt::arg("created", format_local(n.created, report.zone))));
        out += "; ";
        out += n.acknowledged
                   ? fmt::format(fmt::runtime(t.notice_confirmed),
                                 fmt::arg("at", format_local(*n.acknowledged, report.zone)))
                   : std::string(t.notice_waiting);
        out += "\n";
    }
    out += "\n";
}

} // namespace

std::string render_access_text(const AccessReport& report) {
    const auto& t = rights::report_texts(report.language);
    std::string out;
    heading(out, t.title, '=');
    const bool nobody = !report.selector.empty(); // a person the store holds no data about
    const auto& u = rights::unknown_person_texts(report.language);
    out += fmt::format(fmt::runtime(nobody ? u.intro : t.intro),
                       fmt::arg("controller", report.organisation),
                       fmt::arg("subject", printable(report.subject)));
    out += "\n\n";
    line(out, "", t.controller, report.controller);
    if (report.organisation != report.controller) line(out, "", t.organisation, report.organisation);
    line(out, "", t.contact, report.contact);
    if (!report.data_protection_officer.empty()) {
        line(out, "", t.dpo, report.data_protection_officer);
    }
    if (!report.storage.empty()) line(out, "", t.storage, report.storage);
    if (!report.statement_title.empty()) {
        line(out, "", t.statement, report.statement_title + ", " + report.statement_url);
    }
    if (nobody) {
        line(out, "", u.searched, rights::searched_for(report.selector, report.language));
    } else {
        line(out, "", t.subject, report.subject);
    }
    line(out, "", t.generated, format_local(report.generated, report.zone));
    out += "\n";

    heading(out, t.data_heading, '-');
    if (report.categories.empty()) out += fmt::format("{}\n\n", t.no_records);
    for (const auto& c : report.categories)
        render_category(out, report, c, t);

    render_recipients(out, report, t);
    render_notices(out, report, t);

    if (!report.events.empty()) {
        heading(out, t.events_heading, '-');
        for (const auto& e : report.events) {
            out += fmt::format("  {}  {}{}\n", format_local(e.at, report.zone), printable(e.label),
                               e.record.empty() ? "" : fmt::format(" ({})", printable(e.record)));
        }
        out += "\n";
    }

    heading(out, t.consents_heading, '-');
    if (report.consents.empty()) out += fmt::format("{}\n", t.no_consents);
    for (const auto& c : report.consents) {
        out += fmt::format("  {}  {}: {}\n", format_local(c.at, report.zone), printable(c.label),
                           c.given ? t.consent_given : t.consent_withdrawn);
    }
    for (const auto& [purpose, active] : report.consent_state) {
        out += fmt::format("  {}: {}\n", printable(rights::consent_label(report, purpose)),
                           active ? t.consent_active : t.consent_inactive);
    }
    out += "\n";

    heading(out, t.rights_heading, '-');
    for (const auto& r : report.rights)
        out += fmt::format("  - {}\n", r.text);
    out += "\n";
    return out;
}

} // namespace vern
