# vern access with the policy language of issue 12 (fixture tests/data/statement/): the privacy
# statement's header lines, recipients (processor, sub-processor in a third country, receiving
# controller, inactive one), field labels, records already due, complaint bodies and the data
# protection officer among the rights -- in text (nb, en), JSON and HTML (JSON and HTML parsed
# with Python) -- and `vern check --strict` on an unlinking rule that keeps free text.
source "$(dirname "$0")/lib.sh"
set -e

FIX=$SRC/tests/data/statement
export VERN_STORE=$TMP/s.db VERN_POLICY=$FIX/policy.toml VERN_NOW=2026-03-10
vern init
expect_rc 0
vern ingest "$FIX/data.jsonl"
expect_rc 0

# expect_line LINE: stdout has LINE as a whole line; expect_no_line_matching REGEX: none matches.
expect_line() {
    grep -qxF -- "$1" <<<"$OUT" || fail "stdout lacks the line: $1; stdout was: $OUT"
}
expect_no_line_matching() {
    ! grep -qE -- "$1" <<<"$OUT" || fail "stdout has a line matching $1: $(grep -E -- "$1" <<<"$OUT")"
}
# section FROM TO: the lines of stdout from the line FROM up to (not including) the line TO.
section() {
    awk -v from="$1" -v to="$2" '$0 == from {on = 1} on && $0 == to {exit} on {print}' <<<"$OUT"
}
expect_section() { # FROM TO EXPECTED
    local got
    got=$(section "$1" "$2")
    [ "$got" = "$3" ] || fail "section '$1' differs; expected:
$3
got:
$got"
}

test_case "the fixture passes vern check --strict without a warning"
vern check --strict "$FIX/policy.toml"
expect_rc 0
expect_out_equals "$FIX/policy.toml: ok (4 categories, 4 rules, 0 tests)"
expect_err_equals ""

test_case "text (nb): the header names controller, who answers, DPO, storage, the statement"
vern access --subject P-1
expect_rc 0
expect_line "Dette er en oversikt over personopplysningene Karriereveiledning Test behandler om deg (referanse P-1), etter personvernforordningen artikkel 15."
expect_section "Behandlingsansvarlig: Testfylke fylkeskommune" "Laget: 2026-03-10 00:00:00 CET" \
"Behandlingsansvarlig: Testfylke fylkeskommune
Virksomheten som svarer: Karriereveiledning Test
Kontakt: personvern@testfylke.example
Personvernombud: Personvernombud Linda Ødegård, pvo@testfylke.example
Lagring: Servere i Europa (EU/EØS)
Personvernerklæring: Personvernerklæring for Karriereveiledning Test, https://karriere.example/personvern?v=2&lang=nb
Din referanse: P-1"

test_case "text (nb): who else holds the data: only recipients of the person's categories"
expect_section "Hvem som har kopi av opplysningene" "Samtykker" \
"Hvem som har kopi av opplysningene
----------------------------------

Disse virksomhetene behandler opplysninger om deg for oss eller mottar dem fra oss:

InFlow24 AS
  Rolle: databehandler: behandler opplysningene på våre vegne
  Opplysninger: Kontaktopplysninger; Chat med veileder
  Formål: Drift av verktøyet InFlow24
  Sted: Norge
  Kontakt: support@inflow24.example

CloudHost Inc.
  Rolle: underleverandør til en databehandler (InFlow24 AS)
  Opplysninger: Kontaktopplysninger; Chat med veileder; Brukerundersøkelse
  Formål: Lagring av sikkerhetskopier
  Sted: USA
  Overføring utenfor EU/EØS: EUs standard personvernbestemmelser i avtalen (artikkel 46) (avtale av 2024-05-01)

NAV Test
  Rolle: mottaker: selvstendig behandlingsansvarlig for opplysningene den får
  Opplysninger: Kontaktopplysninger
  Formål: Oppfølging av arbeidssøkere

Gammelverktøy AS (ikke i bruk nå)
  Rolle: databehandler: behandler opplysningene på våre vegne
  Opplysninger: Chat med veileder
  For tiden ikke aktuelt (2019)."
# Regnskapsbyrå AS holds only invoices; P-1 has none.
expect_out_not_contains "Regnskapsbyrå"
expect_out_not_contains "Faktura"
# A linked recipient is named in its category's recipients, by name, and one not in use says so.
# (Free-text recipients are covered by tests/cli/test_access.sh; once a policy declares
# [[recipient]]s, check warns about them, and this fixture passes --strict.)
expect_line "  Mottakere: InFlow24 AS, CloudHost Inc., NAV Test"
expect_line "  Mottakere: InFlow24 AS, CloudHost Inc., Gammelverktøy AS (ikke i bruk nå)"
expect_out_not_contains "inflow24,"

test_case "text (nb): field labels instead of keys; the category's label over the policy's"
for s in "      Navn: Ola Nordmann" "      E-post: ola@example.no" "      Telefonnummer: +47 912 34 567" \
         "      Notat fra veileder: Vil bytte jobb" "      Tema: Jobbskifte" \
         "      Tidspunkt for veiledningen: 2026-03-02T09:00:00+01:00"; do
    expect_line "$s"
done
expect_no_line_matching '^ +(name|email|phone|text|topic|session_at): '
expect_no_line_matching '^ +Tekst: ' # the policy's label for text, overridden in chat

test_case "text (nb): a record already due, one not yet due, one pending"
expect_section "    Opplysning c-1" "      E-post: ola@example.no" \
"    Opplysning c-1
      Opprettet: 2026-01-05 10:00:00 CET
      Neste sletting eller anonymisering: forfalt 2026-02-04 10:00:00 CET: slettes ved neste sletterunde"
expect_line "      Neste sletting eller anonymisering: forfalt 2026-01-30 09:00:00 CET: anonymiseres ved neste sletterunde"
expect_section "    Opplysning chat-1" "      Tidspunkt for veiledningen: 2026-03-02T09:00:00+01:00" \
"    Opplysning chat-1
      Opprettet: 2026-03-02 09:00:00 CET
      Neste sletting eller anonymisering: 2026-05-01 09:00:00 CEST (anonymiseres)"
expect_section "    Opplysning survey-1" "      E-post: ola@example.no" \
"    Opplysning survey-1
      Opprettet: 2026-03-03 09:00:00 CET
      Neste sletting eller anonymisering: ikke fastsatt ennå (venter på en hendelse)"
[ "$(grep -c "forfalt" <<<"$OUT")" = 2 ] || fail "expected 2 records due, got: $(grep forfalt <<<"$OUT")"

test_case "text (nb): complaint bodies and the data protection officer among the rights"
expect_line "  - Klage: du kan klage til tilsynsmyndigheten, Datatilsynet, www.datatilsynet.no (artikkel 77). Du kan også klage til NAV (ditt NAV-kontor), www.nav.no, Sivilombudet og Fylkesmannen i Test."
expect_line "  - Kontakt personvern@testfylke.example for å bruke rettighetene dine. Du får svar innen 30 dager. Du kan også kontakte personvernombudet: Personvernombud Linda Ødegård, pvo@testfylke.example."

test_case "text (en): the same in English"
vern access --subject P-1 --lang en
expect_rc 0
expect_line "This is an overview of the personal data Karriereveiledning Test processes about you (reference P-1), under article 15 of the General Data Protection Regulation (GDPR)."
expect_section "Controller: Testfylke fylkeskommune" "Produced: 2026-03-10 00:00:00 CET" \
"Controller: Testfylke fylkeskommune
Answered by: Karriereveiledning Test
Contact: personvern@testfylke.example
Data protection officer: Personvernombud Linda Ødegård, pvo@testfylke.example
Storage: Servere i Europa (EU/EØS)
Privacy statement: Personvernerklæring for Karriereveiledning Test, https://karriere.example/personvern?v=2&lang=nb
Your reference: P-1"
expect_section "Who else holds your data" "Consents" \
"Who else holds your data
------------------------

These organisations process data about you for us, or receive them from us:

InFlow24 AS
  Role: processor: processes the data on our behalf
  Data: Kontaktopplysninger; Chat med veileder
  Purpose: Drift av verktøyet InFlow24
  Location: Norge
  Contact: support@inflow24.example

CloudHost Inc.
  Role: sub-processor: engaged by one of our processors (InFlow24 AS)
  Data: Kontaktopplysninger; Chat med veileder; Brukerundersøkelse
  Purpose: Lagring av sikkerhetskopier
  Location: USA
  Transfer outside the EU/EEA: the EU's standard contractual clauses (GDPR article 46) (avtale av 2024-05-01)

NAV Test
  Role: recipient: decides itself about the data it receives (controller)
  Data: Kontaktopplysninger
  Purpose: Oppfølging av arbeidssøkere

Gammelverktøy AS (not in use at present)
  Role: processor: processes the data on our behalf
  Data: Chat med veileder
  For tiden ikke aktuelt (2019)."
expect_out_not_contains "Regnskapsbyrå"
for s in "      Name: Ola Nordmann" "      E-mail address: ola@example.no" "      Phone number: +47 912 34 567" \
         "      Counsellor's note: Vil bytte jobb" "      Topic: Jobbskifte" \
         "      Time of the session: 2026-03-02T09:00:00+01:00" \
         "      Next deletion or anonymisation: due since 2026-02-04 10:00:00 CET: deleted at the next purge" \
         "      Next deletion or anonymisation: due since 2026-01-30 09:00:00 CET: anonymised at the next purge" \
         "      Next deletion or anonymisation: 2026-05-01 09:00:00 CEST (anonymised)" \
         "      Next deletion or anonymisation: not scheduled yet (waits for an event)" \
         "  - Complaint: you can lodge a complaint with the supervisory authority, Datatilsynet, www.datatilsynet.no (article 77). You can also complain to NAV (ditt NAV-kontor), www.nav.no, Sivilombudet and Fylkesmannen i Test." \
         "  - Contact personvern@testfylke.example to exercise your rights. You will have an answer within 30 days. You can also contact the data protection officer: Personvernombud Linda Ødegård, pvo@testfylke.example."; do
    expect_line "$s"
done
expect_no_line_matching '^ +(name|email|phone|text|topic|session_at): '
expect_no_line_matching '^ +(Text|Navn|E-post|Notat fra veileder): ' # nb or the policy's en label
expect_out_not_contains "forfalt"

test_case "recipients follow the person's categories: P-2 has invoices only"
vern access --subject P-2 --lang en
expect_rc 0
expect_section "Who else holds your data" "Consents" \
"Who else holds your data
------------------------

These organisations process data about you for us, or receive them from us:

CloudHost Inc.
  Role: sub-processor: engaged by one of our processors (InFlow24 AS)
  Data: Faktura
  Purpose: Lagring av sikkerhetskopier
  Location: USA
  Transfer outside the EU/EEA: the EU's standard contractual clauses (GDPR article 46) (avtale av 2024-05-01)

Regnskapsbyrå AS
  Role: processor: processes the data on our behalf
  Data: Faktura"
expect_line "      Amount: 1200"

test_case "JSON: the statement keys, recipients, labels (keys kept), due fields"
vern access --subject P-1 --json --lang en
expect_rc 0
printf '%s' "$OUT" >"$TMP/report.json"
cat >"$TMP/check_json.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
# "controller" keeps exactly its keys; the new ones are beside it.
assert d["controller"] == {"name": "Testfylke fylkeskommune", "contact": "personvern@testfylke.example",
                           "policy": "Karriereveiledning Test"}, d["controller"]
assert d["data_protection_officer"] == "Personvernombud Linda Ødegård, pvo@testfylke.example"
assert d["storage"] == "Servere i Europa (EU/EØS)"
assert d["statement"] == {"title": "Personvernerklæring for Karriereveiledning Test",
                          "url": "https://karriere.example/personvern?v=2&lang=nb"}, d["statement"]
assert d["complaint_bodies"] == ["NAV (ditt NAV-kontor), www.nav.no", "Sivilombudet", "Fylkesmannen i Test"]
keys = {"id", "name", "role", "role_text", "engaged_by", "categories", "purpose", "location",
        "third_country", "safeguard", "safeguard_text", "safeguard_ref", "contact", "active", "note"}
for r in d["recipients"]:
    assert set(r) == keys, sorted(set(r) ^ keys)
rec = {r["id"]: r for r in d["recipients"]}
assert list(rec) == ["inflow24", "cloudhost", "nav", "oldtool"], list(rec)
assert rec["inflow24"] == {
    "id": "inflow24", "name": "InFlow24 AS", "role": "processor",
    "role_text": "processor: processes the data on our behalf", "engaged_by": None,
    "categories": ["contact", "chat"], "purpose": "Drift av verktøyet InFlow24", "location": "Norge",
    "third_country": False, "safeguard": None, "safeguard_text": None, "safeguard_ref": None,
    "contact": "support@inflow24.example", "active": True, "note": None}, rec["inflow24"]
assert rec["cloudhost"] == {
    "id": "cloudhost", "name": "CloudHost Inc.", "role": "sub_processor",
    "role_text": "sub-processor: engaged by one of our processors", "engaged_by": "InFlow24 AS",
    "categories": ["contact", "chat", "survey"], "purpose": "Lagring av sikkerhetskopier",
    "location": "USA", "third_country": True, "safeguard": "standard_contractual_clauses",
    "safeguard_text": "the EU's standard contractual clauses (GDPR article 46)",
    "safeguard_ref": "avtale av 2024-05-01", "contact": None, "active": True, "note": None}, rec["cloudhost"]
assert rec["nav"]["role"] == "controller" and rec["nav"]["categories"] == ["contact"]
assert rec["nav"]["role_text"] == "recipient: decides itself about the data it receives (controller)"
assert rec["oldtool"]["active"] is False and rec["oldtool"]["note"] == "For tiden ikke aktuelt (2019)."
assert rec["oldtool"]["categories"] == ["chat"]

cats = {c["id"]: c for c in d["categories"]}
assert list(cats) == ["contact", "chat", "survey"], list(cats)
assert cats["contact"]["labels"] == {"name": "Name", "email": "E-mail address", "phone": "Phone number"}, cats["contact"]["labels"]
assert cats["chat"]["labels"] == {"text": "Counsellor's note", "topic": "Topic",
                                  "session_at": "Time of the session"}, cats["chat"]["labels"]
# survey declares no fields: labelled as its records hold them.
assert cats["survey"]["labels"] == {"email": "E-mail address"}, cats["survey"]["labels"]
assert cats["contact"]["recipients"] == ["InFlow24 AS", "CloudHost Inc.", "NAV Test"]
recs = {r["id"]: r for c in d["categories"] for r in c["records"]}
# Fields keep their keys.
assert recs["c-1"]["fields"] == {"name": "Ola Nordmann", "email": "ola@example.no", "phone": "+47 912 34 567"}
assert set(recs["chat-1"]["fields"]) == {"text", "topic", "session_at"}
# Due (the purge has not run): since when, what, which rule; no next_due.
assert (recs["c-1"]["due_since"], recs["c-1"]["due_action"], recs["c-1"]["due_rule"]) == \
    ("2026-02-04T09:00:00Z", "delete", "contact-30d"), recs["c-1"]
assert recs["c-1"]["next_due"] is None
assert (recs["chat-0"]["due_since"], recs["chat-0"]["due_action"], recs["chat-0"]["due_rule"]) == \
    ("2026-01-30T08:00:00Z", "anonymize", "chat-stats"), recs["chat-0"]
# Not yet due: the next due time, no due_since.
assert (recs["chat-1"]["due_since"], recs["chat-1"]["due_action"], recs["chat-1"]["due_rule"]) == (None, None, None)
assert (recs["chat-1"]["next_due"], recs["chat-1"]["next_action"], recs["chat-1"]["next_rule"]) == \
    ("2026-05-01T07:00:00Z", "anonymize", "chat-stats"), recs["chat-1"]
# Pending (waits for an event): neither.
assert recs["survey-1"]["due_since"] is None and recs["survey-1"]["next_due"] is None
rights = {r["right"]: r["text"] for r in d["rights"]}
assert rights["complaint"].endswith("You can also complain to NAV (ditt NAV-kontor), www.nav.no, Sivilombudet and Fylkesmannen i Test."), rights["complaint"]
assert rights["contact"].endswith("You can also contact the data protection officer: Personvernombud Linda Ødegård, pvo@testfylke.example."), rights["contact"]
PY
python3 "$TMP/check_json.py" "$TMP/report.json" || fail "JSON report (en)"
# In nb, the labels map is in Norwegian.
vern access --subject P-1 --json
expect_json 'd["categories"][1]["labels"]' "{'session_at': 'Tidspunkt for veiledningen', 'text': 'Notat fra veileder', 'topic': 'Tema'}"
expect_json 'd["recipients"][1]["safeguard_text"]' "EUs standard personvernbestemmelser i avtalen (artikkel 46)"

test_case "JSON without the new keys in the policy: null, empty, and no recipients"
VERN_POLICY=$SRC/tests/data/rights/policy.toml vern access --subject P-1 --json
expect_rc 0
expect_json '[d[k] for k in ("data_protection_officer", "storage", "statement", "complaint_bodies", "recipients")]' \
    "[None, None, None, [], []]"
expect_json 'sorted(d["controller"])' "['contact', 'name', 'policy']"
VERN_POLICY=$SRC/tests/data/rights/policy.toml vern access --subject P-1
expect_rc 0
for s in "Personvernombud" "Lagring:" "Personvernerklæring" "Hvem som har kopi" "Du kan også klage til" \
         "personvernombudet"; do
    expect_out_not_contains "$s"
done

test_case "HTML (nb and en): well-formed, the header rows, recipients, labels"
vern access --subject P-1 --format html --output "$TMP/report.html"
expect_rc 0
vern access --subject P-1 --format html --lang en --output "$TMP/report-en.html"
expect_rc 0
cat >"$TMP/check_html.py" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text = []; self.stack = []; self.lang = None; self.scripts = 0
        self.rows = []        # (th, td) of every table row, in order
        self.field_ths = []   # <th class="field"> texts
        self.recipients = []  # ids of <section class="recipient">
        self.links = []
        self.cell = None; self.row = None; self.field = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script": self.scripts += 1
        if tag == "html": self.lang = a.get("lang")
        if tag == "section" and a.get("class") == "recipient": self.recipients.append(a.get("id"))
        if tag == "a": self.links.append(a.get("href"))
        if tag == "tr": self.row = ["", ""]
        if tag == "th": self.cell = 0; self.field = a.get("class") == "field"
        if tag == "td": self.cell = 1
        if tag not in ("meta", "br"): self.stack.append(tag)
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()
        if tag == "th" and self.field: self.field_ths.append(self.row[0]); self.field = False
        if tag in ("th", "td"): self.cell = None
        if tag == "tr": self.rows.append(tuple(self.row)); self.row = None
    def handle_data(self, data):
        self.text.append(data)
        if self.row is not None and self.cell is not None: self.row[self.cell] += data
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
assert not p.stack, p.stack
assert p.scripts == 0
lang = sys.argv[2]
assert p.lang == lang, p.lang
nb = lang == "nb"
rows = p.rows
head = rows[:rows.index(next(r for r in rows if r[0] in ("Din referanse", "Your reference")))]
url = "https://karriere.example/personvern?v=2&lang=nb"
title = "Personvernerklæring for Karriereveiledning Test"
assert head == [
    ("Behandlingsansvarlig" if nb else "Controller", "Testfylke fylkeskommune"),
    ("Virksomheten som svarer" if nb else "Answered by", "Karriereveiledning Test"),
    ("Kontakt" if nb else "Contact", "personvern@testfylke.example"),
    ("Personvernombud" if nb else "Data protection officer", "Personvernombud Linda Ødegård, pvo@testfylke.example"),
    ("Lagring" if nb else "Storage", "Servere i Europa (EU/EØS)"),
    ("Personvernerklæring" if nb else "Privacy statement", f"{title} ({url})"),
], head
assert url in p.links, p.links
assert p.recipients == ["recipient-inflow24", "recipient-cloudhost", "recipient-nav", "recipient-oldtool"], p.recipients
labels = (["E-post", "Navn", "Telefonnummer", "Tidspunkt for veiledningen", "Notat fra veileder", "Tema"] if nb else
          ["E-mail address", "Name", "Phone number", "Time of the session", "Counsellor's note", "Topic"])
# c-1, chat-0, chat-1, survey-1: every field shown by its label, none by its key.
assert p.field_ths == labels[:3] + labels[3:] * 2 + labels[:1], p.field_ths
text = "".join(p.text)
for s in sys.argv[3:]:
    assert s in text, s
PY
python3 "$TMP/check_html.py" "$TMP/report.html" nb \
    "Hvem som har kopi av opplysningene" "databehandler: behandler opplysningene på våre vegne" \
    "underleverandør til en databehandler (InFlow24 AS)" "Overføring utenfor EU/EØS" \
    "EUs standard personvernbestemmelser i avtalen (artikkel 46) (avtale av 2024-05-01)" \
    "mottaker: selvstendig behandlingsansvarlig for opplysningene den får" \
    "Gammelverktøy AS (ikke i bruk nå)" "For tiden ikke aktuelt (2019)." \
    "forfalt 2026-02-04 10:00:00 CET: slettes ved neste sletterunde" \
    "forfalt 2026-01-30 09:00:00 CET: anonymiseres ved neste sletterunde" \
    "2026-05-01 09:00:00 CEST (anonymiseres)" "ikke fastsatt ennå" \
    "Du kan også klage til NAV (ditt NAV-kontor), www.nav.no, Sivilombudet og Fylkesmannen i Test." \
    "Du kan også kontakte personvernombudet: Personvernombud Linda Ødegård, pvo@testfylke.example." \
    || fail "HTML report (nb)"
python3 "$TMP/check_html.py" "$TMP/report-en.html" en \
    "Who else holds your data" "sub-processor: engaged by one of our processors (InFlow24 AS)" \
    "Transfer outside the EU/EEA" "the EU's standard contractual clauses (GDPR article 46)" \
    "Gammelverktøy AS (not in use at present)" "due since 2026-02-04 10:00:00 CET: deleted at the next purge" \
    "You can also complain to NAV (ditt NAV-kontor), www.nav.no, Sivilombudet and Fylkesmannen i Test." \
    || fail "HTML report (en)"
grep -q "Regnskapsbyrå" "$TMP/report.html" && fail "HTML names a recipient of invoices only"
grep -q '<th class="field">\(name\|email\|phone\|text\|topic\|session_at\)<' "$TMP/report.html" &&
    fail "HTML shows a raw field key"

test_case "'Answered by' only when the policy's name is not the controller's"
sed 's/^name = "Karriereveiledning Test"$/name = "Testfylke fylkeskommune"/' "$FIX/policy.toml" >"$TMP/same-name.toml"
grep -q '^name = "Testfylke fylkeskommune"$' "$TMP/same-name.toml" || fail "sed did not rename the policy"
VERN_POLICY=$TMP/same-name.toml vern access --subject P-1
expect_rc 0
expect_line "Behandlingsansvarlig: Testfylke fylkeskommune"
expect_out_not_contains "Virksomheten som svarer"
expect_line "Dette er en oversikt over personopplysningene Testfylke fylkeskommune behandler om deg (referanse P-1), etter personvernforordningen artikkel 15."
VERN_POLICY=$TMP/same-name.toml vern access --subject P-1 --lang en --format html
expect_rc 0
expect_out_not_contains "Answered by"
expect_out_contains "<tr><th>Data protection officer</th>"

test_case "a held record is not 'due': the hold keeps it past the next purge"
vern hold place --category contact --reason "tilsyn"
expect_rc 0
vern access --subject P-1
expect_rc 0
expect_out_not_contains "forfalt 2026-02-04"
# Nor "waits for an event": the hold is why nothing is scheduled for it.
printf '%s\n' "$OUT" | grep -A3 "Opplysning c-1$" | grep -q "ikke fastsatt" &&
    fail "the held record c-1 says it waits for an event"
expect_line "      Omfattes av et pålegg om bevaring (legal hold) og slettes ikke så lenge det gjelder."
expect_line "      Neste sletting eller anonymisering: forfalt 2026-01-30 09:00:00 CET: anonymiseres ved neste sletterunde"
vern access --subject P-1 --json
expect_json '[(r["id"], r["held"], r["due_since"]) for c in d["categories"] for r in c["records"] if r["id"] in ("c-1", "chat-0")]' \
    "[('c-1', True, None), ('chat-0', False, '2026-01-30T08:00:00Z')]"
vern hold release 1
expect_rc 0

test_case "after the purge: nothing due; the unlinked record has a fresh id; its old id is refused"
vern purge
expect_rc 0
vern access --subject P-1
expect_rc 0
expect_out_not_contains "forfalt"
expect_out_not_contains "Opplysning c-1"
expect_out_not_contains "Opplysning chat-0"
expect_line "    Opplysning chat-1"
# Kontaktopplysninger went with c-1: NAV Test holds nothing of P-1's any more.
expect_out_not_contains "NAV Test"
rid=$(sql "$TMP/s.db" "SELECT rid FROM records WHERE json_extract(fields, '\$.session_at') = '2025-12'")
[ -n "$rid" ] || fail "chat-0's session_at was not coarsened to its month"
sql "$TMP/s.db" "SELECT id FROM records WHERE rid = '$rid' AND unlinked = 1 AND sid IS NULL" |
    grep -Eqx 'anon-[0-9a-f]{16}' || fail "chat-0 has no fresh anon- id"
[ "$(sql "$TMP/s.db" "SELECT fields FROM records WHERE rid = '$rid'")" = '{"session_at":"2025-12","topic":"[redacted]"}' ] ||
    fail "chat-0 fields: $(sql "$TMP/s.db" "SELECT fields FROM records WHERE rid = '$rid'")"
[ "$(sql "$TMP/s.db" "SELECT count(*) FROM records WHERE id = 'chat-0'")" = 0 ] || fail "chat-0 keeps its id"
grep '"chat-0"' "$FIX/data.jsonl" >"$TMP/again.jsonl"
vern ingest "$TMP/again.jsonl"
expect_rc 65
expect_err_contains 'again.jsonl:1: record "chat-0" was anonymised and detached from its subject; it cannot be replaced'

test_case "check: an unlinking rule that keeps a free-text field warns; --strict makes it an error"
sed 's/^fields = { text = "remove", topic = "redact", session_at = "month" }$/fields = { text = "remove", session_at = "month" }/' \
    "$FIX/policy.toml" >"$TMP/leaky.toml"
grep -q '^fields = { text = "remove", session_at = "month" }$' "$TMP/leaky.toml" || fail "sed did not change the rule"
line=$(grep -n '^id = "chat-stats"$' "$TMP/leaky.toml" | cut -d: -f1)
line=$((line - 1)) # the [[rule]] header
msg="rule 'chat-stats' unlinks records of category 'chat' but keeps free-text field 'topic', which may name the person; use \"remove\" or \"redact\""
vern check "$TMP/leaky.toml"
expect_rc 0
expect_out_equals "$TMP/leaky.toml: ok (4 categories, 4 rules, 0 tests, 1 warning)"
expect_err_equals "$TMP/leaky.toml:$line:1: warning: $msg"
vern check --strict "$TMP/leaky.toml"
expect_rc 1
expect_out_equals "$TMP/leaky.toml: invalid (1 error)"
expect_err_equals "$TMP/leaky.toml:$line:1: error: $msg"
# Keeping the exact time is the same.
sed 's/^fields = { text = "remove", topic = "redact", session_at = "month" }$/fields = { text = "remove", topic = "redact" }/' \
    "$FIX/policy.toml" >"$TMP/timed.toml"
vern check --strict "$TMP/timed.toml"
expect_rc 1
expect_err_contains "error: rule 'chat-stats' unlinks records of category 'chat' but keeps the exact time in 'session_at'"
finish
