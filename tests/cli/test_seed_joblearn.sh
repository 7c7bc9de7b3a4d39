# policies/joblearn end to end (issue 12): the access report tells the truth about who is who.
# «NAV er overordnet ansvarlig for behandlingen»: NAV is the controller, not JobLearn; «Du har rett
# til å klage til NAV eller Datatilsynet»; the data protection officer «Personvernombud Linda
# Kristine Ødegård»; «Data lagres sikret på servere i Europa»; the reports go to NAV and the work
# practice to the employer; field names in words, in nb and en.
source "$(dirname "$0")/lib.sh"
set -e

export VERN_STORE=$TMP/s.db VERN_POLICY=$SRC/policies/joblearn VERN_NOW=2026-06-01
"$VERN" init -q >/dev/null
cat >"$TMP/j.jsonl" <<'JSONL'
{"type":"record","id":"p1","subject":"J-1","category":"personalia","created":"2026-03-02T09:00:00+01:00","fields":{"name":"Kari Nordmann","fnr":"01019010046","email":"kari.nordmann@example.no","phone":"+47 912 34 567"}}
{"type":"record","id":"o1","subject":"J-1","case":"tiltak-1","category":"attendance","created":"2026-04-01T09:00:00+02:00","fields":{"date":"2026-04-01","present":true,"activity":"jobbsøking"}}
{"type":"record","id":"g1","subject":"J-1","case":"tiltak-1","category":"employer_contact","created":"2026-05-04T09:00:00+02:00","fields":{"employer":"Lager AS","notes":"arbeidsutprøving 4 uker"}}
JSONL
"$VERN" ingest -q "$TMP/j.jsonl" >/dev/null

test_case "nb: NAV is the controller, JobLearn the processor that answers; DPO, storage, complaint to NAV"
vern access --subject J-1
expect_rc 0
expect_out_contains "Behandlingsansvarlig: NAV (Arbeids- og velferdsetaten)"
expect_out_not_contains "Behandlingsansvarlig: JobLearn"
expect_out_contains "Virksomheten som svarer: JobLearn AS"
expect_out_contains "Personvernombud: Linda Kristine Ødegård, JobLearn AS, personvern@joblearn.no"
expect_out_contains "Lagring: Sikret på servere i Europa"
expect_out_contains "https://www.joblearn.no/privacy-policy/"
expect_out_contains "Du kan også klage til NAV (ditt NAV-kontor), www.nav.no."
expect_out_contains "Datatilsynet"
expect_out_contains "Fødselsnummer: 01019010046"
expect_out_not_contains "fnr:"
expect_out_contains "Mottakere: Arbeidsgiveren for arbeidstreningen eller arbeidsutprøvingen"

test_case "en: the same, in English"
vern access --subject J-1 --lang en
expect_rc 0
expect_out_contains "Controller: NAV (Arbeids- og velferdsetaten)"
expect_out_contains "Data protection officer: Linda Kristine Ødegård"
expect_out_contains "National identity number: 01019010046"
expect_out_contains "You can also complain to NAV (ditt NAV-kontor), www.nav.no."

test_case "json: the recipients NAV and the employer are controllers that receive data (of this person's categories)"
vern access --subject J-1 --format json
expect_rc 0
expect_json 'd["controller"]["name"]' "NAV (Arbeids- og velferdsetaten)"
expect_json 'sorted((r["id"], r["role"], tuple(r["categories"])) for r in d["recipients"])' \
    "[('employer', 'controller', ('employer_contact',)), ('nav', 'controller', ('attendance',))]"
expect_json 'd["complaint_bodies"]' "['NAV (ditt NAV-kontor), www.nav.no']"
expect_json 'd["storage"]' "Sikret på servere i Europa"

finish
