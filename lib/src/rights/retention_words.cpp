// Retention rules and legal bases in plain words, in Norwegian bokmål and English, for the
// access report: "slettes 30 dager etter at den ble opprettet" / "deleted 30 days after creation".

#include "report_texts.hpp"

#include <fmt/core.h>

namespace vern {
namespace {

bool nb(Language l) {
    return l == Language::nb;
}

std::string count_words(int n, Language l, const char* en_one, const char* en_many,
                        const char* nb_one, const char* nb_many) {
    if (nb(l)) return fmt::format("{} {}", n, n == 1 ? nb_one : nb_many);
    return fmt::format("{} {}", n, n == 1 ? en_one : en_many);
}

bool written_in_weeks(const Duration& d) {
    return d.days % 7 == 0 && d.text.find_first_of("wW") != std::string::npos;
}

// "30 days", "12 weeks", "1 year and 6 months"; empty for a zero duration.
std::string duration_words(const Duration& d, Language l) {
    std::vector<std::string> parts;
    if (d.years) parts.push_back(count_words(d.years, l, "year", "years", "år", "år"));
    if (d.months) parts.push_back(count_words(d.months, l, "month", "months", "måned", "måneder"));
    if (d.days) {
        if (written_in_weeks(d)) {
            parts.push_back(count_words(d.days / 7, l, "week", "weeks", "uke", "uker"));
        } else {
            parts.push_back(count_words(d.days, l, "day", "days", "dag", "dager"));
        }
    }
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out += i + 1 == parts.size() ? (nb(l) ? " og " : " and ") : ", ";
        out += parts[i];
    }
    return out;
}

using Words = std::function<std::string(const std::string&)>;

std::string anchor_words(const Anchor& a, Language l, const Words& words) {
    switch (a.kind) {
    case AnchorKind::created: return nb(l) ? "at den ble opprettet" : "creation";
    case AnchorKind::event:
        return nb(l) ? fmt::format("hendelsen «{}»", words(a.event_kind))
                     : fmt::format("the event “{}”", words(a.event_kind));
    case AnchorKind::global:
        return nb(l) ? fmt::format("den felles hendelsen «{}»", words(a.event_kind))
                     : fmt::format("the organisation-wide event “{}”", words(a.event_kind));
    case AnchorKind::last_activity: return nb(l) ? "siste aktivitet" : "the last activity";
    }
    return "";
}

std::string round_words(Round r, Language l) {
    switch (r) {
    case Round::none: return "";
    case Round::end_of_day:
        return nb(l) ? ", ved utgangen av det døgnet" : ", at the end of that day";
    case Round::end_of_week:
        return nb(l) ? ", ved utgangen av den uken" : ", at the end of that week";
    case Round::end_of_month:
        return nb(l) ? ", ved utgangen av den måneden" : ", at the end of that month";
    case Round::end_of_year:
        return nb(l) ? ", ved utgangen av det året" : ", at the end of that year";
    }
    return "";
}

std::string method_words(const AnonMethod& m, Language l) {
    using Kind = AnonMethod::Kind;
    switch (m.kind) {
    case Kind::remove: return nb(l) ? "fjernes" : "removed";
    case Kind::redact: return nb(l) ? "sladdes" : "blanked out";
    case Kind::drop_last:
        return nb(l) ? fmt::format("de siste {} tegnene slettes", m.n)
                     : fmt::format("the last {} characters deleted", m.n);
    case Kind::mask_last:
        return nb(l) ? fmt::format("de siste {} tegnene maskeres", m.n)
                     : fmt::format("the last {} characters masked", m.n);
    case Kind::truncate_ip: return nb(l) ? "IP-adressen forkortes" : "the IP address shortened";
    case Kind::band:
        return nb(l) ? fmt::format("erstattes med et intervall på {}", m.n)
                     : fmt::format("replaced by a range of {}", m.n);
    case Kind::year: return nb(l) ? "bare året beholdes" : "only the year kept";
    case Kind::month: return nb(l) ? "bare måneden beholdes" : "only the month kept";
    case Kind::week: return nb(l) ? "bare uken beholdes" : "only the week kept";
    }
    return "";
}

std::string json_value_words(const nlohmann::json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

} // namespace

std::string rights::duration_in_words(const Duration& d, Language lang) {
    std::string words = duration_words(d, lang);
    return words.empty() ? (nb(lang) ? "0 dager" : "0 days") : words;
}

Expected<Language> parse_language(std::string_view text) {
    if (text == "nb") return Language::nb;
    if (text == "en") return Language::en;
    return Expected<Language>::failure(
        fmt::format("invalid language \"{}\": expected nb or en", text));
}

const char* language_name(Language l) {
    return nb(l) ? "nb" : "en";
}

std::string describe_legal_basis(LegalBasis basis, Language l) {
    const char* law = nb(l) ? "personvernforordningen art. 6 nr. 1 bokstav" : "GDPR art. 6(1)";
    auto with = [&](const char* nb_text, const char* en_text, char letter) {
        return nb(l) ? fmt::format("{} ({} {})", nb_text, law, letter)
                     : fmt::format("{} ({}({}))", en_text, law, letter);
    };
    switch (basis) {
    case LegalBasis::consent: return with("samtykke fra deg", "your consent", 'a');
    case LegalBasis::contract: return with("avtale med deg", "a contract with you", 'b');
    case LegalBasis::legal_obligation:
        return with("rettslig forpliktelse", "a legal obligation", 'c');
    case LegalBasis::vital_interests: return with("vitale interesser", "vital interests", 'd');
    case LegalBasis::public_task:
        return with("oppgave i allmennhetens interesse eller offentlig myndighet",
                    "a task in the public interest or official authority", 'e');
    case LegalBasis::legitimate_interests:
        return with("berettiget interesse", "legitimate interests", 'f');
    }
    return "";
}

std::string describe_rule(const Rule& rule, Language l, const Words& given_words) {
    const Words words = given_words ? given_words : [](const std::string& key) { return key; };
    std::string out;
    if (rule.action == Action::erase) {
        out = nb(l) ? "slettes" : "deleted";
    } else {
        out = nb(l) ? "anonymiseres" : "anonymised";
        if (rule.unlink) out += nb(l) ? " og kobles fra deg" : " and no longer linked to you";
    }
    const std::string keep = duration_words(rule.keep, l);
    const std::string anchor = anchor_words(rule.after, l, words);
    if (keep.empty()) {
        out += nb(l) ? " straks etter " + anchor : " right after " + anchor;
    } else {
        out += fmt::format(" {} {} {}", keep, nb(l) ? "etter" : "after", anchor);
    }
    out += round_words(rule.round, l);
    for (const auto& [field, value] : rule.where) {
        out += nb(l) ? fmt::format(", bare der {} er «{}»", words(field), json_value_words(value))
                     : fmt::format(", only where {} is “{}”", words(field), json_value_words(value));
    }
    if (!rule.if_consent.empty()) {
        out += nb(l) ? fmt::format(", så lenge samtykket ditt til «{}» gjelder", words(rule.if_consent))
                     : fmt::format(", while your consent to “{}” lasts", words(rule.if_consent));
    }
    if (!rule.unless_consent.empty()) {
        out += nb(l) ? fmt::format(", med mindre du har samtykket til «{}»", words(rule.unless_consent))
                     : fmt::format(", unless you have consented to “{}”", words(rule.unless_consent));
    }
    if (!rule.fields.empty()) {
        std::string fields;
        for (const auto& [field, method] : rule.fields) {
            fields += fmt::format("{}{} ({})", fields.empty() ? "" : ", ", words(field),
                                  method_words(method, l));
        }
        out += (nb(l) ? "; felter: " : "; fields: ") + fields;
    }
    return out;
}

} // namespace vern
