#pragma once
// The fixed texts of the access report, in Norwegian bokmål and English.

#include "vern/rights.hpp"

#include <string>
#include <vector>

namespace vern::rights {

struct ReportTexts {
    const char* title;
    const char* intro;            // fmt: {controller}, {subject}
    const char* controller;
    const char* contact;
    const char* subject;
    const char* generated;
    const char* data_heading;
    const char* no_records;
    const char* purpose;
    const char* legal_basis;
    const char* legal_ref;
    const char* recipients;
    const char* none;
    const char* source;
    const char* retention;
    const char* records;
    const char* record;
    const char* created;
    const char* next_due;
    const char* not_scheduled;
    const char* held;
    const char* processor;        // fmt: {organisation}, {controller}
    const char* unknown_category; // a category no longer in the policy
    const char* special;          // withheld
    const char* special_shown;    // shown
    const char* withheld_fields;  // in place of the fields
    const char* events_heading;
    const char* consents_heading;
    const char* no_consents;
    const char* consent_given;
    const char* consent_withdrawn;
    const char* consent_active;
    const char* consent_inactive;
    const char* rights_heading;
    const char* rights_contact;   // fmt: {contact}, {deadline}
    const char* delete_action;
    const char* anonymize_action;
    const char* organisation;     // who answers (the policy's name), when not the controller
    const char* statement;
    const char* dpo;
    const char* storage;
    const char* due_since;        // fmt: {due}, {action}
    const char* recipients_heading;
    const char* recipients_intro;
    const char* role;
    const char* holds;            // the categories a recipient holds
    const char* location;
    const char* transfer;         // outside the EU/EEA, with its safeguard
    const char* inactive;
    const char* also_complain;    // fmt: {bodies}
    const char* dpo_contact;      // fmt: {dpo}
    const char* notices_heading;  // deletions the systems holding copies were told of
    const char* notices_intro;
    const char* notice_line;      // fmt: {system} {action} {category} {created}
    const char* notice_confirmed; // fmt: {at}
    const char* notice_waiting;
    const char* notice_deleted;
    const char* notice_anonymized;
};

const ReportTexts& report_texts(Language lang);

// A consent purpose in words, for the text and HTML renderings: the label its history carries
// (the purpose itself when it has none).
std::string consent_label(const AccessReport& report, const std::string& purpose);

// "databehandler (behandler opplysningene på våre vegne)", "processor (...)", ...
std::string recipient_role_words(RecipientRole role, Language lang);
// "an adequacy decision of the European Commission (GDPR art. 45)", ...; "" for none.
std::string safeguard_words(Safeguard s, Language lang);

// The rights of the data subject, with the supervisory authority and the policy's contact.
std::vector<ReportRight> subject_rights(const Policy& policy, Language lang);

// "30 days", "2 months", "12 weeks" (defined in retention_words.cpp).
std::string duration_in_words(const Duration& d, Language lang);

} // namespace vern::rights
