# vern test: runs the policies' [[test]] cases; every seed policy passes.
source "$(dirname "$0")/lib.sh"
set -e

test_case "every seed policy passes its own tests"
for p in "$SRC"/policies/*/; do
    vern test "$p"
    expect_rc 0
    expect_out_contains " passed, 0 failed"
done
vern test "$SRC/policies"
expect_rc 0
expect_out_contains "ok    $SRC/policies/personalpartner: "
n=$(grep -c '^\[\[test\]\]' "$SRC"/policies/*/*.toml | awk -F: '{s += $2} END {print s}')
[ "$(tail -n1 <<<"$OUT")" = "$n passed, 0 failed" ] || fail "last line: $(tail -n1 <<<"$OUT") (expected $n tests)"

test_case "a failing test: name, record, expected vs actual, summary, exit 1"
cat >p.toml <<'TOML'
[policy]
name = "T"
controller = "T AS"
contact = "p@example.no"
timezone = "Europe/Oslo"
supervisory_authority = "Datatilsynet"

[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"

[[rule]]
id = "chat-30d"
category = "chat"
after = "created"
keep = "30d"
action = "delete"

[[test]]
name = "one second before"
now = "2026-04-19T09:59:59+02:00"
records = [ { id = "c1", subject = "S1", category = "chat", created = "2026-03-20T10:00:00+01:00" } ]
[test.expect]
kept = ["c1"]

[[test]]
name = "wrong expectation"
now = "2026-04-19T09:59:59+02:00"
records = [ { id = "c1", subject = "S1", category = "chat", created = "2026-03-20T10:00:00+01:00" } ]
[test.expect]
deleted = ["c1"]
TOML
vern test p.toml
expect_rc 1
expect_out_contains "ok    p.toml: one second before"
expect_out_contains "FAIL  p.toml: wrong expectation"
expect_out_contains "p.toml:28: test 'wrong expectation': record c1: expected deleted, got present (not anonymized), fields {}"
[ "$(tail -n1 <<<"$OUT")" = "1 passed, 1 failed" ] || fail "last line: $(tail -n1 <<<"$OUT")"
vern test p.toml --json
expect_rc 1
expect_json '(d["passed"], d["failed"])' "(1, 1)"
expect_json 'd["policies"][0]["tests"][1]["failures"][0]["expected"]' deleted
vern --policy p.toml test
expect_rc 1

test_case "an invalid policy: exit 65; missing: 66; none: 2"
printf '[policy]\nname = "x"\n' >bad.toml
vern test bad.toml
expect_rc 65
vern test missing.toml
expect_rc 66
vern test
expect_rc 2

finish
