#pragma once
// The fixed texts of the access report for a person the store holds no data about
// (build_unknown_person_report), in Norwegian bokmål and English. They stand in for the intro
// and the "your reference" line of report_texts.hpp; the data section says its no_records
// ("We hold no data about you.") and everything else is as in any report.

#include "vern/rights.hpp"
#include "vern/selector.hpp"

#include <string_view>

namespace vern::rights {

struct UnknownPersonTexts {
    const char* intro;    // fmt: {controller}
    const char* searched; // label of the line that says what was searched for
};

inline const UnknownPersonTexts& unknown_person_texts(Language lang) {
    static const UnknownPersonTexts nb{
        "Dette er svaret fra {controller} på kravet ditt om innsyn i personopplysninger etter "
        "personvernforordningen artikkel 15.",
        "Søkt etter",
    };
    static const UnknownPersonTexts en{
        "This is the answer of {controller} to your request for access to personal data under "
        "article 15 of the General Data Protection Regulation (GDPR).",
        "Searched for",
    };
    return lang == Language::nb ? nb : en;
}

// What was searched for, by the report's selector kind name: "e-postadressen du oppga" /
// "the e-mail address you gave".
inline const char* searched_for(std::string_view selector, Language lang) {
    const bool nb = lang == Language::nb;
    switch (parse_selector_kind(selector).value_or(SelectorKind::subject)) {
    case SelectorKind::email: return nb ? "e-postadressen du oppga" : "the e-mail address you gave";
    case SelectorKind::phone: return nb ? "telefonnummeret du oppga" : "the phone number you gave";
    case SelectorKind::national_id:
        return nb ? "fødselsnummeret du oppga" : "the national identity number you gave";
    case SelectorKind::name: return nb ? "navnet du oppga" : "the name you gave";
    case SelectorKind::subject: break;
    }
    return nb ? "referansen du oppga" : "the reference you gave";
}

} // namespace vern::rights
