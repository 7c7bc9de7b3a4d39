# Hardening of the rights and audit commands (issue 11): --expect-head "" is an error and every
# writing run names the new audit head; --output never follows a planted link and a report that
# was not delivered is not audited; free-text reasons go with the person; refs and ids with
# control characters are escaped in text output; erase under a subject hold; H-numbers and
# synthetic national ids; a store whose directory is read-only.
source "$(dirname "$0")/lib.sh"
set -e

H=$SRC/tests/data/hardening/policy.toml
export VERN_STORE=$TMP/s.db VERN_POLICY=$H VERN_NOW=2026-03-10
new_store() {
    remove_store "$TMP/s.db"
    "$VERN" init -q >/dev/null
    cat >"$TMP/base.jsonl" <<'JSONL'
{"type":"record","id":"a-1","subject":"A-1","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Ola Nordmann","phone":"+47 912 34 567","fnr":"15418510002"}}
{"type":"record","id":"a-2","subject":"A-1","category":"ledger","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Ola Nordmann"}}
{"type":"record","id":"b-1","subject":"B-1","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Kari Nordmann","fnr":"15858510055"}}
{"type":"record","id":"b-2","subject":"B-1","category":"visitor","created":"2026-03-03T10:00:00+01:00","fields":{"name":"Kari Nordmann"}}
JSONL
    "$VERN" ingest -q "$TMP/base.jsonl" >/dev/null
}
head_now() { "$VERN" audit verify --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["head"])'; }
audit_count() { sql "$VERN_STORE" "SELECT count(*) FROM audit"; }

test_case "audit verify: an empty or malformed --expect-head is a usage error, never 'no check'"
new_store
for bad in "" "abc" "$(printf 'g%.0s' {1..64})"; do
    vern audit verify --expect-head "$bad"
    expect_rc 2
    expect_err_contains "--expect-head"
    expect_err_contains "expected a hash of 64 hex characters"
done
vern audit verify --expect-head "$(cat "$TMP/no-such-head" 2>/dev/null)"
expect_rc 2
expect_err_contains "an empty value is an error: is the file the head was kept in missing or empty?"
vern audit verify "--expect-head=$(cat "$TMP/no-such-head" 2>/dev/null)"
expect_rc 2
vern audit verify --expect-head "$(head_now)"
expect_rc 0

test_case "every writing run names the new audit head (JSON audit_head; text: stderr)"
new_store
printf '%s\n' '{"type":"record","id":"c-1","subject":"C-1","category":"visitor","created":"2026-03-02T10:00:00+01:00","fields":{"name":"Per"}}' >c.jsonl
check_head() { # the JSON document in $OUT names the current head
    expect_rc 0
    expect_json 'd["audit_head"]' "$(head_now)"
}
vern ingest c.jsonl --json; check_head
vern purge --now 2026-03-10 --json; check_head
vern consent give --subject C-1 --purpose sms --json; check_head
vern consent withdraw --subject C-1 --purpose sms --json; check_head
vern hold place --subject C-1 --reason x --json; check_head
vern hold release 1 --json; check_head
vern request open --kind access --subject B-1 --json; check_head
vern request extend 1 --reason "more time" --json; check_head
vern request close 1 --json; check_head
vern erase --subject C-1 --json; check_head
vern status --json
expect_json 'd["audit_head"]' "$(head_now)"
vern status
expect_out_contains "audit head  $(head_now)"
vern access --subject B-1 --output r.txt
expect_rc 0
expect_err_contains "vern: audit head $(head_now) (entry $(audit_count))"
vern access --subject B-1 --json
expect_rc 0
expect_err_contains "vern: audit head $(head_now)"
vern purge --now 2026-03-11
expect_err_contains "vern: audit head $(head_now)"
expect_out_not_contains "audit head" # standard output stays as it was
vern plan --now 2026-03-11 --json
python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit("audit_head" in d)' <<<"$OUT" ||
    fail "plan writes nothing and names no head"
# The nightly job of vern(1): keep the head outside the store, check it the next night.
mkdir -p heads
copy_store s.db older-copy.db # what an attacker would put back: the log as it was before this night
"$VERN" purge -q --now 2026-03-12 --json >purge.json
sed -n 's/^  "audit_head": "\([0-9a-f]*\)",\{0,1\}$/\1/p' purge.json >heads/audit-head
[ "$(cat heads/audit-head)" = "$(head_now)" ] || fail "the man page's sed does not extract the head"
vern audit verify --expect-head "$(cat heads/audit-head)"
expect_rc 0
vern --store older-copy.db audit verify --expect-head "$(cat heads/audit-head)"
expect_rc 1
expect_err_contains "broken"
rm heads/audit-head
vern audit verify --expect-head "$(cat heads/audit-head 2>/dev/null)"
expect_rc 2

test_case "--output never follows a link planted at a predictable temporary name"
new_store
echo "precious" >victim
chmod 644 victim
ln -s "$TMP/victim" report.txt.tmp
ln -s "$TMP/victim" ledger.jsonl.tmp
for n in 1 2 3 4 5; do ln -sf "$TMP/victim" ".report.txt.tmp.$n"; done
vern access --subject A-1 --output report.txt
expect_rc 0
[ "$(cat victim)" = "precious" ] || fail "the report was written through the link: $(head -c 80 victim)"
[ "$(stat -c %a victim)" = 644 ] || fail "the link's target was re-moded: $(stat -c %a victim)"
[ -L report.txt.tmp ] || fail "the planted link was replaced"
[ "$(stat -c %a report.txt)" = 600 ] || fail "report.txt mode $(stat -c %a report.txt)"
grep -q "a-1" report.txt || fail "report.txt lacks the record"
[ -z "$(find . -maxdepth 1 -name '.report.txt.vern-*')" ] || fail "a temporary file was left behind"
vern audit export-erasures --output ledger.jsonl
expect_rc 0
[ "$(cat victim)" = "precious" ] || fail "the ledger was written through the link"
[ "$(stat -c %a ledger.jsonl)" = 600 ] || fail "ledger mode $(stat -c %a ledger.jsonl)"
# A link AT the target itself is replaced by the file (rename), its target left alone.
ln -s "$TMP/victim" linked.txt
vern access --subject A-1 --output linked.txt
expect_rc 0
[ ! -L linked.txt ] && [ "$(cat victim)" = "precious" ] || fail "--output followed a link at the target"

test_case "an access report that cannot be delivered is neither audited nor closes its request"
new_store
vern request open --kind access --subject B-1
expect_rc 0
mkdir outdir
n=$(audit_count)
vern access --subject B-1 --output outdir --request 1
expect_rc 74
expect_err_contains "cannot write 'outdir': it is a directory; give the name of a file to write; the access report was not written, nothing was audited and the request stays open"
[ "$(audit_count)" = "$n" ] || fail "the access was audited"
vern request list --json
expect_json 'd["requests"][0]["status"]' open
# A report that cannot be moved into place (a directory that is not empty at the target is
# caught above; here the rename itself fails) is withdrawn from the transaction too.
vern access --subject B-1 --output no/such/dir/r.txt --request 1
expect_rc 74
expect_err_contains "nothing was audited and the request stays open"
[ "$(audit_count)" = "$n" ] || fail "the access was audited"
vern access --subject B-1 --output r.txt --request 1
expect_rc 0
vern request list --json
expect_json 'd["requests"][0]["status"]' closed

test_case "free-text reasons that name the person go with the person's erasure"
new_store
vern request open --kind erasure --subject A-1
vern request extend 1 --reason "Venter på legeerklæring fra Ola Nordmann"
expect_rc 0
vern hold place --subject A-1 --reason "Tvist med Ola Nordmann, sak 2026/17"
expect_rc 0
vern hold place --category ledger --reason "Bokettersyn 2026"
vern erase --subject A-1 --request 1 --json
expect_rc 0
expect_json 'd["subject_removed"]' False # a hold keeps the subject
expect_json 'd["erased"], d["retained"]' "(0, 2)"
[ "$(sql "$VERN_STORE" "SELECT extension_reason FROM requests WHERE qid = 1")" = "[removed with the subject's data]" ] ||
    fail "request reason: $(sql "$VERN_STORE" "SELECT extension_reason FROM requests")"
[ "$(sql "$VERN_STORE" "SELECT reason FROM holds WHERE hid = 1")" = "[removed with the subject's data]" ] ||
    fail "hold reason: $(sql "$VERN_STORE" "SELECT reason FROM holds")"
[ "$(sql "$VERN_STORE" "SELECT reason FROM holds WHERE hid = 2")" = "Bokettersyn 2026" ] ||
    fail "a category hold's reason is not the person's"
vern hold list
expect_out_contains "[removed with the subject's data]"
vern request list --json
expect_json 'd["requests"][0]["extension_reason"]' "[removed with the subject's data]"
expect_json 'd["requests"][0]["extended_due"] is not None' True
# The same when the subject leaves through a purge (its last record deleted, its request closed).
vern request open --kind access --subject B-1
vern request extend 2 --reason "Kari Nordmann ber om papirkopi"
vern request close 2
vern purge --now 2027-03-04 --json
expect_json 'd["subjects_removed"] >= 1' True
[ "$(sql "$VERN_STORE" "SELECT extension_reason FROM requests WHERE qid = 2")" = "[removed with the subject's data]" ] ||
    fail "request 2 reason: $(sql "$VERN_STORE" "SELECT extension_reason FROM requests WHERE qid = 2")"
! dump_store "$VERN_STORE" | grep -q "legeerklæring\|Tvist\|papirkopi" ||
    fail "a reason survived: $(dump_store "$VERN_STORE" | grep "legeerklæring\|Tvist\|papirkopi")"

test_case "erase under a subject hold: nothing erased, the subject stays; after release all goes"
new_store
vern hold place --subject B-1 --reason "sak 17"
vern erase --subject B-1 --json
expect_rc 0
expect_json 'd["erased"], d["retained"], d["subject_removed"]' "(0, 2, False)"
expect_json '[c["outcome"] for c in d["categories"]]' "['held']"
[ "$(sql "$VERN_STORE" "SELECT count(*) FROM records WHERE id IN ('b-1','b-2')")" = 2 ] || fail "held records erased"
vern hold release 1
vern erase --subject B-1 --json
expect_json 'd["erased"], d["subject_removed"]' "(2, True)"

test_case "refs and ids with terminal control characters are escaped in text output"
new_store
cat >evil.jsonl <<'JSONL'
{"type":"record","id":"e-\u001b[31mred","subject":"E-\u001b]0;owned\u0007","category":"visitor","created":"2026-01-02T10:00:00+01:00","fields":{"name":"x\u009b2J"}}
JSONL
"$VERN" ingest -q evil.jsonl >/dev/null
EVIL_REF=$(printf 'E-\033]0;owned\007')
has_raw() { LC_ALL=C grep -q $'[\x1b\x07]\|\xc2\x9b' <<<"$1"; }
for cmd in "plan --list" "explain --subject $EVIL_REF" "request open --kind access --subject $EVIL_REF" \
    "request list" "hold place --subject $EVIL_REF --reason r" "hold list" "access --subject $EVIL_REF" \
    "consent list --subject $EVIL_REF" "erase --subject $EVIL_REF --dry-run" "purge --now 2027-01-03 --list"; do
    # shellcheck disable=SC2086
    IFS=' ' read -r -a args <<<"$cmd"
    vern "${args[@]}"
    [ "$RC" = 0 ] || fail "$cmd: exit $RC: $ERR"
    ! has_raw "$OUT$ERR" || fail "$cmd printed a raw control character"
    grep -qF 'E-\x1b]0;owned\x07' <<<"$OUT$ERR" || grep -qF 'e-\x1b[31mred' <<<"$OUT$ERR" ||
        fail "$cmd: no escaped ref or id in: $OUT"
done
vern explain --subject "E-$(printf '\033')nobody"
expect_rc 1
! has_raw "$ERR" || fail "an error message printed a raw control character"

test_case "national ids: H-numbers (month+40) and synthetic test numbers (month+80) are accepted"
new_store
vern access --national-id 15418510002 --json
expect_rc 0
expect_json 'd["subject"]["ref"]' A-1
vern access --national-id 15858510055 --json
expect_rc 0
expect_json 'd["subject"]["ref"]' B-1
for bad in 15538510030 15938510013 72018510058; do
    vern access --national-id $bad
    expect_rc 65
    expect_err_contains "invalid national id: the date part is not a valid day and month"
done

test_case "a store in a directory this user cannot write: exit 77 naming the directory"
# SQLite only: the store file's directory.
if on_sqlite; then
    new_store
    mkdir -p ro
    cp s.db ro/s.db
    if [ "$(id -u)" -eq 0 ]; then
        chmod 755 "$TMP" ro
        chown 65534 ro/s.db
        as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    else
        chmod 555 ro
        as_user() { "$@"; }
    fi
    if [ "$(id -u)" -ne 0 ] || command -v setpriv >/dev/null; then
        run as_user "$VERN" --store ro/s.db purge --now 2026-03-10
        expect_rc 77
        expect_err_contains "store 'ro/s.db': the directory 'ro' is not writable by this user, and SQLite must create 'ro/s.db-wal' and 'ro/s.db-shm' there, even to read the store"
        run as_user "$VERN" --store ro/s.db status
        expect_rc 77
        expect_err_contains "the directory 'ro' is not writable by this user"
    fi
    chmod 755 ro
fi

finish
