# policies/karriereveiledning-no end to end (issue 12): «All aktivitetsinformasjonen [...]
# anonymiseres fortløpende, slik at informasjonen ikke lenger kan knyttes tilbake til deg som
# person»: the anonymised activity record keeps neither the source system's id, nor the person,
# nor the exact time, nor the full IP address; the access report names the data protection
# officer and the storage area the statement gives.
source "$(dirname "$0")/lib.sh"
set -e

KV=$SRC/policies/karriereveiledning-no
export VERN_STORE=$TMP/s.db VERN_POLICY=$KV VERN_NOW=2026-11-20T09:00:00+01:00
"$VERN" init -q >/dev/null
cat >"$TMP/k.jsonl" <<'JSONL'
{"type":"record","id":"akt-1","subject":"KV-1","category":"activity","created":"2026-11-20T08:15:00+01:00","fields":{"ip":"84.210.17.33","device":"mobil","browser":"Firefox","page":"/utdanning","visited_at":"2026-11-20T08:15:00+01:00"}}
{"type":"record","id":"chat-1","subject":"KV-2","category":"chat","created":"2026-11-18T10:00:00+01:00","fields":{"text":"Kan jeg søke fagbrev på grunnlag av praksis?","ip":"193.69.12.45","gender":"kvinne","age":34,"education":"fagbrev","county":"Agder","topic":"realkompetanse"}}
JSONL
"$VERN" ingest -q "$TMP/k.jsonl" >/dev/null

test_case "activity: the anonymised record keeps neither its original id, nor its subject, nor the exact time"
vern purge --json
expect_rc 0
expect_json 'd["anonymized"]' 1
[ "$(sql "$VERN_STORE" "SELECT count(*) FROM records WHERE id = 'akt-1'")" = 0 ] ||
    fail "the anonymised record still has the source system's id akt-1"
[ "$(sql "$VERN_STORE" "SELECT count(*) FROM records WHERE category = 'activity' AND unlinked = 1 AND sid IS NULL")" = 1 ] ||
    fail "no detached activity record: $(sql "$VERN_STORE" "SELECT id, sid, unlinked FROM records")"
fields=$(sql "$VERN_STORE" "SELECT fields FROM records WHERE category = 'activity'")
[ "$(sql "$VERN_STORE" "SELECT json_extract(fields, '\$.visited_at') FROM records WHERE category = 'activity'")" = 2026-W47 ] ||
    fail "visited_at: $fields"
[ "$(sql "$VERN_STORE" "SELECT json_extract(fields, '\$.ip') FROM records WHERE category = 'activity'")" = 84.210.17.0 ] ||
    fail "ip: $fields"
! grep -q "08:15\|17\.33" <<<"$fields" || fail "the exact time or the full IP address is left: $fields"
[ "$(sql "$VERN_STORE" "SELECT count(*) FROM subjects WHERE ref = 'KV-1'")" = 0 ] || fail "KV-1 is still in the store"

test_case "the same activity record sent again is refused, not stored a second time"
grep '"akt-1"' "$TMP/k.jsonl" >"$TMP/a1.jsonl"
vern ingest "$TMP/a1.jsonl"
expect_rc 65
[ "$(sql "$VERN_STORE" "SELECT count(*) FROM records WHERE category = 'activity'")" = 1 ] ||
    fail "the activity record was stored again"

test_case "the access report names the data protection officer, the contact and the storage area"
vern access --subject KV-2
expect_rc 0
expect_out_contains "HK-dirs personvernombud"
expect_out_contains "redaksjonen@karriereveiledning.no"
expect_out_contains "Innenfor EU/EØS-området"
expect_out_contains "Personvernerklæring for Karriereveiledning.no"
expect_out_contains "Utdanningsbakgrunn"
vern access --subject KV-2 --format json
expect_rc 0
expect_json '"personvernombud" in json.dumps(d, ensure_ascii=False)' True

finish
