# Requests for people the store does not hold (issue 12): "We hold no data about you" is an answer
# too, with the same deadline. request open by every selector, refusals that register nothing,
# request list, the access report for nobody (text nb/en, JSON, HTML), its audit entries without
# personal data, erasure of nobody, and a request answered after the person's data arrived.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/rights_lib.sh"
set -e
fresh_rights_store

# The unknown person's identifiers: none of them may ever reach the store's files.
EMAIL=Ukjent.Person@Example.no
PHONE="+47 955 55 123"
FNR=15039012488
NAME="Per Ukjentsen"
# store_lacks TEXT...: none of the texts occurs in the store's files (main file, WAL); on
# PostgreSQL, in a dump of the store's schema.
store_lacks() {
    local f text
    if on_postgresql; then
        dump_store "$TMP/s.db" >"$TMP/s.dump"
    fi
    for text in "$@"; do
        for f in "$TMP/s.db" "$TMP/s.db-wal" "$TMP/s.dump"; do
            [ -e "$f" ] || continue
            if grep -qaiF -- "$text" "$f"; then fail "the store file $(basename "$f") holds '$text'"; fi
        done
    done
    rm -f "$TMP/s.dump"
}
audit_count() { sql "$TMP/s.db" "SELECT count(*) FROM audit"; }

test_case "open by each selector for a person the store does not hold"
vern request open --kind access --email "$EMAIL" --received 2026-03-02 --now 2026-03-03
expect_rc 0
expect_out_equals "request 1 (access, no subject in the store: --email) opened: due 2026-04-01 00:00:00 CEST"
vern request open --kind erasure --phone "$PHONE" --received 2026-03-02 --now 2026-03-03 --json
expect_rc 0
expect_json 'd["id"], d["subject"], d["selector"], d["status"]' "(2, None, 'phone', 'open')"
vern request open --kind portability --national-id "150390 12488" --received 2026-03-02 --now 2026-03-03
expect_rc 0
expect_out_equals "request 3 (portability, no subject in the store: --national-id) opened: due 2026-04-01 00:00:00 CEST"
vern request open --kind erasure --name "  per   UKJENTSEN " --received 2026-03-02 --now 2026-03-03
expect_rc 0
expect_out_contains "request 4 (erasure, no subject in the store: --name) opened"
vern request open --kind access --subject K-9 --received 2026-03-02 --now 2026-03-03
expect_rc 0
expect_out_contains "request 5 (access, no subject in the store: --subject) opened"
[ "$(sql "$TMP/s.db" "SELECT group_concat(selector, ','), count(sid) FROM requests")" = \
  "email,phone,national_id,name,subject|0" ] || fail "selectors: $(sql "$TMP/s.db" "SELECT * FROM requests")"
# A known person found by a selector: a request about that subject, as before.
vern request open --kind access --email ola.nordmann@EXAMPLE.no --received 2026-03-02 --now 2026-03-03 --json
expect_rc 0
expect_json 'd["id"], d["subject"], d["selector"]' "(6, 'K-1', None)"
vern request open --kind rectification --subject K-1 --received 2026-03-02 --now 2026-03-03
expect_out_equals "request 7 (rectification, subject K-1) opened: due 2026-04-01 00:00:00 CEST"
store_lacks "$EMAIL" "ukjent.person" "95555123" "955 55 123" "$FNR" "Ukjentsen" "K-9"

test_case "refusals register nothing: an invalid national id (65), an ambiguous name (1)"
before=$(store_hash)
vern request open --kind access --national-id 15039012489
expect_rc 65
expect_err_contains "invalid national id: check digits do not match; a fødselsnummer has 11 digits"
vern request open --kind access --name "Kari Nordmann"
expect_rc 1
expect_out_equals "K-2
K-3"
expect_err_contains "--name matches 2 subjects (K-2, K-3)"
vern request open --kind access --name "kari nordmann" --json
expect_rc 1
expect_json 'd' "{'matches': ['K-2', 'K-3']}"
vern request open --kind access --email "$EMAIL" --phone "$PHONE"
expect_rc 2
vern request open --kind access
expect_rc 2
vern request open --kind access --email " "
expect_rc 2
vern request open --kind access --email "$EMAIL" --received 2026-04-01 --now 2026-03-03
expect_rc 65
[ "$(store_hash)" = "$before" ] || fail "store changed by a refusal"

test_case "due = received + request_deadline, across the DST change"
vern request open --kind access --email sent@example.no --received 2026-03-20T10:00:00+01:00 --now 2026-03-21 --json
expect_rc 0
expect_json 'd["id"], d["due"], d["days_left"]' "(8, '2026-04-19T08:00:00Z', 29)"

test_case "request list: text and JSON"
vern request list --now 2026-03-10
expect_rc 0
expect_out_contains "   1  access         (not in store: email)  received 2026-03-02  due 2026-04-01  open, 21 days left"
expect_out_contains "   3  portability    (not in store: national_id)  received 2026-03-02"
expect_out_contains "   5  access         (not in store: subject)  received 2026-03-02"
expect_out_contains "   6  access         K-1               received 2026-03-02  due 2026-04-01  open, 21 days left"
expect_out_not_contains "(removed)"
vern request list --now 2026-03-10 --json
expect_rc 0
expect_json '[(r["id"], r["subject"], r["selector"]) for r in d["requests"]][:7]' \
    "[(1, None, 'email'), (2, None, 'phone'), (3, None, 'national_id'), (4, None, 'name'), (5, None, 'subject'), (6, 'K-1', None), (7, 'K-1', None)]"
vern request list --overdue --now 2026-04-02 --json
expect_json '[r["id"] for r in d["requests"]]' "[1, 2, 3, 4, 5, 6, 7]"

test_case "access for nobody without --request still exits 1; a request that does not fit too"
before=$(store_hash)
vern access --email "$EMAIL"
expect_rc 1
expect_err_contains "no subject matches --email"
[ -z "$OUT" ] || fail "stdout not empty: $OUT"
vern access --email other@example.no --request 1
expect_rc 1
expect_err_contains "request 1 was registered by --email for a person the store did not hold, and this selector does not name that person; answer it with the same --email"
vern access --phone "$PHONE" --request 2
expect_rc 1
expect_err_contains "request 2 is a erasure request, not access or portability"
vern access --email "$EMAIL" --request 6
expect_rc 1
expect_err_contains "request 6 is about another subject"
vern access --subject K-1 --request 1
expect_rc 1
vern access --email "$EMAIL" --request 99
expect_rc 66
vern access --national-id 15039012489 --request 3
expect_rc 65
[ "$(store_hash)" = "$before" ] || fail "store changed by a refused access"

test_case "the access report for nobody, in Norwegian: we hold no data about you"
vern access --email " ukjent.person@example.NO " --request 1
expect_rc 0
for s in "Innsyn i personopplysninger" \
         "Dette er svaret fra Karrieresenter Test på kravet ditt om innsyn i personopplysninger etter personvernforordningen artikkel 15." \
         "Behandlingsansvarlig: Testfylke fylkeskommune" "Kontakt: personvern@testfylke.example" \
         "Søkt etter: e-postadressen du oppga" "Opplysninger vi har om deg" \
         "Vi har ingen registrerte opplysninger om deg." "Ingen samtykker er registrert." \
         "Dine rettigheter" "Retting:" "Sletting:" \
         "Klage: du kan klage til tilsynsmyndigheten, Datatilsynet, www.datatilsynet.no" \
         "Du får svar innen 30 dager."; do
    expect_out_contains "$s"
done
expect_out_not_contains "Din referanse"
expect_out_not_contains "ukjent"
expect_err_contains "request 1 closed"
vern request list --json
expect_json '[r["status"] for r in d["requests"] if r["id"] == 1]' "['closed']"
vern access --email "$EMAIL" --request 1
expect_rc 1
expect_err_contains "request 1 is already closed"

test_case "the access report for nobody in English, JSON and HTML"
vern access --national-id 15039012488 --request 3 --lang en --format json
expect_rc 0
cat >"$TMP/check_nobody.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "vern-access-1", d["schema"]
assert d["subject"] is None and d["selector"] == "national_id", (d["subject"], d["selector"])
assert d["categories"] == [] and d["record_count"] == 0 and d["events"] == []
assert d["consents"] == {"history": [], "active": {}}, d["consents"]
assert d["controller"] == {"name": "Testfylke fylkeskommune", "contact": "personvern@testfylke.example", "policy": "Karrieresenter Test"}
assert d["supervisory_authority"] == "Datatilsynet, www.datatilsynet.no"
assert d["language"] == "en" and d["request"] == 3 and not d["special_withheld"]
keys = [r["right"] for r in d["rights"]]
for k in ["rectification", "erasure", "restriction", "objection", "portability", "complaint", "contact"]:
    assert k in keys, k
PY
printf '%s' "$OUT" >"$TMP/nobody.json"
python3 "$TMP/check_nobody.py" "$TMP/nobody.json" || fail "JSON report for nobody: $OUT"
# An ordinary JSON report keeps its subject object, with a null selector.
vern access --subject K-2 --format json
expect_json 'd["subject"], d["selector"]' "({'ref': 'K-2'}, None)"

vern request open --kind access --email "$EMAIL" --now 2026-03-10
expect_rc 0
expect_out_contains "request 9 (access, no subject in the store: --email) opened"
vern access --email "$EMAIL" --request 9 --lang en --format html --output "$TMP/nobody.html"
expect_rc 0
expect_err_contains "access report for a person not in the store (--email) written to $TMP/nobody.html (0 records)"
expect_err_contains "request 9 closed"
[ "$(stat -c %a "$TMP/nobody.html")" = 600 ] || fail "report mode is not 0600"
cat >"$TMP/check_nobody_html.py" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text = []
        self.tags = []
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
    def handle_data(self, data):
        self.text.append(data)
p = P()
page = open(sys.argv[1], encoding="utf-8").read()
p.feed(page)
text = " ".join(" ".join(p.text).split())
for s in ["Access to personal data", "This is the answer of Karrieresenter Test to your request",
          "Controller Testfylke fylkeskommune", "Contact personvern@testfylke.example",
          "Searched for the e-mail address you gave", "The data we hold about you",
          "We hold no data about you.", "No consents are recorded.", "Your rights",
          "Complaint: you can lodge a complaint"]:
    assert s in text, s
assert "Your reference" not in text
assert "ukjent" not in page.lower()
assert page.startswith("<!DOCTYPE html>") and p.tags.count("section") == 0
PY
python3 "$TMP/check_nobody_html.py" "$TMP/nobody.html" || fail "HTML report for nobody"

vern access --subject K-9 --request 5 --lang en
expect_rc 0
expect_out_contains "Searched for: the reference you gave"
expect_out_contains "We hold no data about you."

test_case "the disclosures are audited, with pseudonyms only"
# Requests 1, 3, 9 and 5: one access entry each (no category, count 0) and one request_close.
[ "$(sql "$TMP/s.db" "SELECT count(*), sum(count), max(category) FROM audit WHERE command = 'access' AND action = 'access' AND subject IN (SELECT pseudonym FROM requests WHERE qid IN (1, 3, 5, 9))")" = "4|0|" ] ||
    fail "access audit entries: $(sql "$TMP/s.db" "SELECT * FROM audit WHERE command = 'access'")"
[ "$(sql "$TMP/s.db" "SELECT count(*) FROM audit WHERE command = 'access' AND action = 'request_close'")" = 4 ] ||
    fail "request_close entries"
[ "$(sql "$TMP/s.db" "SELECT count(DISTINCT pseudonym) FROM requests WHERE qid IN (1, 9)")" = 1 ] ||
    fail "two requests for one e-mail address have two pseudonyms"
[ "$(sql "$TMP/s.db" "SELECT count(*) FROM audit WHERE length(subject) NOT IN (0, 64)")" = 0 ] ||
    fail "an audit subject that is not a pseudonym"
vern audit verify
expect_rc 0
vern audit report --since 2026-03-01 --now 2026-03-11 --json
expect_rc 0
store_lacks "$EMAIL" "ukjent.person" "95555123" "955 55 123" "$FNR" "Ukjentsen" "K-9"

test_case "erasure of nobody: --dry-run changes nothing, then the request is closed"
vern request extend 4 --reason "Per Ukjentsen sender mer dokumentasjon" --by 2w --now 2026-03-10
expect_rc 0
expect_out_contains "request 4 (erasure, no subject in the store: --name) extended"
# A subject removed meanwhile takes its own requests' reasons along, not this one's.
vern erase --subject K-3
expect_rc 0
[ "$(sql "$TMP/s.db" "SELECT extension_reason FROM requests WHERE qid = 4")" = "Per Ukjentsen sender mer dokumentasjon" ] ||
    fail "the reason of a request without a subject was removed with another subject"
before=$(store_hash)
audit_before=$(audit_count)
vern erase --name "per ukjentsen" --request 4 --dry-run
expect_rc 0
expect_out_equals "erase (no subject in the store: --name) (dry run: nothing was changed)
  no records
would erase 0 records, 0 records retained
the store holds no data about this person: nothing to erase
request 4 would be closed"
[ "$(store_hash)" = "$before" ] || fail "a dry run changed the store"
vern erase --name "Per Ukjentsen"
expect_rc 1
expect_err_contains "no subject matches --name"
vern erase --name "Per Ukjentsen" --request 2
expect_rc 1
expect_err_contains "request 2 was registered by --phone"
[ "$(audit_count)" = "$audit_before" ] || fail "a refusal was audited"
vern erase --name "Per Ukjentsen" --request 4 --json
expect_rc 0
expect_json 'd["subject"], d["selector"], d["erased"], d["retained"], d["subject_removed"], d["request_closed"], d["categories"]' \
    "(None, 'name', 0, 0, False, 4, [])"
[ "$(sql "$TMP/s.db" "SELECT extension_reason, CASE WHEN closed IS NOT NULL THEN 1 ELSE 0 END FROM requests WHERE qid = 4")" = "[removed with the subject's data]|1" ] ||
    fail "request 4: $(sql "$TMP/s.db" "SELECT * FROM requests WHERE qid = 4")"
[ "$(sql "$TMP/s.db" "SELECT command, action, rule, count FROM audit ORDER BY seq DESC LIMIT 1")" = "erase|request_close|erasure|0" ] ||
    fail "erasure of nobody audit entry"
[ "$(sql "$TMP/s.db" "SELECT count(*) FROM audit WHERE action IN ('erase', 'erase_subject') AND subject = (SELECT pseudonym FROM requests WHERE qid = 4)")" = 0 ] ||
    fail "an erasure of nobody counts as an erasure"
vern erase --phone "$PHONE" --request 2
expect_rc 0
expect_out_contains "request 2 closed"
store_lacks "$EMAIL" "ukjent.person" "95555123" "955 55 123" "$FNR" "Ukjentsen" "K-9"

test_case "the person's data arrives after the request: the normal report answers it"
vern request open --kind access --email ny.klient@example.no --now 2026-03-10
expect_rc 0
expect_out_contains "request 10 (access, no subject in the store: --email) opened"
vern request open --kind erasure --subject K-20 --now 2026-03-10
expect_out_contains "request 11 (erasure, no subject in the store: --subject) opened"
cat >"$TMP/later.jsonl" <<'JSONL'
{"type":"record","id":"c-20","subject":"K-20","category":"contact","created":"2026-03-09T09:00:00+01:00","fields":{"name":"Nina Ny","email":"Ny.Klient@example.no"}}
JSONL
vern ingest "$TMP/later.jsonl"
expect_rc 0
# Answered with another selector for the same person, it is refused: it was registered by --email.
vern access --name "Nina Ny" --request 10
expect_rc 1
expect_err_contains "request 10 was registered by --email"
vern access --email NY.KLIENT@example.no --request 10 --json
expect_rc 0
expect_json 'd["subject"], d["selector"], d["record_count"], d["request"]' "({'ref': 'K-20'}, None, 1, 10)"
expect_json 'd["categories"][0]["records"][0]["fields"]["name"]' "Nina Ny"
vern request list --json
expect_json '[r["status"] for r in d["requests"] if r["id"] == 10]' "['closed']"
[ "$(sql "$TMP/s.db" "SELECT category, count FROM audit WHERE command = 'access' AND action = 'access' ORDER BY seq DESC LIMIT 1")" = "contact|1" ] ||
    fail "the access entry of the normal report"
vern erase --subject K-20 --request 11
expect_rc 0
expect_out_contains "subject K-20 removed"
expect_out_contains "request 11 closed"

finish
