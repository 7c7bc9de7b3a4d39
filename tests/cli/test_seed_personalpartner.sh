# policies/personalpartner end to end (issue 12): what its statement promises that `vern test`
# cannot show, because it happens in `vern consent withdraw` or ingest rather than in a purge:
# withdrawing the participant's consent to Nav sharing data, or the consent to the health data,
# deletes exactly the records resting on it; the phone log's statistics are detached from the
# caller; e-mail is not a special category, health data is.
source "$(dirname "$0")/lib.sh"
set -e

PP=$SRC/policies/personalpartner
export VERN_STORE=$TMP/s.db VERN_POLICY=$PP VERN_NOW=2026-06-01
exists() { [ "$(sql "$VERN_STORE" "SELECT count(*) FROM records WHERE id = '$1'")" = 1 ]; }
new_store() {
    remove_store "$TMP/s.db"
    "$VERN" init -q >/dev/null
    cat >"$TMP/p.jsonl" <<'JSONL'
{"type":"record","id":"p1","subject":"P-1","category":"participant","created":"2026-01-12T09:00:00+01:00","fields":{"name":"Kari Nordmann","fnr":"23047710006","phone":"+47 912 34 567","measure":"ARR"}}
{"type":"consent","subject":"P-1","purpose":"nav_deler_opplysninger","given":"2026-01-12T09:00:00+01:00"}
{"type":"consent","subject":"P-1","purpose":"helseopplysninger_arr","given":"2026-01-12T09:00:00+01:00"}
{"type":"record","id":"n1","subject":"P-1","case":"arr-1","category":"case_note","created":"2026-02-16T13:00:00+01:00","fields":{"kind":"notat","text":"Samtale om arbeidsutprøving"}}
{"type":"record","id":"m1","subject":"P-1","case":"arr-1","category":"email","created":"2026-02-16T14:00:00+01:00","fields":{"counterpart":"veileder@nav.example.no","subject":"Oppmøte"}}
{"type":"record","id":"h1","subject":"P-1","case":"arr-1","category":"health","created":"2026-02-03T10:00:00+01:00","fields":{"text":"Tåler ikke tunge løft","from_doctor":true}}
JSONL
    "$VERN" ingest -q "$TMP/p.jsonl" >/dev/null
}

test_case "withdrawing the consent to Nav sharing data deletes the participant record, and only it"
new_store
vern consent withdraw --subject P-1 --purpose nav_deler_opplysninger --json
expect_rc 0
expect_json 'd["deleted"]' "{'participant': 1}"
exists p1 && fail "p1 survived the withdrawal of nav_deler_opplysninger"
for r in n1 m1 h1; do exists $r || fail "$r was deleted by the withdrawal of nav_deler_opplysninger"; done
# Nav's data sent again after the withdrawal is refused.
grep '"p1"' "$TMP/p.jsonl" >"$TMP/p1.jsonl"
vern ingest "$TMP/p1.jsonl"
expect_rc 65
expect_err_contains 'withdrew consent "nav_deler_opplysninger"'

test_case "withdrawing the consent to the health data deletes the health data, and only it"
new_store
vern consent withdraw --subject P-1 --purpose helseopplysninger_arr --json
expect_rc 0
expect_json 'd["deleted"]' "{'health': 1}"
exists h1 && fail "h1 survived the withdrawal of helseopplysninger_arr"
for r in p1 n1 m1; do exists $r || fail "$r was deleted by the withdrawal of helseopplysninger_arr"; done

test_case "a withdrawal that arrives through ingest deletes the participant record too"
new_store
printf '%s\n' '{"type":"consent","subject":"P-1","purpose":"nav_deler_opplysninger","withdrawn":"2026-05-04T10:00:00+02:00"}' >"$TMP/w.jsonl"
vern ingest --json "$TMP/w.jsonl"
expect_rc 0
exists p1 && fail "p1 survived a withdrawal arriving through ingest"
exists n1 || fail "n1 was deleted by a withdrawal arriving through ingest"

test_case "the access report: the participant record rests on consent, e-mail is no special category, health data is"
new_store
vern access --subject P-1 --format json --include-special
expect_rc 0
expect_json '{c["id"]: c["special"] for c in d["categories"]}["email"]' False
expect_json '{c["id"]: c["special"] for c in d["categories"]}["health"]' True
expect_json '{c["id"]: c["legal_basis"] for c in d["categories"]}["participant"]' consent

test_case "phone log: after three months the line is statistics, no longer linked to the caller"
remove_store "$TMP/s.db"
"$VERN" init -q >/dev/null
cat >"$TMP/t.jsonl" <<'JSONL'
{"type":"record","id":"tel-1","subject":"TLF-1","category":"phone_log","created":"2026-01-15T09:30:00+01:00","fields":{"external_number":"+47 912 34 567","extension":"201","direction":"inn","started_at":"2026-01-15T09:30:00+01:00"}}
{"type":"record","id":"tel-2","subject":"TLF-2","category":"phone_log","created":"2026-01-15T09:30:00+01:00","fields":{"external_number":"+47 480 55 012","extension":"230"}}
JSONL
"$VERN" ingest -q "$TMP/t.jsonl" >/dev/null
vern access --phone "+47 912 34 567" --json --now 2026-04-15T09:00:00+02:00
expect_rc 0
expect_json 'd["record_count"]' 1
vern purge --now 2026-04-15T09:30:00+02:00 --json
expect_rc 0
expect_json 'd["anonymized"]' 2
[ "$(sql "$VERN_STORE" "SELECT count(*) FROM records WHERE unlinked = 1 AND sid IS NULL")" = 2 ] ||
    fail "the cut lines are still linked: $(sql "$VERN_STORE" "SELECT id, sid, unlinked FROM records")"
[ "$(sql "$VERN_STORE" "SELECT count(*) FROM subjects WHERE ref IN ('TLF-1', 'TLF-2')")" = 0 ] ||
    fail "the callers are still in the store"
[ "$(sql "$VERN_STORE" "SELECT group_concat(json_extract(fields, '\$.external_number'), ' | ') FROM (SELECT fields FROM records ORDER BY json_extract(fields, '\$.external_number')) AS t")" = "+47 480 5 | +47 912 3" ] ||
    fail "numbers: $(sql "$VERN_STORE" "SELECT fields FROM records")"
! sql "$VERN_STORE" "SELECT fields FROM records" | grep -q "34 567\|55 012" || fail "a full number is left"
[ "$(sql "$VERN_STORE" "SELECT count(*) FROM records WHERE id IN ('tel-1', 'tel-2')")" = 0 ] ||
    fail "a detached line keeps the switchboard's id"
[ "$(sql "$VERN_STORE" "SELECT json_extract(fields, '\$.started_at') FROM records WHERE json_extract(fields, '\$.direction') = 'inn'")" = 2026-01 ] ||
    fail "the time of the call is not coarsened to the month: $(sql "$VERN_STORE" "SELECT fields FROM records")"

test_case "the access report: contact persons, the «Personvernombudsordningen», who holds copies, field labels"
remove_store "$TMP/s.db"
"$VERN" init -q >/dev/null
cat >"$TMP/h.jsonl" <<'JSONL'
{"type":"record","id":"u1","subject":"H-1","category":"aid_loan","created":"2026-05-20T11:00:00+02:00","fields":{"name":"Ingrid Bakke","address":"Storgata 1, 1531 Moss","phone":"+47 926 44 310","aid_type":"rullator","municipality":"Moss","lent_at":"2026-05-20T11:00:00+02:00"}}
{"type":"record","id":"tel-3","subject":"H-1","category":"phone_log","created":"2026-05-20T10:00:00+02:00","fields":{"external_number":"+47 926 44 310","extension":"201","direction":"inn","started_at":"2026-05-20T10:00:00+02:00"}}
JSONL
"$VERN" ingest -q "$TMP/h.jsonl" >/dev/null
vern access --phone "+47 926 44 310"
expect_rc 0
expect_out_contains "Personvernombud: Kvalitet- og IT-ansvarlig Jørgen Lie"
expect_out_contains "Moss, Råde og Våler kommune (kommunenes system Gerica)"
expect_out_contains "Systec Solutions AS"
expect_out_contains "Du kan også klage til Nav (for opplysningene om tiltaksdeltakere)"
expect_out_contains "Eksternt telefonnummer: +47 926 44 310"
expect_out_contains "Hjelpemiddel: rullator"
expect_out_contains "slettes 12 uker etter hendelsen «hjelpemidlet ble levert tilbake»"
expect_out_not_contains "aid_type"
expect_out_not_contains "aid_returned"
vern access --phone "+47 926 44 310" --lang en
expect_rc 0
expect_out_contains "External phone number: +47 926 44 310"
expect_out_contains "Assistive aid: rullator"
expect_out_contains "the assistive aid was returned"

finish
