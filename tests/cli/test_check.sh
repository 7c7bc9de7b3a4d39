# vern check: diagnostics of broken policies (each asserted exactly: file, line, column,
# message), --strict, --format json, --baseline, directory policies and exit codes.
source "$(dirname "$0")/lib.sh"

# Relative paths, so that the diagnostics name files as a user in the source tree sees them.
cd "$SRC/tests/data/policies"

test_case "a valid policy"
vern check good.toml
expect_rc 0
expect_out_equals "good.toml: ok (3 categories, 4 rules, 1 test)"
expect_err_equals ""

test_case "a directory forms one policy"
vern check good-dir/
expect_rc 0
expect_out_equals "good-dir/: ok (1 category, 1 rule, 1 test)"

test_case "several POLICY arguments are several policies"
vern check good.toml good-dir
expect_rc 0
expect_out_equals "good.toml: ok (3 categories, 4 rules, 1 test)
good-dir: ok (1 category, 1 rule, 1 test)"

test_case "a directory of policy subdirectories is one policy per subdirectory"
vern check collection
expect_rc 0
expect_out_equals "collection/first: ok (3 categories, 4 rules, 1 test)
collection/second: ok (1 category, 1 rule, 1 test)"

test_case "the global --policy and VERN_POLICY"
vern --policy good.toml check
expect_rc 0
expect_out_equals "good.toml: ok (3 categories, 4 rules, 1 test)"
VERN_POLICY=good-dir vern check
expect_rc 0
expect_out_equals "good-dir: ok (1 category, 1 rule, 1 test)"

test_case "no policy at all is a usage error"
vern check
expect_rc 2
expect_err_equals "vern: error: no policy given: pass POLICY paths, or --policy PATH, or set VERN_POLICY"

test_case "a policy that does not exist"
vern check nowhere.toml
expect_rc 66
expect_err_equals "vern: error: policy file 'nowhere.toml' does not exist"
vern check empty-dir
expect_rc 66
expect_err_equals "vern: error: policy directory 'empty-dir' has no *.toml files"

test_case "an unknown option"
vern check good.toml --stirct
expect_rc 2

test_case "[policy] twice across the files of a directory names both places"
vern check broken-dir
expect_rc 1
expect_err_equals "broken-dir/b.toml:2:1: error: [policy] appears again; a policy has it once, first at broken-dir/a.toml:1:1"
expect_out_equals "broken-dir: invalid (1 error)"

test_case "summary of an invalid policy"
vern check broken/duplicates.toml
expect_out_equals "broken/duplicates.toml: invalid (4 errors)"

test_case "broken/consent-role"
vern check broken/consent-role.toml
expect_rc 1
expect_err_equals "$(cat <<'EOF'
broken/consent-role.toml:12:15: error: category 'survey' has legal_basis = "consent" but no consent_purpose: name the purpose consented to
broken/consent-role.toml:19:19: error: consent_purpose is only allowed with legal_basis = "consent"; category 'booking' has legal_basis = "contract"
broken/consent-role.toml:26:8: error: processor category 'nav' needs 'controller': the controller that rights requests are referred to
broken/consent-role.toml:33:14: warning: 'controller' is ignored for category 'notes', whose role is controller; did you mean role = "processor"?
broken/consent-role.toml:40:8: error: invalid role 'owner': expected controller or processor
EOF
)"

test_case "broken/duplicates"
vern check broken/duplicates.toml
expect_rc 1
expect_err_equals "$(cat <<'EOF'
broken/duplicates.toml:15:6: error: duplicate category id 'mail'; first defined at broken/duplicates.toml:9:6
broken/duplicates.toml:21:6: error: invalid category id 'Chat-Log': use lower-case letters, digits and '_', starting with a letter
broken/duplicates.toml:33:6: error: duplicate rule id 'mail-1w'; first defined at broken/duplicates.toml:27:6
broken/duplicates.toml:34:15: error: rule 'mail-1w' names unknown category 'mial'; did you mean 'mail'?
EOF
)"

test_case "broken/empty-values: required strings that are empty or only white space"
vern check broken/empty-values.toml
expect_rc 1
expect_err_equals "$(cat <<'EOF'
broken/empty-values.toml:2:8: error: [policy] name must not be empty
broken/empty-values.toml:3:14: error: [policy] controller must not be empty
broken/empty-values.toml:4:11: error: [policy] contact must not be empty
broken/empty-values.toml:5:12: error: [policy] timezone must not be empty
broken/empty-values.toml:10:9: error: [[category]] 'chat' title must not be empty
broken/empty-values.toml:11:11: error: [[category]] 'chat' purpose must not be empty
broken/empty-values.toml:13:19: error: [[category]] 'chat' consent_purpose must not be empty
broken/empty-values.toml:21:14: error: [[category]] 'nav' controller must not be empty
EOF
)"
expect_out_equals "broken/empty-values.toml: invalid (8 errors)"
vern check --json broken/empty-values.toml
expect_rc 1
expect_json "[(x['line'], x['column'], x['severity']) for x in d['diagnostics']][0]" "(2, 8, 'error')"
expect_json "d['diagnostics'][0]['message']" "[policy] name must not be empty"

test_case "broken/no-policy"
vern check broken/no-policy.toml
expect_rc 1
expect_err_equals "$(cat <<'EOF'
broken/no-policy.toml: error: no [policy] table: a policy needs one, with name, controller, contact and timezone
EOF
)"

test_case "broken/policy-twice"
vern check broken/policy-twice.toml
expect_rc 1
expect_err_equals "$(cat <<'EOF'
broken/policy-twice.toml:4:1: error: invalid TOML in table header: cannot redefine existing table 'policy'
EOF
)"

test_case "broken/rule-shape"
vern check broken/rule-shape.toml
expect_rc 1
expect_err_equals "$(cat <<'EOF'
broken/rule-shape.toml:14:1: error: category 'forever' has no delete rule and no anonymize rule with unlink = true: its data would be kept forever (storage limitation, GDPR art. 5(1)(e))
broken/rule-shape.toml:25:10: error: rule 'chat-delete' deletes whole records; 'fields' is only allowed with action = "anonymize"
broken/rule-shape.toml:26:10: error: rule 'chat-delete' deletes whole records; 'unlink' is only allowed with action = "anonymize"
broken/rule-shape.toml:27:23: error: where.direction must be a string, number or boolean, not an array
broken/rule-shape.toml:27:44: error: where.size must be a string, number or boolean, not a table
broken/rule-shape.toml:33:10: error: anonymize rule 'chat-noop' changes nothing: give 'fields' or unlink = true
broken/rule-shape.toml:35:18: error: rule 'chat-noop' has if_consent and unless_consent both 'survey': it can never apply
broken/rule-shape.toml:47:14: error: rule 'both' has both 'category' and 'categories'; use one
broken/rule-shape.toml:51:1: error: missing required key 'id' in [[rule]]
broken/rule-shape.toml:51:1: error: missing required key 'keep' in [[rule]]
EOF
)"

test_case "broken/syntax"
vern check broken/syntax.toml
expect_rc 1
expect_err_equals "$(cat <<'EOF'
broken/syntax.toml:3:22: error: invalid TOML in string: unescaped control characters other than TAB (U+0009) are explicitly prohibited
EOF
)"

test_case "broken/tests"
vern check broken/tests.toml
expect_rc 1
expect_err_equals "$(cat <<'EOF'
broken/tests.toml:23:22: error: invalid time "2026-13-01": month 13 is out of range
broken/tests.toml:23:36: error: 'now' must be a time (RFC 3339 or a date) or an array of times, not an integer
broken/tests.toml:25:43: error: unknown category 'chta'; did you mean 'chat'?
broken/tests.toml:26:51: error: unknown key 'crated' in records[1] of test 'broken records'; did you mean 'created'?
broken/tests.toml:26:85: error: field 'phnoe' is not declared by category 'chat'; did you mean 'phone'?
broken/tests.toml:26:118: error: field 'text' must be a string, number or boolean, not an array
broken/tests.toml:27:3: error: records[2] must be a table, not a string
broken/tests.toml:30:3: error: events[0] of test 'broken records' needs exactly one of subject, record or scope = "global"
broken/tests.toml:30:33: error: invalid time "yesterday": expected RFC 3339 (2026-01-05T10:00:00+01:00) or a date (2026-01-05)
broken/tests.toml:31:3: error: events[1] of test 'broken records' needs exactly one of subject, record or scope = "global"
broken/tests.toml:31:29: error: invalid scope: the only scope is "global" (an event for the whole organisation)
broken/tests.toml:33:14: error: consents[0] of test 'broken records' needs 'given' or 'withdrawn'
broken/tests.toml:34:11: error: holds[0] of test 'broken records' needs exactly one of subject or category
broken/tests.toml:37:18: error: expect.deleted names record 'c9', which test 'broken records' does not define
broken/tests.toml:38:9: error: record 'c1' is expected both deleted and kept
broken/tests.toml:39:46: error: expect.anonymized names record 'c8', which test 'broken records' does not define
broken/tests.toml:41:1: error: unknown key 'gone' in [test.expect]
broken/tests.toml:43:1: error: missing required key 'name' in [[test]]
broken/tests.toml:43:1: error: missing required key 'now' in [[test]]
broken/tests.toml:43:1: warning: [[test]] has no [test.expect]: it checks nothing
EOF
)"

test_case "broken/types"
vern check broken/types.toml
expect_rc 1
expect_err_equals "$(cat <<'EOF'
broken/types.toml:1:8: error: 'test' must be an array of tables ([[test]]), not a string
broken/types.toml:4:8: error: 'name' must be a string, not an integer
broken/types.toml:11:9: error: 'email' must be an array of strings, not a string
broken/types.toml:13:1: error: missing required key 'title' in [[category]] 'mail'
broken/types.toml:17:11: error: 'special' must be a boolean (true or false), not a string
broken/types.toml:18:22: error: 'recipients' must contain only strings, not an integer
broken/types.toml:23:8: error: 'keep' must be a string, not an integer
EOF
)"

test_case "broken/unknown-keys"
vern check broken/unknown-keys.toml
expect_rc 1
expect_err_equals "$(cat <<'EOF'
broken/unknown-keys.toml:3:1: error: unknown key 'controler' in [policy]; did you mean 'controller'?
broken/unknown-keys.toml:8:3: error: unknown table 'categroy'; did you mean 'category'?
broken/unknown-keys.toml:16:1: error: unknown key 'retention' in [[category]]
broken/unknown-keys.toml:21:1: error: unknown key 'kep' in [[rule]]; did you mean 'keep'?
EOF
)"

test_case "broken/values"
vern check broken/values.toml
expect_rc 1
expect_err_equals "$(cat <<'EOF'
broken/values.toml:5:12: error: unknown time zone "Europe/Olso": expected an IANA name like Europe/Oslo; did you mean 'Europe/Oslo'?
broken/values.toml:6:12: error: invalid language 'de': expected nb or en
broken/values.toml:7:20: error: invalid duration "thirty days": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D
broken/values.toml:14:15: error: invalid legal_basis 'public_interest': expected one of consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests (GDPR art. 6(1)(a)-(f))
broken/values.toml:20:9: error: invalid anchor "modified": expected created, event:KIND, global:KIND or last_activity
broken/values.toml:21:8: error: invalid duration "7x": expected Nd, Nw, Nmo, Ny or ISO 8601 like P30D
broken/values.toml:22:9: error: invalid round "end_of_weak": expected end_of_day, end_of_week, end_of_month or end_of_year
broken/values.toml:23:10: error: invalid action 'remove': expected delete or anonymize
broken/values.toml:28:9: error: invalid anchor "event:": the event kind after 'event:' must be a non-empty word
broken/values.toml:29:8: error: invalid duration "P1DT2H": ISO 8601 time parts (T...) are not supported, only P[nY][nM][nW][nD]
broken/values.toml:31:20: error: invalid anonymisation method "drop_last:x": expected drop_last:N with N a whole number of at least 1
broken/values.toml:31:41: error: invalid anonymisation method "band:0": expected band:N with N a whole number of at least 1
broken/values.toml:31:58: error: unknown anonymisation method "hash": expected remove, redact, drop_last:N, mask_last:N, truncate_ip, band:N, year, month or week
broken/values.toml:31:71: error: invalid anonymisation method "truncate_ip:4": truncate_ip takes no argument
EOF
)"

test_case "broken/warnings"
vern check broken/warnings.toml
expect_rc 0
expect_err_equals "$(cat <<'EOF'
broken/warnings.toml:2:1: warning: [policy] has no supervisory_authority: access reports cannot say where to complain (GDPR art. 15(1)(f))
broken/warnings.toml:7:20: warning: request_deadline 45d is longer than the one month of GDPR art. 12(3); extensions are given per request
broken/warnings.toml:9:1: warning: identifier field 'mail' is not declared by any category
broken/warnings.toml:12:1: warning: every delete or unlinking rule of category 'chat' has a condition: records that meet none are kept forever
broken/warnings.toml:24:12: warning: rule 'chat-phone' anonymizes field 'phnoe', which category 'chat' does not declare; did you mean 'phone'?
broken/warnings.toml:25:11: warning: rule 'chat-phone' tests field 'direction', which category 'chat' does not declare
broken/warnings.toml:32:14: warning: consent purpose 'survy' is no category's consent_purpose and no other rule's condition
broken/warnings.toml:34:1: warning: [[test]] 'expects nothing' has no [test.expect]: it checks nothing
EOF
)"

test_case "--strict makes warnings errors"
vern check broken/warnings.toml
expect_rc 0
expect_out_equals "broken/warnings.toml: ok (1 category, 2 rules, 1 test, 8 warnings)"
vern check --strict broken/warnings.toml
expect_rc 1
expect_err_contains "broken/warnings.toml:7:20: error: request_deadline 45d is longer than"
expect_out_equals "broken/warnings.toml: invalid (8 errors)"

test_case "--format json"
vern check --format json broken/consent-role.toml
expect_rc 1
expect_err_equals ""
expect_json "d['valid']" "False"
expect_json "sorted(d.keys())" "['diagnostics', 'valid']"
expect_json "len(d['diagnostics'])" "5"
expect_json "[d['diagnostics'][3][k] for k in ('file', 'line', 'column', 'severity')]" "['broken/consent-role.toml', 33, 14, 'warning']"
expect_json "d['diagnostics'][3]['message']" "'controller' is ignored for category 'notes', whose role is controller; did you mean role = \"processor\"?"
vern check --json good.toml
expect_rc 0
expect_json "d" "{'diagnostics': [], 'valid': True}"
vern check --json --strict broken/warnings.toml
expect_rc 1
expect_json "d['valid']" "False"
expect_json "{x['severity'] for x in d['diagnostics']}" "{'error'}"
vern check --json broken/no-policy.toml
expect_json "d['diagnostics'][0]['line'], d['diagnostics'][0]['column']" "(0, 0)"
vern check --format html good.toml
expect_rc 2

test_case "--format json when a policy does not exist: the document on stdout, exit 66"
vern check --json nowhere.toml
expect_rc 66
expect_err_equals "vern: error: policy file 'nowhere.toml' does not exist"
expect_json "d == {'valid': False, 'diagnostics': [{'file': 'nowhere.toml', 'line': 0, 'column': 0, 'severity': 'error', 'message': \"policy file 'nowhere.toml' does not exist\"}]}" "True"
vern check --format json empty-dir/
expect_rc 66
expect_err_equals "vern: error: policy directory 'empty-dir/' has no *.toml files"
expect_json "d == {'valid': False, 'diagnostics': [{'file': 'empty-dir/', 'line': 0, 'column': 0, 'severity': 'error', 'message': \"policy directory 'empty-dir/' has no *.toml files\"}]}" "True"
# Every policy is still checked; the missing one is one more diagnostic.
vern check --json broken/warnings.toml nowhere.toml good.toml
expect_rc 66
expect_json "d['valid']" "False"
expect_json "[(x['file'], x['severity']) for x in d['diagnostics']][-1]" "('nowhere.toml', 'error')"
expect_json "len(d['diagnostics'])" "9"
vern --json --policy good.toml --policy nowhere.toml check
expect_rc 66
expect_json "[x['file'] for x in d['diagnostics']]" "['nowhere.toml']"
# A baseline that does not exist or has errors: exit status as before, and the document.
vern check --json good.toml --baseline nowhere.toml
expect_rc 66
expect_err_equals "vern: error: policy file 'nowhere.toml' does not exist"
expect_json "d['valid'], sorted(d.keys())" "(False, ['diagnostics', 'valid'])"
expect_json "[(x['file'], x['line'], x['column']) for x in d['diagnostics']]" "[('nowhere.toml', 0, 0)]"
vern check --json good.toml --baseline broken/values.toml
expect_rc 65
expect_json "[(x['file'], x['line'], x['column']) for x in d['diagnostics']]" "[('broken/values.toml', 0, 0)]"
# Text output is unchanged: nothing on stdout.
vern check nowhere.toml
expect_rc 66
expect_out_equals ""

test_case "--baseline lists retention changes"
vern check good.toml --baseline baseline-old.toml
expect_rc 0
expect_out_equals "$(cat <<'EOF'
good.toml: ok (3 categories, 4 rules, 1 test)
removed: category booking: Timebestilling
added: category nav_report: Rapporter til NAV
removed: rule chat-30d (booking): delete 60d after last_activity
shorter: rule chat-30d (chat): delete 60d after last_activity -> delete 30d after last_activity
shorter: rule chat-30d (survey): delete 60d after last_activity -> delete 30d after last_activity
longer: rule chat-phone-7d (chat): anonymize 7d after created, where direction = "external" (phone = drop_last:4, text = redact) -> anonymize 7d after created, end_of_week, where direction = "external" (phone = drop_last:4, text = redact)
added: rule everything-12w (chat): anonymize 12w after global:subscription_ended (email = remove, fnr = remove, mobile = remove, name = remove, phone = remove), unlink
added: rule everything-12w (nav_report): anonymize 12w after global:subscription_ended (email = remove, fnr = remove, mobile = remove, name = remove, phone = remove), unlink
added: rule everything-12w (survey): anonymize 12w after global:subscription_ended (email = remove, fnr = remove, mobile = remove, name = remove, phone = remove), unlink
longer: rule survey-15mo (survey): delete P1Y after event:survey_sent, if consent 'survey' -> delete P15M after event:survey_sent, if consent 'survey'
EOF
)"
vern check --json good.toml --baseline baseline-old.toml
expect_rc 0
expect_json "[c['kind'] for c in d['changes']]" "['category_removed', 'category_added', 'rule_removed', 'shorter', 'shorter', 'longer', 'rule_added', 'rule_added', 'rule_added', 'longer']"
expect_json "'|'.join(d['changes'][9][k] for k in ('kind', 'category', 'rule', 'before', 'after'))" "longer|survey|survey-15mo|delete P1Y after event:survey_sent, if consent 'survey'|delete P15M after event:survey_sent, if consent 'survey'"
vern check good.toml --baseline good.toml
expect_out_equals "good.toml: ok (3 categories, 4 rules, 1 test)
no retention changes against good.toml"
vern check good.toml --baseline broken/values.toml
expect_rc 65
vern check good.toml --baseline nowhere.toml
expect_rc 66
vern check good.toml good-dir --baseline baseline-old.toml
expect_rc 2

test_case "--baseline: equivalent durations, round and action"
# One policy, and versions of it that change only how its rules are written or their round and
# action; relative to the test's temporary directory.
policy() { # FILE, then for the rules r1..r6: KEEP ROUND ACTION each
    local file=$1; shift
    {
        printf '[policy]\nname = "T"\ncontroller = "T AS"\ncontact = "t@example.no"\n'
        printf 'timezone = "Europe/Oslo"\nsupervisory_authority = "Datatilsynet"\n\n'
        printf '[[category]]\nid = "chat"\ntitle = "Chat"\npurpose = "Guidance"\n'
        printf 'legal_basis = "public_task"\n'
        local i=1
        while [ $# -gt 0 ]; do
            printf '\n[[rule]]\nid = "r%s"\ncategory = "chat"\nkeep = "%s"\n' "$i" "$1"
            [ "$2" = - ] || printf 'round = "%s"\n' "$2"
            printf 'action = "%s"\n' "$3"
            [ "$3" = delete ] || printf 'unlink = true\n'
            shift 3; i=$((i + 1))
        done
    } >"$TMP/$file"
}
policy old.toml 30d - delete 4w - delete 1y - delete P1Y - delete 30d - delete 7d - delete
policy same.toml P30D - delete 28d - delete 12mo - delete 1y - delete P30D - delete P7D - delete
vern check "$TMP/same.toml" --baseline "$TMP/old.toml"
expect_rc 0
expect_out_equals "$TMP/same.toml: ok (1 category, 6 rules, 0 tests)
no retention changes against $TMP/old.toml"
vern check --json "$TMP/same.toml" --baseline "$TMP/old.toml"
expect_json "d['changes']" "[]"
policy new.toml P30D end_of_year delete 2mo - delete 12mo end_of_month delete 1y - anonymize \
    1mo - delete 7d end_of_week anonymize
vern check "$TMP/new.toml" --baseline "$TMP/old.toml"
expect_rc 0
expect_out_equals "$TMP/new.toml: ok (1 category, 6 rules, 0 tests)
longer: rule r1 (chat): delete 30d after created -> delete P30D after created, end_of_year
longer: rule r2 (chat): delete 4w after created -> delete 2mo after created
longer: rule r3 (chat): delete 1y after created -> delete 12mo after created, end_of_month
longer: rule r4 (chat): delete P1Y after created -> anonymize 1y after created, unlink
changed: rule r5 (chat): delete 30d after created -> delete 1mo after created
longer: rule r6 (chat): delete 7d after created -> anonymize 7d after created, end_of_week, unlink"
vern check "$TMP/old.toml" --baseline "$TMP/new.toml"
expect_out_equals "$TMP/old.toml: ok (1 category, 6 rules, 0 tests)
shorter: rule r1 (chat): delete P30D after created, end_of_year -> delete 30d after created
shorter: rule r2 (chat): delete 2mo after created -> delete 4w after created
shorter: rule r3 (chat): delete 12mo after created, end_of_month -> delete 1y after created
shorter: rule r4 (chat): anonymize 1y after created, unlink -> delete P1Y after created
changed: rule r5 (chat): delete 1mo after created -> delete 30d after created
shorter: rule r6 (chat): anonymize 7d after created, end_of_week, unlink -> delete 7d after created"
vern check --json "$TMP/new.toml" --baseline "$TMP/old.toml"
expect_json "[(c['kind'], c['rule']) for c in d['changes']]" "[('longer', 'r1'), ('longer', 'r2'), ('longer', 'r3'), ('longer', 'r4'), ('changed', 'r5'), ('longer', 'r6')]"
# Categories added and removed are still listed, with the rules of a removed category.
policy week.toml 30d end_of_week delete
policy month.toml 30d end_of_month delete
vern check "$TMP/month.toml" --baseline "$TMP/week.toml"
expect_out_contains "changed: rule r1 (chat): delete 30d after created, end_of_week -> delete 30d after created, end_of_month"
sed 's/id = "chat"/id = "notes"/; s/category = "chat"/category = "notes"/' "$TMP/same.toml" >"$TMP/renamed.toml"
vern check "$TMP/renamed.toml" --baseline "$TMP/old.toml"
expect_out_contains "removed: category chat: Chat
added: category notes: Chat
removed: rule r1 (chat): delete 30d after created"
expect_out_contains "added: rule r1 (notes): delete P30D after created"

finish
