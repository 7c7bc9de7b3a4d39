# vern audit verify: the hash chain is recomputed; every form of tampering (a changed, removed or
# reordered entry, a truncated tail) is found and named; text and JSON; exit codes.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/cli/audit_lib.sh"
set -e

# a store with a dozen entries: ingest, a purge, an erasure, a hold
busy_store() {
    fresh_store
    "$VERN" purge -q --now 2026-04-11 >/dev/null
    "$VERN" erase -q --subject K-1003 --now 2026-04-12 >/dev/null
    "$VERN" hold place -q --category note --reason "case 7" --now 2026-04-12 >/dev/null
    N=$(sql "$VERN_STORE" "SELECT count(*) FROM audit")
    [ "$N" -ge 8 ] || fail "expected at least 8 audit entries, got $N"
}

test_case "empty log: intact, genesis head"
remove_store s.db
"$VERN" init -q >/dev/null
vern audit verify
expect_rc 0
expect_out_contains "audit log intact: 0 entries"
vern audit verify --json
expect_json 'd["head"]' 0000000000000000000000000000000000000000000000000000000000000000
expect_json 'd["entries"]' 0

test_case "intact: exit 0, the head hash and the entry count"
busy_store
vern audit verify
expect_rc 0
expect_out_equals "audit log intact: $N entries
head $(head_hash) (entry $N)"
vern audit verify --json
expect_rc 0
expect_json 'd["intact"]' True
expect_json 'd["entries"]' "$N"
expect_json 'd["head"]' "$(head_hash)"
expect_json 'd["problem"]' none
expect_json 'd["bad_seq"]' None

test_case "a changed entry: hash mismatch, named by seq"
busy_store
tamper "UPDATE audit SET count = count + 1 WHERE seq = 3"
vern audit verify
expect_rc 1
expect_err_contains "vern: the audit log is broken: entry 3 was changed: its hash does not match its contents"
expect_err_contains "the chain is intact up to entry 2"
vern audit verify --json
expect_rc 1
expect_json 'd["intact"]' False
expect_json 'd["problem"]' changed
expect_json 'd["bad_seq"]' 3
expect_json 'd["head_seq"]' 2

test_case "a changed text field (the category) is found too"
busy_store
tamper "UPDATE audit SET category = 'chat2' WHERE seq = 5"
vern audit verify --json
expect_rc 1
expect_json 'd["problem"]' changed
expect_json 'd["bad_seq"]' 5

test_case "a changed entry with its hash recomputed breaks the next link"
busy_store
# the attacker changes entry 4 and writes a new (wrong-chain) hash into it
tamper "UPDATE audit SET count = 99, hash = '$(printf '%064d' 7)' WHERE seq = 4"
vern audit verify --json
expect_rc 1
expect_json 'd["bad_seq"]' 4

test_case "a removed middle entry: a gap in the sequence"
busy_store
tamper "DELETE FROM audit WHERE seq = 4"
vern audit verify
expect_rc 1
expect_err_contains "entry 4 is missing: the log jumps from entry 3 to entry 5 (entries were removed)"
vern audit verify --json
expect_json 'd["problem"]' removed
expect_json 'd["bad_seq"]' 4

test_case "a removed first entry"
busy_store
tamper "DELETE FROM audit WHERE seq = 1"
vern audit verify --json
expect_rc 1
expect_json 'd["problem"]' removed
expect_json 'd["bad_seq"]' 1

test_case "a removed entry with the later ones renumbered: the prev_hash link breaks"
busy_store
# (in two steps: PostgreSQL checks the key row by row)
tamper "DELETE FROM audit WHERE seq = 4; UPDATE audit SET seq = -seq WHERE seq > 4;
        UPDATE audit SET seq = -seq - 1 WHERE seq < 0"
vern audit verify
expect_rc 1
expect_err_contains "entry 4 does not follow entry 3: its prev_hash is not the hash of entry 3 (entries were removed, reordered or inserted)"
vern audit verify --json
expect_json 'd["problem"]' reordered

test_case "two entries swapped (with their hashes): reordered"
busy_store
tamper "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (2, 3);
UPDATE audit SET (at, \"user\", command, action, rule, category, count, policy_digest, subject, prev_hash, hash) =
  (SELECT at, \"user\", command, action, rule, category, count, policy_digest, subject, prev_hash, hash
   FROM t WHERE t.seq = 5 - audit.seq) WHERE seq IN (2, 3);"
vern audit verify --json
expect_rc 1
expect_json 'd["problem"]' reordered
expect_json 'd["bad_seq"]' 2

test_case "two entries' contents swapped (hashes left in place): changed"
busy_store
tamper "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (6, 7);
UPDATE audit SET (at, \"user\", command, action, rule, category, count, policy_digest, subject) =
  (SELECT at, \"user\", command, action, rule, category, count, policy_digest, subject
   FROM t WHERE t.seq = 13 - audit.seq) WHERE seq IN (6, 7);"
vern audit verify --json
expect_rc 1
expect_json 'd["problem"]' changed
expect_json 'd["bad_seq"]' 6

test_case "a truncated tail: only --expect-head finds it"
busy_store
HEAD=$(head_hash)
tamper "DELETE FROM audit WHERE seq > $((N - 2))"
vern audit verify
expect_rc 0 # a shorter chain is still a valid chain
vern audit verify --expect-head "$HEAD"
expect_rc 1
expect_err_contains "vern: the audit log is broken: the expected head $HEAD is not in the chain, whose head is entry $((N - 2))"
vern audit verify --expect-head "$HEAD" --json
expect_rc 1
expect_json 'd["problem"]' truncated
expect_json 'd["expected_head"]["seq"]' None

test_case "--expect-head: the noted head, then entries appended since"
busy_store
HEAD=$(head_hash)
vern audit verify --expect-head "$HEAD"
expect_rc 0
expect_out_contains "head $HEAD (entry $N)"
"$VERN" hold release -q 1 --now 2026-04-13 >/dev/null
vern audit verify --expect-head "$(tr a-f A-F <<<"$HEAD")" # hex in either case
expect_rc 0
expect_out_contains "the expected head is entry $N; 1 entry was appended since"
vern audit verify --expect-head "$HEAD" --json
expect_json 'd["expected_head"]["seq"]' "$N"
expect_json 'd["expected_head"]["appended_since"]' 1

test_case "--expect-head: not a hash is a usage error"
vern audit verify --expect-head abc
expect_rc 2
expect_err_contains "--expect-head abc: expected a hash of 64 hex characters"

test_case "a missing store"
vern audit verify --store nope.db
expect_rc 66

finish
