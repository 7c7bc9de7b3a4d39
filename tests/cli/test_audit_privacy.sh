# The audit log holds no personal data (SPEC section 7): after ingest, purge, erase, access,
# consent, hold and request operations, neither the audit table's rows nor the bytes of its pages
# in the database file contain a subject ref, name, email, phone or field value.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/audit_lib.sh"
set -e

fresh_store
"$VERN" purge -q --now 2026-04-02 >/dev/null
"$VERN" access -q --subject K-1001 --now 2026-04-02 >/dev/null
"$VERN" access -q --email ola.hansen@example.no --format json --now 2026-04-02 >/dev/null
"$VERN" consent give -q --subject K-1002 --purpose survey --now 2026-04-02 >/dev/null
"$VERN" consent withdraw -q --subject K-1001 --purpose survey --now 2026-04-02 >/dev/null
"$VERN" hold place -q --subject K-1002 --reason "complaint by Ola Hansen" --now 2026-04-02 >/dev/null
"$VERN" hold release -q 1 --now 2026-04-02 >/dev/null
"$VERN" request open -q --kind erasure --subject K-1003 --now 2026-04-02 >/dev/null
"$VERN" erase -q --subject K-1003 --request 1 --now 2026-04-03 >/dev/null
"$VERN" erase -q --name "ola  HANSEN" --now 2026-04-03 >/dev/null
"$VERN" purge -q --now 2026-04-11 >/dev/null
if on_sqlite; then
    # SQLite only: the WAL folded into the file, whose pages are read below.
    sqlite3 s.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fi

# Everything personal in the fixture and in the commands above.
NEEDLES=(K-1001 K-1002 K-1003 "Kari Nordmann" Nordmann "Ola Hansen" "Per Person"
    kari.nordmann@example.no ola.hansen@example.no per.person@example.no
    "+47 912 34 567" 91234567 "+47 480 11 222" 48011222 "+47 930 00 111" 93000111
    Oslogata "Trenger hjelp" sykepleier "Greit nok" "Spørsmål om studier" Tromsøveien
    "complaint by")

test_case "the audit log recorded every kind of operation"
KINDS=$(sql s.db "SELECT DISTINCT command || '/' || action FROM audit ORDER BY 1" | tr '\n' ' ')
for k in access/access consent/give consent/withdraw consent/delete erase/erase erase/erase_subject \
    hold/hold_place hold/hold_release ingest/ingest purge/delete purge/anonymize \
    request/request_open erase/request_close; do
    grep -qw -- "$k" <<<"$KINDS" || fail "no $k entry; entries: $KINDS"
done

test_case "the audit rows hold no personal data"
sql s.db "SELECT * FROM audit" >audit.txt
[ -s audit.txt ] || fail "empty audit dump"
for n in "${NEEDLES[@]}"; do
    ! grep -qiF -- "$n" audit.txt || fail "audit rows contain '$n'"
done

test_case "the audit table's pages in the file hold no personal data"
# SQLite only: the pages of the store file (dbstat).
if on_sqlite; then
    PAGE=$(sql s.db "PRAGMA page_size")
    PAGES=$(sql s.db "SELECT pageno FROM dbstat WHERE name = 'audit'")
    [ -n "$PAGES" ] || fail "no pages for the audit table (dbstat)"
    : >audit-pages.bin
    for p in $PAGES; do
        dd if=s.db bs="$PAGE" skip=$((p - 1)) count=1 status=none >>audit-pages.bin
    done
    strings -n 4 audit-pages.bin >audit-strings.txt
    grep -q purge audit-strings.txt || fail "the pages read are not the audit table's"
    # control: the ref is in the file (the subjects table keeps K-1001, whose consent was withdrawn)
    strings -n 4 s.db | grep -qF K-1001 || fail "control: K-1001 not found in the file at all"
    for n in "${NEEDLES[@]}"; do
        ! grep -qiF -- "$n" audit-strings.txt || fail "audit pages contain '$n'"
    done
fi

test_case "subjects appear only as 64-hex keyed pseudonyms"
BAD=$(sql s.db "SELECT subject FROM audit WHERE subject <> ''" | grep -cvE '^[0-9a-f]{64}$' || true)
[ "$BAD" = 0 ] || fail "$BAD audit entries with a subject that is not a pseudonym"
[ -n "$(sql s.db "SELECT subject FROM audit WHERE subject <> ''")" ] || fail "no audit entry has a subject"

finish
