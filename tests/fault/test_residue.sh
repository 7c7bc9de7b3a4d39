# Residue (issue 11): personal data that vern removed must not survive anywhere: not in any file
# of the store (the main file, -wal, -shm, -journal, any other file named after the store) and
# not in any output. Unique marker strings are ingested in record ids, subject refs and fields
# (identifiers too: email, phone, name), then removed in every way vern removes data:
#   A  erase --subject            (mail with a long body on overflow pages, booking, notes)
#   B  erase --email              (found through the identifier index)
#   C  consent withdraw           (the records that rested on the consent; the subject stays)
#   D  purge                      (every record due: the subject goes too)
#   E  purge anonymisation        (the name field removed; the record stays)
#   F  a record replaced by a later ingest (its old field values)
#   G  an ingest refused for a bad line (nothing of it may be written)
# After each step the store's files are searched for that step's markers, and at the end for
# all of them; the stdout and stderr of every command (status, plan, audit report in every
# format, audit verify, the erasure ledger export) are searched too. Before the removals, the
# markers must be found in the store (proof that the search works). Exceptions, by design: the
# stdout of `erase` names the erased subject and record ids (its receipt for the operator,
# man vern(1)); field contents must not appear there either.
source "$(dirname "$0")/../cli/lib.sh"
set -e
export VERN_POLICY=$SRC/policies/karrieresenter-telemark
S=store.db
NOW=2026-06-01

# Markers: lower-case (so the normalised identifiers equal them) and unique to this run.
mk() { printf 'zq%s%04x%04x%04x' "$1" $RANDOM $RANDOM $RANDOM; }
digits() { printf '%04d%04d' $((RANDOM % 10000)) $((RANDOM % 10000)); }
REF_A=$(mk refa) ID_A1=$(mk ida1) ID_A2=$(mk ida2) ID_A3=$(mk ida3)
EMAIL_A="$(mk maila)@example.no" NAME_A="$(mk namea) nordmann" BODY_A=$(mk bodya)
NOTE_A=$(mk notea) PHONE_A=$(digits)
REF_B=$(mk refb) ID_B=$(mk idb) EMAIL_B="$(mk mailb)@example.no" NAME_B=$(mk nameb)
ID_C=$(mk idc) NAME_C=$(mk namec) EMAIL_C="$(mk mailc)@example.no" ANSWERS_C=$(mk answersc)
PHONE_C=$(digits)
REF_D=$(mk refd) ID_D1=$(mk idd1) ID_D2=$(mk idd2) ID_D3=$(mk idd3) EMAIL_D="$(mk maild)@example.no"
NOTE_D=$(mk noted)
NAME_E=$(mk namee)
OLD_F=$(mk oldf)
ID_G=$(mk idg) REF_G=$(mk refg) BODY_G=$(mk bodyg)

MARKERS_A=("$REF_A" "$ID_A1" "$ID_A2" "$ID_A3" "$EMAIL_A" "$NAME_A" "$BODY_A" "$NOTE_A" "$PHONE_A")
MARKERS_B=("$REF_B" "$ID_B" "$EMAIL_B" "$NAME_B")
MARKERS_C=("$ID_C" "$NAME_C" "$EMAIL_C" "$ANSWERS_C" "$PHONE_C")
MARKERS_D=("$REF_D" "$ID_D1" "$ID_D2" "$ID_D3" "$EMAIL_D" "$NOTE_D")
MARKERS_E=("$NAME_E")
MARKERS_F=("$OLD_F")
MARKERS_G=("$ID_G" "$REF_G" "$BODY_G")
# Only in field contents (never in an erase receipt).
FIELD_MARKERS=("$EMAIL_A" "$NAME_A" "$BODY_A" "$NOTE_A" "$PHONE_A" "$EMAIL_B" "$NAME_B")

long_body=""
for _ in $(seq 1 300); do long_body+="Lang tekst om saken. "; done

cat >markers.jsonl <<JSONL
{"type":"subject","ref":"$REF_A"}
{"type":"record","id":"$ID_A1","subject":"$REF_A","category":"mailbox","created":"2026-05-29T10:00:00+02:00","fields":{"from":"$EMAIL_A","subject":"Time","body":"$long_body $BODY_A $long_body","received_at":"2026-05-29T10:00:00+02:00"}}
{"type":"record","id":"$ID_A2","subject":"$REF_A","category":"booking","created":"2026-05-20T10:00:00+02:00","fields":{"name":"$NAME_A","email":"$EMAIL_A","phone":"+47 $PHONE_A","appointment_at":"2026-06-10T10:00:00+02:00","duration_min":45,"reason":"jobb","mode":"video","location":"Skien"}}
{"type":"record","id":"$ID_A3","subject":"$REF_A","category":"session_notes","created":"2026-05-20T10:00:00+02:00","fields":{"text":"$NOTE_A","session_at":"2026-05-20T10:00:00+02:00"}}
{"type":"record","id":"$ID_B","subject":"$REF_B","category":"booking","created":"2026-05-25T10:00:00+02:00","fields":{"name":"$NAME_B","email":"$EMAIL_B","phone":"+47 400 00 000","appointment_at":"2026-06-10T10:00:00+02:00","duration_min":45,"reason":"jobb","mode":"video","location":"Skien"}}
{"type":"subject","ref":"RES-C"}
{"type":"consent","subject":"RES-C","purpose":"inflow24","given":"2026-05-01T10:00:00+02:00"}
{"type":"record","id":"$ID_C","subject":"RES-C","category":"inflow24","created":"2026-05-02T10:00:00+02:00","fields":{"name":"$NAME_C","email":"$EMAIL_C","postcode":"3700","mobile":"+47 $PHONE_C","country":"Norge","gender":"kvinne","birth_year":1990,"answers":"$ANSWERS_C"}}
{"type":"record","id":"RES-C-mail","subject":"RES-C","category":"mailbox","created":"2026-05-30T10:00:00+02:00","fields":{"from":"res-c@example.no","subject":"Hei","body":"Hei","received_at":"2026-05-30T10:00:00+02:00"}}
{"type":"record","id":"$ID_D1","subject":"$REF_D","category":"mailbox","created":"2026-01-10T10:00:00+01:00","fields":{"from":"$EMAIL_D","subject":"Time","body":"$long_body","received_at":"2026-01-10T10:00:00+01:00"}}
{"type":"record","id":"$ID_D2","subject":"$REF_D","category":"booking","created":"2026-01-10T10:00:00+01:00","fields":{"name":"Dag D","email":"$EMAIL_D","phone":"+47 400 00 001","appointment_at":"2026-01-12T10:00:00+01:00","duration_min":45,"reason":"jobb","mode":"video","location":"Skien"}}
{"type":"event","record":"$ID_D2","kind":"appointment_held","at":"2026-01-12T11:00:00+01:00"}
{"type":"record","id":"$ID_D3","subject":"$REF_D","category":"session_notes","created":"2026-01-12T10:00:00+01:00","fields":{"text":"$NOTE_D","session_at":"2026-01-12T10:00:00+01:00"}}
{"type":"event","subject":"$REF_D","kind":"last_session","at":"2026-01-12T12:00:00+01:00"}
{"type":"record","id":"RES-E-reg","subject":"RES-E","category":"session_registration","created":"2026-02-01T10:00:00+01:00","fields":{"name":"$NAME_E","gender":"mann","age_group":"30-39","education":"fagbrev","occupation":"arbeid","immigrant":false,"session_at":"2026-02-01T10:00:00+01:00","duration_min":60,"channel":"video","topic":"CV","municipality":"Skien"}}
{"type":"event","subject":"RES-E","kind":"last_session","at":"2026-02-01T11:00:00+01:00"}
{"type":"record","id":"RES-F-mail","subject":"RES-F","category":"mailbox","created":"2026-05-30T10:00:00+02:00","fields":{"from":"res-f@example.no","subject":"Hei","body":"$OLD_F","received_at":"2026-05-30T10:00:00+02:00"}}
JSONL
cat >replace.jsonl <<JSONL
{"type":"record","id":"RES-F-mail","subject":"RES-F","category":"mailbox","created":"2026-05-30T10:00:00+02:00","fields":{"from":"res-f@example.no","subject":"Hei","body":"rettet","received_at":"2026-05-30T10:00:00+02:00"}}
JSONL
cat >refused.jsonl <<JSONL
{"type":"record","id":"$ID_G","subject":"$REF_G","category":"mailbox","created":"2026-05-30T10:00:00+02:00","fields":{"from":"g@example.no","subject":"Hei","body":"$long_body $BODY_G","received_at":"2026-05-30T10:00:00+02:00"}}
{"type":"record","id":"bad","subject":"x","category":"no_such_category","created":"2026-05-30"}
JSONL
head -400 "$SRC/examples/data/karrieresenter-telemark.jsonl" >background.jsonl

OUTPUTS=()
# step NAME ARGS...: runs vern with ARGS on the store, keeping its stdout and stderr.
step() {
    local name=$1
    shift
    vern "$@"
    printf '%s' "$OUT" >"out.$name.stdout"
    printf '%s' "$ERR" >"out.$name.stderr"
    OUTPUTS+=("out.$name.stdout" "out.$name.stderr")
}
# store_files: every file named after the store (main file, -wal, -shm, -journal, locks).
store_files() { ls -1 "$S" "$S"?* 2>/dev/null || true; }
# found_in FILE MARKER...: prints the markers found in FILE (one grep for all of them).
found_in() {
    local f=$1
    shift
    printf '%s\n' "$@" >"$TMP/.markers"
    grep -aoFf "$TMP/.markers" -- "$f" | sort -u || true
}
# expect_gone WHEN MARKER...: none of the markers in any file of the store.
expect_gone() {
    local when=$1 m f
    shift
    for f in $(store_files); do
        while IFS= read -r m; do
            fail "residue after $when: '$m' in $f ($(stat -c %s "$f") bytes) at byte" \
                 "offset(s) $(grep -aboF -- "$m" "$f" | cut -d: -f1 | head -5 | tr '\n' ' ')"
        done < <(found_in "$f" "$@")
    done
}

test_case "setup: the markers are in the store after ingest (the search works)"
"$VERN" init --store $S -q >/dev/null
step ingest ingest --store $S --now $NOW background.jsonl markers.jsonl
expect_rc 0
# Fold the WAL in as vern's own close does, then look for every marker but F's and G's.
sqlite3 $S "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
PRESENT=("${MARKERS_A[@]}" "${MARKERS_B[@]}" "${MARKERS_C[@]}" "${MARKERS_D[@]}"
         "${MARKERS_E[@]}" "${MARKERS_F[@]}")
found=$(for f in $(store_files); do found_in "$f" "${PRESENT[@]}"; done | sort -u)
for m in "${PRESENT[@]}"; do
    # NAME_A holds a space: found_in prints it on one line, so compare whole lines.
    grep -qxF -- "$m" <<<"$found" ||
        fail "marker $m is not in the store after ingest: the search cannot work"
done

test_case "control: a row deleted without secure_delete leaves residue the search finds"
CONTROL=$(mk control)
cp $S control.db
sqlite3 control.db "PRAGMA secure_delete = OFF; PRAGMA journal_mode = DELETE;
                    INSERT INTO meta(key, value) VALUES ('residue-control', '$CONTROL');" >/dev/null
sqlite3 control.db "PRAGMA secure_delete = OFF; DELETE FROM meta WHERE key = 'residue-control';"
[ "$(sql control.db "SELECT count(*) FROM meta WHERE value = '$CONTROL'")" = 0 ] ||
    fail "control row not deleted"
[ -n "$(found_in control.db "$CONTROL")" ] ||
    fail "the control marker deleted without secure_delete is not found: the search cannot work"
rm -f control.db*

test_case "G: an ingest refused for a bad line writes nothing"
step refused ingest --store $S --now $NOW refused.jsonl
expect_rc 65
expect_gone "the refused ingest" "${MARKERS_G[@]}"

test_case "F: a record replaced by a later ingest"
step replace ingest --store $S --now $NOW replace.jsonl
expect_rc 0
expect_gone "the replacing ingest" "${MARKERS_F[@]}"

test_case "A: erase --subject"
step eraseA erase --store $S --now $NOW --subject "$REF_A"
expect_rc 0
expect_out_contains "erased 3 records"
expect_gone "erase --subject" "${MARKERS_A[@]}"

test_case "B: erase --email"
step eraseB erase --store $S --now $NOW --email "$EMAIL_B"
expect_rc 0
expect_out_contains "erased 1 record"
expect_gone "erase --email" "${MARKERS_B[@]}"

test_case "C: consent withdraw"
step withdrawC consent withdraw --store $S --now $NOW --subject RES-C --purpose inflow24
expect_rc 0
[ "$(sql $S "SELECT count(*) FROM records WHERE id = '$ID_C'")" = 0 ] ||
    fail "the withdrawal did not delete the inflow24 record"
expect_gone "consent withdraw" "${MARKERS_C[@]}"

test_case "D, E: purge deletes and anonymises"
E_RID=$(sql $S "SELECT rid FROM records WHERE id = 'RES-E-reg'")
step purge purge --store $S --now $NOW
expect_rc 0
[ "$(sql $S "SELECT count(*) FROM subjects WHERE ref = '$REF_D'")" = 0 ] ||
    fail "the purge left subject D"
# Unlinked, the registration has a fresh id: found by its row.
[ "$(sql $S "SELECT count(*) FROM records WHERE rid = $E_RID AND unlinked = 1")" = 1 ] ||
    fail "the purge deleted E's registration instead of anonymising it"
expect_gone "purge" "${MARKERS_D[@]}" "${MARKERS_E[@]}"

test_case "every output"
step status status --store $S --now $NOW
step plan plan --store $S --now 2027-06-01 --within 1y
step report_text audit report --store $S --now $NOW
step report_json audit report --store $S --now $NOW --format json
step report_csv audit report --store $S --now $NOW --format csv
step verify audit verify --store $S
expect_rc 0
step ledger audit export-erasures --store $S --output ledger.jsonl
OUTPUTS+=(ledger.jsonl)
ALL=("${MARKERS_A[@]}" "${MARKERS_B[@]}" "${MARKERS_C[@]}" "${MARKERS_D[@]}" "${MARKERS_E[@]}"
     "${MARKERS_F[@]}" "${MARKERS_G[@]}")
for f in "${OUTPUTS[@]}"; do
    [ -e "$f" ] || { fail "no output file $f"; continue; }
    case $f in
    out.eraseA.stdout | out.eraseB.stdout) markers=("${FIELD_MARKERS[@]}") ;; # receipts
    *) markers=("${ALL[@]}") ;;
    esac
    while IFS= read -r m; do
        fail "residue in output $f: '$m'"
    done < <(found_in "$f" "${markers[@]}")
done

test_case "at the end, in every file of the store"
expect_gone "all steps" "${ALL[@]}"
echo "store files: $(for f in $(store_files); do printf "%s (%s bytes) " "$f" "$(stat -c %s "$f")"; done)"
finish
