# Erased people never come back: back up the store, erase and withdraw, export the erasure
# ledger, restore the backup, replay the ledger: the person is gone again and ingest refuses them.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/rights_lib.sh"
set -e

run "$VERN" audit export-erasures --help
if [ "$RC" -ne 0 ]; then
    echo "skipped: vern audit export-erasures is not built"
    exit 0
fi

fresh_rights_store
test_case "backup, erase, export, restore, replay"
vern init # checkpoints nothing; make sure the WAL is folded into the file before copying
if on_sqlite; then sqlite3 "$TMP/s.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null; fi
copy_store "$TMP/s.db" "$TMP/backup.db"
vern erase --subject K-2
expect_rc 0
vern erase --subject K-1 --category chat
expect_rc 0
vern consent withdraw --subject K-3 --purpose survey
expect_rc 0
vern audit export-erasures --output "$TMP/ledger.jsonl"
expect_rc 0
[ "$(stat -c %a "$TMP/ledger.jsonl")" = 600 ] || fail "ledger mode is not 0600"
python3 - "$TMP/ledger.jsonl" <<'PY' || fail "ledger content"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
types = [(l["type"], l.get("categories"), l.get("complete"), l.get("purpose")) for l in lines]
assert types == [("erasure", ["contact"], True, None), ("erasure", ["chat"], False, None),
                 ("consent_withdrawal", None, None, "survey")], types
for l in lines:
    assert len(l["subject"]) == 64 and l["at"].endswith("Z"), l
PY
for v in K-1 K-2 K-3 Nordmann example.no; do
    grep -q -F "$v" "$TMP/ledger.jsonl" && fail "the ledger holds personal data: $v"
done

# restore the backup
copy_store "$TMP/backup.db" "$TMP/s.db"
subject_exists K-2 || fail "the backup lacks K-2"
vern erase --replay "$TMP/ledger.jsonl" --dry-run --json
expect_rc 0
expect_json 'd["deleted"]' 3
[ "$(count_records K-2)" = 1 ] || fail "--dry-run replay changed the store"
vern erase --replay "$TMP/ledger.jsonl"
expect_rc 0
expect_out_contains "erasure K-2: 1 record deleted, subject removed"
expect_out_contains "consent_withdrawal K-3 (survey): 1 record deleted"
subject_exists K-2 && fail "K-2 came back after the replay"
record_exists chat-1 && fail "chat-1 came back"
record_exists survey-3 && fail "survey-3 came back"
record_exists c-1 || fail "c-1 was not erased, it must stay"

test_case "after the replay, ingest refuses the erased subject and the withdrawn consent"
before=$(store_hash)
grep '"K-2"' "$RIGHTS/data.jsonl" >"$TMP/k2.jsonl"
vern ingest "$TMP/k2.jsonl"
expect_rc 65
grep '"survey-3"' "$RIGHTS/data.jsonl" >"$TMP/s3.jsonl"
vern ingest "$TMP/s3.jsonl"
expect_rc 65
[ "$(store_hash)" = "$before" ] || fail "store changed by a refused ingest"

test_case "replaying again changes nothing; a malformed ledger is refused"
vern erase --replay "$TMP/ledger.jsonl" --json
expect_json 'd["deleted"]' 0
echo '{"type":"erasure","subject":"x"}' >"$TMP/bad.jsonl"
before=$(store_hash)
vern erase --replay "$TMP/bad.jsonl"
expect_rc 65
expect_err_contains "bad.jsonl:1:"
[ "$(store_hash)" = "$before" ] || fail "store changed by a bad ledger"
vern erase --replay "$TMP/nosuch.jsonl"
expect_rc 66
test_case "a consent given again after the withdrawal: the replay keeps what rests on the new consent"
vern consent give --subject K-3 --purpose survey --now 2026-03-12
expect_rc 0
echo '{"type":"record","id":"survey-3b","subject":"K-3","category":"survey","created":"2026-03-13T12:00:00+01:00","fields":{"email":"kari.n@example.no"}}' >"$TMP/s3b.jsonl"
vern ingest "$TMP/s3b.jsonl" --now 2026-03-14
expect_rc 0
if on_sqlite; then sqlite3 "$TMP/s.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null; fi
copy_store "$TMP/s.db" "$TMP/backup2.db"
copy_store "$TMP/backup2.db" "$TMP/s.db"
vern erase --replay "$TMP/ledger.jsonl" --now 2026-03-15 --json
expect_rc 0
expect_json '[(e["type"], e["given_again"], e["deleted"]) for e in d["applied"] if e["type"] == "consent_withdrawal"]' \
    "[('consent_withdrawal', True, 0)]"
record_exists survey-3b || fail "the replay deleted a record resting on the consent given again"
vern erase --replay "$TMP/ledger.jsonl" --now 2026-03-15
expect_out_contains "consent_withdrawal K-3 (survey): consent given again since; nothing deleted"

finish
