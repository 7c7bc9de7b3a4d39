# vern access: selectors, ambiguity, invalid national ids, and the art. 15 report in both
# languages and all three formats (JSON and HTML parsed with Python, not grepped).
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/rights_lib.sh"
set -e
fresh_rights_store

test_case "each selector finds K-1, with normalisation"
for sel in "--subject|K-1" "--email|OLA.nordmann@EXAMPLE.no" "--email| ola.nordmann@example.no " \
           "--phone|+4791234567" "--phone|0047-912-34-567" "--phone|912 34 567" \
           "--national-id|020285 45692" "--name|ola   NORDMANN"; do
    vern access "${sel%%|*}" "${sel#*|}" --json
    expect_rc 0
    expect_json 'd["subject"]["ref"]' "K-1"
done
vern access --national-id 41019012393 --json
expect_rc 0
expect_json 'd["subject"]["ref"]' "K-2"
vern access --phone "48 00 11 22" --json
expect_json 'd["subject"]["ref"]' "K-2"

test_case "an ambiguous selector lists refs only and exits 1; the store is unchanged"
before=$(store_hash)
vern access --name "Kari Nordmann"
expect_rc 1
expect_out_equals "K-2
K-3"
expect_err_contains "--name matches 2 subjects (K-2, K-3); nothing was disclosed"
vern access --name "kari nordmann" --json
expect_rc 1
expect_json 'd' "{'matches': ['K-2', 'K-3']}"
expect_out_not_contains "example.no"
[ "$(store_hash)" = "$before" ] || fail "store changed by an ambiguous access"

test_case "no match exits 1; an invalid fødselsnummer exits 65"
vern access --email nobody@example.no
expect_rc 1
expect_err_contains "no subject matches --email"
[ -z "$OUT" ] || fail "stdout not empty: $OUT"
vern access --national-id 02028545691
expect_rc 65
expect_err_contains "invalid national id: check digits do not match; a fødselsnummer has 11 digits"
vern access --national-id 1234
expect_rc 65
expect_err_contains "expected 11 digits, got 4"
vern access --subject K-1 --email x@example.no
expect_rc 2
[ "$(store_hash)" = "$before" ] || fail "store changed by a refused access"

test_case "text report, Norwegian (the policy's language)"
vern access --subject K-1
expect_rc 0
for s in "Innsyn i personopplysninger" "Behandlingsansvarlig: Testfylke fylkeskommune" \
         "Kontakt: personvern@testfylke.example" "Formål: Karriereveiledning" \
         "Behandlingsgrunnlag: oppgave i allmennhetens interesse" "Hjemmel: forvaltningsloven § 11" \
         "Mottakere: IMDi" "Kilde: deg selv" "slettes 30 dager etter at den ble opprettet" \
         "slettes 30 dager etter siste aktivitet, ved utgangen av den uken" \
         "anonymiseres 7 dager etter at den ble opprettet; felter: phone (fjernes)" \
         "slettes 15 måneder etter hendelsen «last_session»" \
         "Opprettet: 2026-03-01 10:00:00 CET" \
         "Neste sletting eller anonymisering: 2026-03-31 10:00:00 CEST (slettes)" \
         "email: Ola.Nordmann@Example.no" "på vegne av NAV (databehandler)" \
         "Særlig kategori av personopplysninger" "survey: gitt" "survey: gjelder nå" \
         "Retting:" "Sletting:" "Begrensning:" "Protest:" "Dataportabilitet:" \
         "Klage: du kan klage til tilsynsmyndigheten, Datatilsynet, www.datatilsynet.no" \
         "2026-03-05 12:00:00 CET  last_session"; do
    expect_out_contains "$s"
done
expect_out_not_contains "Ryggplager"

test_case "text report in English, with --include-special"
vern access --subject K-1 --lang en --include-special
expect_rc 0
for s in "Access to personal data" "Controller: Testfylke fylkeskommune" "Purpose: Karriereveiledning" \
         "Legal basis: a legal obligation (GDPR art. 6(1)(c))" "Legal reference: bokføringsloven § 13" \
         "deleted 30 days after creation" "deleted 12 weeks after the event “final_report_sent”" \
         "processes these data on behalf of NAV" "Rectification:" "Erasure:" "Restriction:" \
         "Objection:" "Data portability:" "Complaint:" "text: Ryggplager" "survey: in force now"; do
    expect_out_contains "$s"
done
vern access --subject K-1 --lang de
expect_rc 2

test_case "JSON report (art. 20 export)"
vern access --subject K-1 --format json --lang en
expect_rc 0
cat >"$TMP/check_json.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "vern-access-1", d["schema"]
assert d["controller"] == {"name": "Testfylke fylkeskommune", "contact": "personvern@testfylke.example", "policy": "Karrieresenter Test"}
assert d["supervisory_authority"] == "Datatilsynet, www.datatilsynet.no"
cats = {c["id"]: c for c in d["categories"]}
assert list(cats) == ["contact", "chat", "survey", "invoice", "nav_case", "health"], list(cats)
c = cats["contact"]
assert c["purpose"] == "Karriereveiledning" and c["legal_basis"] == "public_task"
assert c["legal_ref"] == "forvaltningsloven § 11" and c["recipients"] == ["IMDi"] and c["source"] == "deg selv"
assert c["retention"] == ["deleted 30 days after creation"], c["retention"]
r = c["records"][0]
assert r["id"] == "c-1" and r["created"] == "2026-03-01T09:00:00Z" and r["next_due"] == "2026-03-31T08:00:00Z"
assert r["next_action"] == "delete" and r["fields"]["email"] == "Ola.Nordmann@Example.no"
assert cats["nav_case"]["role"] == "processor" and cats["nav_case"]["controller"] == "NAV"
assert cats["nav_case"]["records"][0]["next_due"] is None
assert cats["health"]["special"] and cats["health"]["records"][0]["withheld"]
assert cats["health"]["records"][0]["fields"] is None and d["special_withheld"]
assert d["consents"]["history"] == [{"purpose": "survey", "given": True, "at": "2026-03-02T08:00:00Z"}]
assert d["consents"]["active"] == {"survey": True}
assert [e["kind"] for e in d["events"]] == ["last_session"]
keys = [r["right"] for r in d["rights"]]
for k in ["rectification", "erasure", "restriction", "objection", "portability", "complaint"]:
    assert k in keys, k
assert d["record_count"] == 6
PY
printf '%s' "$OUT" >"$TMP/report.json"
python3 "$TMP/check_json.py" "$TMP/report.json" || fail "JSON report incomplete"

test_case "HTML report: parsed, every element present, values escaped"
vern access --subject K-1 --format html --output "$TMP/report.html"
expect_rc 0
[ "$(stat -c %a "$TMP/report.html")" = 600 ] || fail "report mode is not 0600"
cat >"$TMP/check_html.py" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text = []; self.tags = []; self.scripts = 0; self.stack = []; self.lang = None
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "script": self.scripts += 1
        if tag == "html": self.lang = dict(attrs).get("lang")
        if tag not in ("meta", "br"): self.stack.append(tag)
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()
    def handle_data(self, data): self.text.append(data)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
assert not p.stack, p.stack
assert p.scripts == 0, "a <script> element: escaping failed"
assert p.lang == sys.argv[2]
text = "".join(p.text)
for s in sys.argv[3:]:
    assert s in text, s
PY
python3 "$TMP/check_html.py" "$TMP/report.html" nb "Testfylke fylkeskommune" "personvern@testfylke.example" \
    "Karriereveiledning" "forvaltningsloven § 11" "IMDi" "slettes 30 dager etter at den ble opprettet" \
    "2026-03-31 10:00:00 CEST" "Ola.Nordmann@Example.no" "<script>alert(1)</script> & mer" \
    "på vegne av NAV" "Retting:" "Sletting:" "Begrensning:" "Protest:" "Dataportabilitet:" "Klage:" \
    "Datatilsynet" "survey" || fail "HTML report (nb) incomplete or malformed"
vern access --subject K-1 --format html --lang en
printf '%s' "$OUT" >"$TMP/report-en.html"
python3 "$TMP/check_html.py" "$TMP/report-en.html" en "Access to personal data" \
    "deleted 30 days after creation" "Rectification:" "Complaint:" "processes these data on behalf of NAV" \
    || fail "HTML report (en) incomplete or malformed"

test_case "access is audited with the pseudonym and categories, no content"
n=$(sql "$TMP/s.db" "SELECT count(*) FROM audit WHERE action = 'access' AND category = 'contact' AND count = 1")
[ "$n" -ge 1 ] || fail "no access audit entry"
sql "$TMP/s.db" "SELECT * FROM audit" | grep -q "K-1\|Nordmann" && fail "audit holds a ref or name"

test_case "--request closes an access request of the same subject only"
vern request open --kind access --subject K-2 --received 2026-03-05
vern request open --kind erasure --subject K-1 --received 2026-03-05
vern access --subject K-1 --request 1
expect_rc 1
expect_err_contains "request 1 is about another subject"
vern access --subject K-1 --request 2
expect_rc 1
expect_err_contains "request 2 is a erasure request, not access or portability"
vern access --subject K-2 --request 1 --json
expect_rc 0
vern request list --json
expect_json '[r["status"] for r in d["requests"]]' "['closed', 'open']"
test_case "a report that cannot be written is not audited and does not close its request"
vern request open --kind access --subject K-1 --received 2026-03-06 --json
id=$(json_get 'd["id"]')
audits=$(sql "$TMP/s.db" "SELECT count(*) FROM audit")
vern access --subject K-1 --request "$id" --output "$TMP/no-such-dir/report.txt"
expect_rc 74
expect_err_contains "cannot create a temporary file in '$TMP/no-such-dir': No such file or directory; the access report was not written, nothing was audited and the request stays open"
[ "$(sql "$TMP/s.db" "SELECT count(*) FROM audit")" = "$audits" ] || fail "a failed report was audited"
vern request list --json
expect_json "[r['status'] for r in d['requests'] if r['id'] == $id]" "['open']"
vern access --subject K-1 --request "$id" --output "$TMP/report.txt"
expect_rc 0
[ "$(stat -c %a "$TMP/report.txt")" = 600 ] || fail "report not mode 0600"
[ ! -e "$TMP/report.txt.tmp" ] || fail "temporary file left behind"
[ "$(sql "$TMP/s.db" "SELECT count(*) FROM audit")" -gt "$audits" ] || fail "the report was not audited"
finish
