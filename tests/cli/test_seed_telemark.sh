# The two Telemark seed policies (policies/karrieresenter-telemark, policies/karrieresenter-telemark-2019):
# what their [[test]] cases cannot show, because `vern test` only runs the purge. Consent
# withdrawals through `vern consent withdraw` (SPEC 6), and what the access report says about
# recipients, storage and contact (issue 12).
source "$(dirname "$0")/lib.sh"
set -e
T=$SRC/policies/karrieresenter-telemark
T19=$SRC/policies/karrieresenter-telemark-2019

cat >t.jsonl <<'JSONL'
{"type":"subject","ref":"T-1"}
{"type":"consent","subject":"T-1","purpose":"inflow24","given":"2026-03-02T10:00:00+01:00"}
{"type":"consent","subject":"T-1","purpose":"inflow24_sharing","given":"2026-03-03T10:00:00+01:00"}
{"type":"record","id":"T-1-inflow24","subject":"T-1","category":"inflow24","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Thea Lie","email":"thea.lie@example.no","answers":"interesser: natur"}}
{"type":"record","id":"T-1-resultater","subject":"T-1","category":"inflow24_shared_results","created":"2026-03-03T10:00:00+01:00","fields":{"results":"interesser: natur","shared_at":"2026-03-03T10:00:00+01:00"}}
{"type":"record","id":"T-1-epost","subject":"T-1","category":"counsellor_email","created":"2026-03-04T10:00:00+01:00","fields":{"from":"thea.lie@example.no","counsellor":"veileder@telemarkfylke.no","subject":"CV","body":"Her er CV-en","received_at":"2026-03-04T10:00:00+01:00"}}
JSONL

test_case "telemark: withdrawing the InFlow24 sharing deletes only the centre's copy of the results"
vern init --store t.db -q
vern ingest --store t.db --policy "$T" --now 2026-03-05 -q t.jsonl
expect_rc 0
vern consent withdraw --store t.db --policy "$T" --now 2026-03-10 --subject T-1 --purpose inflow24_sharing --json
expect_rc 0
expect_json 'd["deleted"]' "{'inflow24_shared_results': 1}"
[ "$(sql t.db "SELECT count(*) FROM records WHERE id = 'T-1-resultater'")" = 0 ] ||
    fail "the shared results survived the withdrawal of the sharing"
for r in T-1-inflow24 T-1-epost; do
    [ "$(sql t.db "SELECT count(*) FROM records WHERE id = '$r'")" = 1 ] || fail "$r was deleted"
done

test_case "telemark: the access report names InFlow24, its support contact and its sub-processors in third countries"
vern access --store t.db --policy "$T" --now 2026-03-10 --subject T-1 --format json
expect_rc 0
expect_json '[r["id"] for r in d["recipients"]]' "['inflow24', 'inflow24-tredjeland']"
expect_json '[r["contact"] for r in d["recipients"] if r["id"] == "inflow24"]' "['support@inflow24.no']"
expect_json '[(r["role"], r["third_country"], r["safeguard"]) for r in d["recipients"] if r["id"] == "inflow24-tredjeland"]' \
    "[('sub_processor', True, 'adequacy_decision')]"
vern access --store t.db --policy "$T" --now 2026-03-10 --subject T-1
expect_out_contains "Til (karriereveileder): veileder@telemarkfylke.no"
expect_out_contains "E-post til din karriereveileder"

test_case "telemark: the access report names event kinds and consent purposes in words, in nb and en"
vern access --store t.db --policy "$T" --now 2026-03-10 --subject T-1
expect_rc 0
expect_out_contains "slettes straks etter hendelsen «siste veiledningstime», ved utgangen av det døgnet"
expect_out_contains "slettes straks etter hendelsen «opplysningene dine ble slettet i InFlow24»"
expect_out_contains "at karrieresenteret ser resultatene dine i InFlow24: trukket tilbake"
expect_out_contains "å bruke InFlow24: gjelder nå"
for key in last_session inflow24_deleted inflow24_discontinued inflow24_sharing "«inflow24»" "inflow24: "; do
    expect_out_not_contains "$key"
done
vern access --store t.db --policy "$T" --now 2026-03-10 --subject T-1 --lang en
expect_rc 0
expect_out_contains "deleted right after the event “the last guidance session”, at the end of that day"
expect_out_contains "the career centre seeing your results in InFlow24: withdrawn"
expect_out_contains "using InFlow24: in force now"

cat >k.jsonl <<'JSONL'
{"type":"subject","ref":"K-1"}
{"type":"consent","subject":"K-1","purpose":"karriereveiledning","given":"2026-01-12T09:15:00+01:00"}
{"type":"record","id":"K-1-bestilling","subject":"K-1","category":"booking","created":"2026-01-12T09:15:00+01:00","fields":{"phone":"+47 412 55 901","municipality":"Skien"}}
{"type":"record","id":"K-1-navn","subject":"K-1","category":"client_name","created":"2026-01-12T09:15:00+01:00","fields":{"name":"Kari Nordmann"}}
{"type":"record","id":"K-1-epost","subject":"K-1","category":"client_email","created":"2026-01-12T09:15:00+01:00","fields":{"email":"kari.nordmann@example.no"}}
{"type":"record","id":"K-1-wie","subject":"K-1","category":"work_interest_explorer","created":"2026-01-13T19:00:00+01:00","fields":{"results":"sosial, praktisk"}}
JSONL

test_case "2019: the access report shows the processors, Kompetanse Norge as not in use, storage and the leader's contact"
vern init --store k.db -q
vern ingest --store k.db --policy "$T19" --now 2026-01-20 -q k.jsonl
expect_rc 0
vern access --store k.db --policy "$T19" --now 2026-01-20 --subject K-1 --format json
expect_rc 0
expect_json 'sorted(r["id"] for r in d["recipients"])' "['aplia', 'kompetanse-norge', 'metreno']"
expect_json '[(r["active"], "for tiden ikke aktuelt" in r["note"]) for r in d["recipients"] if r["id"] == "kompetanse-norge"]' \
    "[(False, True)]"
expect_json '"Citrix" in d["storage"] and "Outlook" in d["storage"]' True
expect_json '"40 20 39 18" in d["controller"]["contact"]' True
vern access --store k.db --policy "$T19" --now 2026-01-20 --subject K-1
expect_out_contains "Kompetanse Norge, Nasjonal enhet for karriereveiledning (ikke i bruk nå)"
# ... and so does the e-mail category's own line of recipients, not only the recipients section.
printf '%s\n' "$OUT" | grep -q "^  Mottakere: .*Kompetanse Norge, Nasjonal enhet for karriereveiledning (ikke i bruk nå)" ||
    fail "the category's recipients line does not say Kompetanse Norge is not in use"
expect_out_contains "Klage: du kan klage til tilsynsmyndigheten, Datatilsynet, www.datatilsynet.no"
expect_out_contains "slettes 4 uker etter hendelsen «siste veiledningstime», med mindre du har samtykket til «at vi gir e-postadressen din til Kompetanse Norges undersøkelse»"
expect_out_contains "at vi behandler opplysningene dine i karriereveiledningen: gitt"
for key in last_session kompetanse_norge_survey "  karriereveiledning:"; do
    expect_out_not_contains "$key"
done
vern access --store k.db --policy "$T19" --now 2026-01-20 --subject K-1 --lang en
expect_rc 0
expect_out_contains "deleted 4 weeks after the event “the last guidance session”, unless you have consented to “passing your e-mail address on to Kompetanse Norge's survey”"
expect_out_contains "processing your data for career guidance: in force now"

test_case "2019: withdrawing the consent to guidance deletes everything («personopplysningene vil bli slettet»)"
vern consent withdraw --store k.db --policy "$T19" --now 2026-01-21 --subject K-1 --purpose karriereveiledning --json
expect_rc 0
expect_json 'd["deleted_total"]' 4
[ "$(sql k.db "SELECT count(*) FROM records")" = 0 ] || fail "records left after the withdrawal"

finish
