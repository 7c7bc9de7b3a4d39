// The fixed texts of the access report (nb, en) and the data subject's rights.

#include "report_texts.hpp"

#include <fmt/core.h>

namespace vern::rights {
namespace {

const ReportTexts k_nb{
    "Innsyn i personopplysninger",
    "Dette er en oversikt over personopplysningene {controller} behandler om deg (referanse "
    "{subject}), etter personvernforordningen artikkel 15.",
    "Behandlingsansvarlig",
    "Kontakt",
    "Din referanse",
    "Laget",
    "Opplysninger vi har om deg",
    "Vi har ingen registrerte opplysninger om deg.",
    "Formål",
    "Behandlingsgrunnlag",
    "Hjemmel",
    "Mottakere",
    "ingen",
    "Kilde",
    "Lagringstid",
    "Registrerte opplysninger",
    "Opplysning",
    "Opprettet",
    "Neste sletting eller anonymisering",
    "ikke fastsatt ennå (venter på en hendelse)",
    "Omfattes av et pålegg om bevaring (legal hold) og slettes ikke så lenge det gjelder.",
    "{organisation} behandler disse opplysningene på vegne av {controller} (databehandler). Krav "
    "om innsyn, retting, sletting og begrensning avgjøres av {controller}; henvend deg dit.",
    "Denne kategorien finnes ikke lenger i personvernerklæringen.",
    "Særlig kategori av personopplysninger (personvernforordningen artikkel 9): innholdet er "
    "utelatt fra denne rapporten for å beskytte deg. Be oss om å få det utlevert på en sikker "
    "måte.",
    "Særlig kategori av personopplysninger (personvernforordningen artikkel 9).",
    "[innholdet er utelatt: særlig kategori]",
    "Hendelser",
    "Samtykker",
    "Ingen samtykker er registrert.",
    "gitt",
    "trukket tilbake",
    "gjelder nå",
    "gjelder ikke nå",
    "Dine rettigheter",
    "Kontakt {contact} for å bruke rettighetene dine. Du får svar innen {deadline}.",
    "slettes",
    "anonymiseres",
    "Virksomheten som svarer",
    "Personvernerklæring",
    "Personvernombud",
    "Lagring",
    "forfalt {due}: {action} ved neste sletterunde",
    "Hvem som har kopi av opplysningene",
    "Disse virksomhetene behandler opplysninger om deg for oss eller mottar dem fra oss:",
    "Rolle",
    "Opplysninger",
    "Sted",
    "Overføring utenfor EU/EØS",
    "ikke i bruk nå",
    "Du kan også klage til {bodies}.",
    "Du kan også kontakte personvernombudet: {dpo}.",
    "Hvem som er bedt om å slette kopier",
    "Når vi sletter eller anonymiserer opplysninger om deg, ber vi også systemene og "
    "mottakerne som har en kopi om å gjøre det samme:",
    "{system}: {action} {category}, bedt om {created}",
    "bekreftet {at}",
    "ikke bekreftet ennå",
    "slette",
    "anonymisere",
};

const ReportTexts k_en{
    "Access to personal data",
    "This is an overview of the personal data {controller} processes about you (reference "
    "{subject}), under article 15 of the General Data Protection Regulation (GDPR).",
    "Controller",
    "Contact",
    "Your reference",
    "Produced",
    "The data we hold about you",
    "We hold no data about you.",
    "Purpose",
    "Legal basis",
    "Legal reference",
    "Recipients",
    "none",
    "Source",
    "Retention",
    "Records",
    "Record",
    "Created",
    "Next deletion or anonymisation",
    "not scheduled yet (waits for an event)",
    "Under a legal hold: not deleted while the hold lasts.",
    "{organisation} processes these data on behalf of {controller} (as a processor). Requests "
    "for access, rectification, erasure and restriction are decided by {controller}; please "
    "contact them.",
    "This category is no longer in the privacy policy.",
    "Special category of personal data (GDPR article 9): the contents are left out of this "
    "report for your protection. Ask us to hand them over securely.",
    "Special category of personal data (GDPR article 9).",
    "[contents left out: special category]",
    "Events",
    "Consents",
    "No consents are recorded.",
    "given",
    "withdrawn",
    "in force now",
    "not in force now",
    "Your rights",
    "Contact {contact} to exercise your rights. You will have an answer within {deadline}.",
    "deleted",
    "anonymised",
    "Answered by",
    "Privacy statement",
    "Data protection officer",
    "Storage",
    "due since {due}: {action} at the next purge",
    "Who else holds your data",
    "These organisations process data about you for us, or receive them from us:",
    "Role",
    "Data",
    "Location",
    "Transfer outside the EU/EEA",
    "not in use at present",
    "You can also complain to {bodies}.",
    "You can also contact the data protection officer: {dpo}.",
    "Who was asked to delete copies",
    "When we delete or anonymise data about you, we also ask the systems and recipients that "
    "hold a copy to do the same:",
    "{system}: {action} {category}, asked {created}",
    "confirmed {at}",
    "not confirmed yet",
    "delete",
    "anonymise",
};

} // namespace

const ReportTexts& report_texts(Language lang) {
    return lang == Language::nb ? k_nb : k_en;
}

std::string consent_label(const AccessReport& report, const std::string& purpose) {
    for (const auto& c : report.consents) {
        if (c.purpose == purpose) return c.label;
    }
    return purpose;
}

std::string recipient_role_words(RecipientRole role, Language lang) {
    const bool nb = lang == Language::nb;
    switch (role) {
    case RecipientRole::processor:
        return nb ? "databehandler: behandler opplysningene på våre vegne"
                  : "processor: processes the data on our behalf";
    case RecipientRole::sub_processor:
        return nb ? "underleverandør til en databehandler"
                  : "sub-processor: engaged by one of our processors";
    case RecipientRole::controller:
        return nb ? "mottaker: selvstendig behandlingsansvarlig for opplysningene den får"
                  : "recipient: decides itself about the data it receives (controller)";
    case RecipientRole::source:
        return nb ? "vårt eget system som opplysningene kommer fra"
                  : "our own system the data come from";
    }
    return "";
}

std::string safeguard_words(Safeguard s, Language lang) {
    const bool nb = lang == Language::nb;
    switch (s) {
    case Safeguard::none: return "";
    case Safeguard::adequacy_decision:
        return nb ? "landet har et tilstrekkelig beskyttelsesnivå etter EU-kommisjonens "
                    "beslutning (personvernforordningen artikkel 45)"
                  : "the country ensures an adequate level of protection by decision of the "
                    "European Commission (GDPR article 45)";
    case Safeguard::standard_contractual_clauses:
        return nb ? "EUs standard personvernbestemmelser i avtalen (artikkel 46)"
                  : "the EU's standard contractual clauses (GDPR article 46)";
    case Safeguard::binding_corporate_rules:
        return nb ? "bindende virksomhetsregler (artikkel 47)"
                  : "binding corporate rules (GDPR article 47)";
    case Safeguard::derogation:
        return nb ? "unntak for særlige situasjoner (artikkel 49)"
                  : "a derogation for specific situations (GDPR article 49)";
    }
    return "";
}

std::vector<ReportRight> subject_rights(const Policy& policy, Language lang) {
    const bool nb = lang == Language::nb;
    const std::string authority = policy.info.supervisory_authority.empty()
                                      ? std::string("Datatilsynet, www.datatilsynet.no")
                                      : policy.info.supervisory_authority;
    std::vector<ReportRight> rights;
    auto add = [&](const char* key, const char* nb_text, const char* en_text) {
        rights.push_back({key, nb ? nb_text : en_text});
    };
    add("rectification",
        "Retting: du kan kreve at uriktige opplysninger om deg blir rettet, og at ufullstendige "
        "blir supplert (artikkel 16).",
        "Rectification: you can ask us to correct inaccurate data about you and to complete "
        "incomplete data (article 16).");
    add("erasure",
        "Sletting: du kan kreve at opplysninger om deg blir slettet når vi ikke lenger har "
        "grunnlag for å behandle dem (artikkel 17).",
        "Erasure: you can ask us to erase data about you when we no longer have grounds to "
        "process them (article 17).");
    add("restriction",
        "Begrensning: du kan kreve at behandlingen av opplysningene om deg begrenses, for "
        "eksempel mens riktigheten blir undersøkt (artikkel 18).",
        "Restriction: you can ask us to restrict the processing of your data, for example while "
        "their accuracy is checked (article 18).");
    add("objection",
        "Protest: du kan protestere mot behandling som bygger på allmennhetens interesse eller "
        "berettiget interesse (artikkel 21).",
        "Objection: you can object to processing based on the public interest or on legitimate "
        "interests (article 21).");
    add("portability",
        "Dataportabilitet: du kan få opplysningene du har gitt oss i et maskinlesbart format "
        "(JSON), og kreve dem overført til en annen behandlingsansvarlig (artikkel 20).",
        "Data portability: you can receive the data you gave us in a machine-readable format "
        "(JSON) and have them transmitted to another controller (article 20).");
    add("withdraw_consent",
        "Tilbaketrekking av samtykke: der behandlingen bygger på samtykke, kan du når som helst "
        "trekke det tilbake; opplysningene som bygger på det samtykket, blir da slettet (artikkel "
        "7).",
        "Withdrawing consent: where processing rests on your consent, you can withdraw it at any "
        "time; the data that rest on that consent are then erased (article 7).");
    std::string complaint =
        nb ? fmt::format("Klage: du kan klage til tilsynsmyndigheten, {} (artikkel 77).",
                         authority)
           : fmt::format("Complaint: you can lodge a complaint with the supervisory authority, {} "
                         "(article 77).",
                         authority);
    const auto& texts = report_texts(lang);
    if (!policy.info.complaint_bodies.empty()) {
        std::string bodies;
        const auto& list = policy.info.complaint_bodies;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (i > 0) bodies += i + 1 == list.size() ? (nb ? " og " : " and ") : ", ";
            bodies += list[i];
        }
        complaint += " " + fmt::format(fmt::runtime(texts.also_complain), fmt::arg("bodies", bodies));
    }
    rights.push_back({"complaint", complaint});
    std::string contact =
        fmt::format(fmt::runtime(texts.rights_contact), fmt::arg("contact", policy.info.contact),
                    fmt::arg("deadline", duration_in_words(policy.info.request_deadline, lang)));
    if (!policy.info.data_protection_officer.empty()) {
        contact += " " + fmt::format(fmt::runtime(texts.dpo_contact),
                                     fmt::arg("dpo", policy.info.data_protection_officer));
    }
    rights.push_back({"contact", contact});
    return rights;
}

} // namespace vern::rights
