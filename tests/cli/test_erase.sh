# vern erase: exceptions (hold, legal obligation, processor), --dry-run, --category, --request,
# re-ingest refused after an erasure, and no erased value left in the store's bytes.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/rights_lib.sh"
set -e

test_case "--dry-run shows the exact outcome and changes nothing"
fresh_rights_store
before=$(store_hash)
vern erase --subject K-1 --dry-run --json
expect_rc 0
expect_json 'd["dry_run"]' True
expect_json '[(c["category"], c["outcome"], c["records"]) for c in d["categories"]]' \
  "[('contact', 'erased', 1), ('chat', 'erased', 1), ('survey', 'erased', 1), ('invoice', 'legal_obligation', 1), ('nav_case', 'processor', 1), ('health', 'erased', 1)]"
expect_json 'd["subject_removed"]' False
[ "$(store_hash)" = "$before" ] || fail "store changed by --dry-run"
[ "$(count_records K-1)" = 6 ] || fail "records gone after --dry-run"

test_case "erasure keeps held, legal-obligation and processor records and says why"
vern hold place --category chat --reason "tilsynssak 2026/3"
vern erase --subject K-1 --reason "art. 17 request by letter"
expect_rc 0
expect_out_contains "erase K-1"
expect_out_contains "held        chat"
expect_out_contains "retained    invoice"
expect_out_contains "legal obligation: bokføringsloven § 13"
expect_out_contains "referred    nav_case"
expect_out_contains "the request belongs to NAV"
expect_out_contains "erased 3 records, 3 records retained"
expect_out_contains "subject K-1 stays in the store"
record_exists chat-1 || fail "held chat-1 erased"
record_exists inv-1 || fail "legal-obligation inv-1 erased"
record_exists nav-1 || fail "processor nav-1 erased"
for r in c-1 survey-1 health-1; do record_exists $r && fail "$r not erased"; done
n=$(sql "$TMP/s.db" "SELECT sum(count) FROM audit WHERE command = 'erase' AND action = 'erase'")
[ "$n" = 3 ] || fail "audit erase count $n, expected 3"

test_case "an unknown --category is refused (65), the store unchanged"
before=$(store_hash)
vern erase --subject K-1 --category nosuch
expect_rc 65
expect_err_contains 'unknown category "nosuch"'
[ "$(store_hash)" = "$before" ] || fail "store changed"

test_case "--category narrows; --include-processor; the subject goes when nothing is left"
vern erase --subject K-1 --category nav_case --include-processor --json
expect_rc 0
expect_json 'd["erased"]' 1
expect_json 'd["subject_removed"]' False
vern hold release 1
vern erase --subject K-1 --category chat --json
expect_json 'd["erased"]' 1
[ "$(count_records K-1)" = 1 ] || fail "expected only inv-1 left"

test_case "records erased from a subject that stays are refused by a later ingest; retained and new ones are not"
before=$(store_hash)
grep '"K-1"' "$RIGHTS/data.jsonl" >"$TMP/k1.jsonl"
vern ingest "$TMP/k1.jsonl"
expect_rc 65
expect_err_contains 'record "c-1" of subject "K-1" was erased; it is never ingested again'
expect_err_contains 'record "chat-1" of subject "K-1" was erased'
expect_err_contains 'record "nav-1" of subject "K-1" was erased'
[ "$(store_hash)" = "$before" ] || fail "store changed by a refused ingest"
record_exists c-1 && fail "c-1 came back"
grep '"inv-1"' "$RIGHTS/data.jsonl" >"$TMP/inv1.jsonl"
vern ingest "$TMP/inv1.jsonl"
expect_rc 0
echo '{"type":"record","id":"c-1-new","subject":"K-1","category":"contact","created":"2026-03-09T10:00:00+01:00","fields":{"email":"ola@example.no"}}' >"$TMP/new.jsonl"
vern ingest "$TMP/new.jsonl"
expect_rc 0
record_exists c-1-new || fail "a new record of a partly erased subject was refused"
sql "$TMP/s.db" "SELECT pseudonym FROM erased" | grep -q "K-1\|c-1" && fail "the erased table holds a ref or record id"

test_case "complete erasure of a subject; re-ingest refused (65, store unchanged)"
erased_before=$(sql "$TMP/s.db" "SELECT count(*) FROM erased")
vern erase --subject K-2 --json
expect_rc 0
expect_json 'd["subject_removed"]' True
subject_exists K-2 && fail "K-2 still in the store"
[ "$(sql "$TMP/s.db" "SELECT count(*) FROM erased")" = $((erased_before + 1)) ] || fail "no erased pseudonym"
before=$(store_hash)
grep '"K-2"' "$RIGHTS/data.jsonl" >"$TMP/k2.jsonl"
vern ingest "$TMP/k2.jsonl"
expect_rc 65
[ "$(store_hash)" = "$before" ] || fail "store changed by a refused ingest"
subject_exists K-2 && fail "K-2 came back"
vern access --subject K-2
expect_rc 1

test_case "--request closes an erasure request of the same subject"
vern request open --kind erasure --subject K-3 --received 2026-03-09
vern request open --kind access --subject K-3 --received 2026-03-09
before=$(store_hash)
vern erase --subject K-3 --request 2
expect_rc 1
expect_err_contains "request 2 is a access request, not erasure"
[ "$(store_hash)" = "$before" ] || fail "store changed by a refused erase"
vern erase --subject K-3 --request 1
expect_rc 0
expect_out_contains "request 1 closed"
vern request list --json
expect_json '[r["status"] for r in d["requests"]]' "['closed', 'open']"

test_case "erased values are not in the bytes of the store, its WAL or journal"
# (on PostgreSQL, not in a dump of the store's schema)
dump_if_postgresql() { if on_postgresql; then dump_store "$TMP/s.db" >"$TMP/s.dump"; fi; }
fresh_rights_store
vern erase --subject K-1 --include-processor
vern purge --now 2026-03-10
: >"$TMP/none"
dump_if_postgresql
for f in "$TMP/s.db" "$TMP/s.db-wal" "$TMP/s.db-journal" "$TMP/s.dump"; do
    [ -f "$f" ] || continue
    for v in "Ola Nordmann" "Ola.Nordmann@Example.no" "ola.nordmann@example.no" "ola nordmann" \
             "Jeg vurderer" "Ryggplager" "Sluttrapport utkast" "02028545692"; do
        c=$(grep -c -a -F -- "$v" "$f" || true)
        # inv-1 (legal obligation) legitimately keeps the name.
        if [ "$v" = "Ola Nordmann" ] || [ "$v" = "ola nordmann" ]; then continue; fi
        [ "$c" = 0 ] || fail "$v found $c times in $(basename "$f")"
    done
done
vern erase --subject K-3
dump_if_postgresql
for f in "$TMP/s.db" "$TMP/s.db-wal" "$TMP/s.db-journal" "$TMP/s.dump"; do
    [ -f "$f" ] || continue
    # K-2 (not erased) has the same normalised name "kari nordmann".
    for v in "KARI  nordmann" "kari.n@example.no" "22 33 44 55" "22334455"; do
        c=$(grep -c -a -F -- "$v" "$f" || true)
        [ "$c" = 0 ] || fail "$v found $c times in $(basename "$f")"
    done
done
finish
